"""Advisory file locks (``flock``) that let builds and readers of one store share a folder safely.

* One writer at a time per store: a build holds ``.<store>.build.lock`` beside the store link for
  its whole life (the operating system drops it if the process dies, even by ``kill -9``), with
  the builder's pid in it so a second build can say who it waits for.
* Readers pin the build they opened: a shared lock on ``builds/.<build>.pin`` while the store is
  open. Pruning takes the same lock exclusively and without waiting, so a build that anyone
  reads is never removed under them.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path

from kg.model.errors import KgError


class FileLock:
    """An ``flock`` on one file, shared or exclusive, held until :meth:`release`."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self, exclusive: bool = True, wait: bool = True) -> bool:
        """Take the lock; without ``wait``, return False at once if someone else holds it."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise KgError(f"cannot open the lock file: {exc.strerror or exc}", self.path) from exc
        flags = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fd, flags)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def holder(self) -> str:
        """What the holder wrote into the file (a build writes its pid), or '?'."""
        try:
            return self.path.read_text(encoding="utf-8").strip() or "?"
        except OSError:
            return "?"

    def write(self, text: str) -> None:
        """Record ``text`` (the holder's pid) in the lock file."""
        assert self._fd is not None, "write() needs the lock"
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, text.encode("utf-8"), 0)

    def release(self) -> None:
        """Let go of the lock (closing the file drops it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def build_lock(target: Path, wait: bool, say: Callable[[str], None] | None = None) -> FileLock:
    """The lock of the one build allowed at a time on the store at ``target``, taken."""
    lock = FileLock(target.parent / f".{target.name}.build.lock")
    if not lock.acquire(wait=False):
        pid = lock.holder()
        if not wait:
            raise KgError(f"another build is running (pid {pid}); leave out --no-wait to wait for it",
                          target)
        (say or (lambda _m: None))(f"another build is running (pid {pid}): waiting")
        lock.acquire(wait=True)
    lock.write(str(os.getpid()))
    return lock


def pin_path(build: Path) -> Path:
    """The file readers of ``build`` lock (shared) and pruning locks (exclusive)."""
    return build.parent / f".{build.name}.pin"
