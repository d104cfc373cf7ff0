"""Writing the report: all files or none, never a half-written one, nothing outside the folder.

Everything is rendered in memory first (:mod:`fosterreport.build`), so a build that fails
or is killed before this stage — during the PDF, say — has written nothing at all. Then:

* **Temporaries.** Each output is written, flushed and fsynced to a temporary file in its
  own folder (it must be there: only a rename within one file system is atomic), named
  ``.fosterreport-<host>.<pid>.<random>.tmp``; then all are renamed into place. Any
  failure removes them. A process killed while writing (SIGKILL, a power cut) cannot
  clean up after itself, so every build first removes the temporaries left in its output
  folder by processes of this host that are no longer running (:func:`sweep_stale`):
  at most one build's worth of them exists between a kill and the next build, and a
  running build's are never touched.
* **All or none.** Before any rename, every previous file is hard-linked to a backup name
  of the same pattern, and a journal (``.fosterreport-journal``) naming each output and
  its backup is written and synced; then the renames; then the journal is removed (the
  moment the new report is whole), then the backups. A rename that fails puts the files
  already replaced back. A build killed between the renames leaves the journal, and the
  next build into that folder first puts the previous report back from it
  (:func:`recover`), before it sweeps anything: the previous files are never deleted
  before the new set is complete, and no mix of old and new outlives the next build. (On
  a file system without hard links there are no backups, and a kill in the middle of the
  renames can leave a mix; the renames take microseconds.)
* **No writes through symlinks.** ``os.replace`` replaces a symlink in the output folder
  with the new file; it never writes to where the link points. Temporaries are created
  with ``O_EXCL`` and sweeping only unlinks names, so no link is followed there either.
* **Clear failures.** A folder that cannot be created or written, a full disk or a
  read-only file system is a :class:`~fosterreport.exceptions.RenderError` (exit 3)
  saying which folder and why, and that the previous report is unchanged.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import tempfile
from pathlib import Path

from fosterreport.exceptions import RenderError

TEMP_PREFIX = ".fosterreport-"
TEMP_SUFFIX = ".tmp"
JOURNAL = ".fosterreport-journal"
_TEMP_NAME = re.compile(r"\.fosterreport-(?P<host>[A-Za-z0-9]*)\.(?P<pid>\d+)\..*\.tmp")

REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied: the output folder is not writable",
    errno.EPERM: "permission denied: the output folder is not writable",
    errno.EROFS: "the file system is read-only",
    errno.ENOTDIR: "a file is in the way where a folder is needed",
    errno.EEXIST: "a file is in the way where a folder is needed",
    errno.EISDIR: "a folder is in the way where a file is needed",
}


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32]


def _prefix() -> str:
    return f"{TEMP_PREFIX}{_host()}.{os.getpid()}."


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: running
        return True
    except OSError:
        return True
    return True


def sweep_stale(folder: Path) -> list[Path]:
    """Remove the temporaries a killed build of this host left in ``folder``; return them.

    Only names of the temporary pattern whose process is no longer running are removed
    (a concurrent build's are kept); another host's are left alone, since whether its
    process runs cannot be known from here.
    """
    removed = []
    host = _host()
    try:
        entries = list(Path(folder).iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return removed
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry.name)
        if not match or match["host"] != host or _running(int(match["pid"])):
            continue
        try:
            entry.unlink()  # a name only: never follows a link
            removed.append(entry)
        except FileNotFoundError:
            pass
    return removed


def recover(folder: Path) -> list[Path]:
    """Put back the previous report a build killed between its renames left half-replaced.

    The journal lists each output and the backup of its previous file (none: there was
    none, and a new file there goes). Returns the outputs put back. Runs before anything
    is swept, since the backups are temporaries by name.
    """
    import json

    journal = Path(folder) / JOURNAL
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):  # a journal cut short: written before any rename began
        entries = []
    restored = []
    for entry in entries:
        path = Path(folder) / entry["name"]
        try:
            if entry["backup"] is not None:
                os.replace(Path(folder) / entry["backup"], path)
                restored.append(path)
            elif os.path.lexists(path):
                os.unlink(path)
                restored.append(path)
        except FileNotFoundError:  # that output had not been renamed yet, or was put back
            pass
    journal.unlink(missing_ok=True)
    _sync(Path(folder))
    return restored


def _write_journal(folder: Path, entries: list[dict]) -> Path:
    """The journal, written whole (temporary, fsync, rename) before the first rename."""
    import json

    handle, name = tempfile.mkstemp(dir=folder, prefix=_prefix(), suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(entries, stream)
            stream.flush()
            os.fsync(stream.fileno())
        journal = folder / JOURNAL
        os.replace(name, journal)
    except OSError:
        _remove([Path(name)])
        raise
    _sync(folder)
    return journal


def _sync(folder: Path) -> None:
    """Make the folder's renames durable (where the system allows opening a folder)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def describe(error: OSError, folder: Path) -> str:
    """What went wrong writing into ``folder``, in words an analyst can act on."""
    reason = REASONS.get(error.errno) or error.strerror or str(error)
    return (f"could not write the report to {folder}: {reason} ({error.strerror or error}); "
            "nothing was written and any previous report there is unchanged")


def check_folder(folder: Path) -> None:
    """Fail early (before anything is rendered) when ``folder`` cannot take the report,
    and clear away temporaries a killed build left there.

    An existing folder is probed by creating and removing a temporary file; a folder that
    does not exist yet is only checked not to be blocked by a file on its way (it is
    created when the report is written, so a failed build leaves no empty folder).
    """
    folder = Path(folder)
    try:
        existing = folder
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(existing))
        if existing == folder:
            recover(folder)
            sweep_stale(folder)
            handle, probe = tempfile.mkstemp(dir=folder, prefix=_prefix(), suffix=TEMP_SUFFIX)
            os.close(handle)
            os.unlink(probe)
    except OSError as error:
        raise RenderError(describe(error, folder)) from None


