"""One error type for everything a user can get wrong.

Bad input must end in a single line that names the file and the place, never a traceback,
so every module raises :class:`KgError` and the CLI prints ``str(error)`` and exits non-zero.
"""

from __future__ import annotations

from pathlib import Path


class KgError(Exception):
    """A user-facing failure: a message, and where it happened when that is known."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.file or ""
        if self.file and self.line is not None:
            where += f":{self.line}"
        text = " ".join(self.message.split())  # one line, whatever the message held
        return f"{where}: {text}" if where else text


class ValidationError(KgError):
    """SHACL found violations; ``lines`` holds one readable line per violation."""

    def __init__(self, lines: list[str]):
        super().__init__(f"SHACL validation failed with {len(lines)} violation(s)")
        self.lines = lines
