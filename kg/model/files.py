"""Writing output files so that a failure never leaves a half-written one behind."""

from __future__ import annotations

import os
from pathlib import Path

from kg.model.errors import KgError


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise KgError(f"cannot write: {exc.strerror or exc}", path) from exc


def read_text(path: Path, max_bytes: int | None = None) -> str:
    """A UTF-8 text file's contents; a missing, unreadable, non-UTF-8 or (with ``max_bytes``)
    too large file is a one-line :class:`KgError` naming it."""
    try:
        if max_bytes is not None and (size := path.stat().st_size) > max_bytes:
            raise KgError(f"too large ({size:,} bytes; at most {max_bytes:,})", path)
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError as exc:
        raise KgError("file not found", path) from exc
    except UnicodeDecodeError as exc:
        raise KgError(f"not UTF-8 text (byte {exc.start})", path) from exc
    except OSError as exc:
        raise KgError(f"cannot read: {exc.strerror or exc}", path) from exc
