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
