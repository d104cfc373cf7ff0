"""Atomic writes: every output goes to a temporary file in its own folder first, then
all are renamed into place. A failure removes the temporary files and leaves any
previous report untouched."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fosterreport.exceptions import RenderError


def write_atomically(outputs: dict[Path, bytes]) -> list[Path]:
    """Write ``outputs`` (path -> bytes); all files, or none of them."""
    temporaries: list[tuple[str, Path]] = []
    mode = 0o666 & ~_umask()
    try:
        for path, data in outputs.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temporaries.append((temporary, path))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, mode)
        for temporary, path in temporaries:
            os.replace(temporary, path)
    except OSError as error:
        for temporary, _ in temporaries:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
        raise RenderError(f"could not write the report: {error}") from None
    return list(outputs)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
