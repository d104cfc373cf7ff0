"""Reading a file of the project with no symbolic link on the way, checked and read at once.

Templates, narratives and the PDF's assets are read here: the folder is opened, then each
component below it relative to the one before with ``O_NOFOLLOW``, so a link anywhere on
the path (or one swapped in while a report renders) is refused, never followed, and what
was checked is what is read: there is no second open of a path.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class NotInside(Exception):
    """A file that may not be read; the message says why (``a symbolic link``…)."""


class TooLarge(NotInside):
    """A file over the size limit (``size`` is at least what was found)."""

    def __init__(self, size: int, limit: int):
        self.size = size
        super().__init__(f"{size:,} bytes, over the limit of {limit:,}")


def read_inside(folder: Path, parts: tuple[str, ...] | list[str], limit: int) -> bytes:
    """The bytes of ``folder/parts…``; :class:`FileNotFoundError` when it is not there,
    :class:`NotInside` when a component is a link, ``..``, or not a regular file, or the
    file is over ``limit`` bytes (read no further than one byte past it)."""
    if not parts or any(part in ("", ".", "..") or "/" in part or "\0" in part for part in parts):
        raise NotInside("not a file inside the folder")
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            flags = os.O_RDONLY | os.O_NOFOLLOW | (os.O_NONBLOCK if last else os.O_DIRECTORY)
            try:
                inner = os.open(part, flags, dir_fd=descriptor)
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(descriptor, part):
                    raise NotInside("a symbolic link (links are not followed)") from None
                if error.errno == errno.ENOTDIR:
                    raise FileNotFoundError(errno.ENOENT, "not found") from None
                raise
            os.close(descriptor)
            descriptor = inner
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotInside("not a regular file")
        if status.st_size > limit:
            raise TooLarge(status.st_size, limit)
        with os.fdopen(descriptor, "rb") as stream:
            descriptor = -1
            data = stream.read(limit + 1)
    finally:
        if descriptor >= 0:
            os.close(descriptor)
    if len(data) > limit:
        raise TooLarge(len(data), limit)
    return data


def _is_link(descriptor: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=descriptor, follow_symlinks=False).st_mode)
    except OSError:
        return False