def write_atomically(outputs: dict[Path, bytes]) -> list[Path]:
    """Write ``outputs`` (path -> bytes): all files, or none of them (see the module docstring)."""
    temporaries: list[tuple[Path, Path]] = []  # (temporary, destination)
    replaced: list[tuple[Path, bool, Path | None]] = []  # (destination, had a previous file, its backup)
    backups: list[Path] = []
    mode = 0o666 & ~_umask()
    folder = next(iter(outputs)).parent if outputs else Path(".")
    journals: list[Path] = []
    try:
        for parent in dict.fromkeys(path.parent for path in outputs):
            folder = parent
            parent.mkdir(parents=True, exist_ok=True)
            recover(parent)
            sweep_stale(parent)
        for path, data in outputs.items():
            folder = path.parent
            handle, name = tempfile.mkstemp(dir=path.parent, prefix=_prefix(), suffix=TEMP_SUFFIX)
            temporaries.append((Path(name), path))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(name, mode)
        planned = []  # (temporary, destination, had a previous file, its backup)
        for temporary, path in temporaries:
            existed = os.path.lexists(path)
            backup = _backup(path) if existed else None
            if backup is not None:
                backups.append(backup)
            planned.append((temporary, path, existed, backup))
        for parent in dict.fromkeys(path.parent for path in outputs):
            folder = parent
            journals.append(_write_journal(parent, [
                {"name": path.name, "backup": None if backup is None else backup.name}
                for _, path, _, backup in planned if path.parent == parent]))
        for temporary, path, existed, backup in planned:
            folder = path.parent
            os.replace(temporary, path)
            replaced.append((path, existed, backup))
    except OSError as error:
        _roll_back(replaced)
        _remove([temporary for temporary, _ in temporaries] + backups + journals)
        raise RenderError(describe(error, folder)) from None
    _remove(journals)  # the new report is whole: nothing to put back any more
    for parent in dict.fromkeys(path.parent for path in outputs):
        _sync(parent)
    _remove(backups)
    return list(outputs)


def _backup(path: Path) -> Path | None:
    """A second name for the file (or symlink) at ``path``, to put it back; None when the
    file system cannot link."""
    backup = Path(tempfile.mktemp(dir=path.parent, prefix=_prefix(), suffix=TEMP_SUFFIX))
    try:
        os.link(path, backup, follow_symlinks=False)
    except OSError:
        return None
    return backup


def _roll_back(replaced: list[tuple[Path, bool, Path | None]]) -> None:
    """Put back the previous files of the outputs already renamed into place."""
    for path, existed, backup in reversed(replaced):
        try:
            if backup is not None:
                os.replace(backup, path)
            elif not existed:
                os.unlink(path)  # there was no previous file: the new one goes too
        except OSError:
            pass


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
