"""The SPARQL engine behind ``kg serve``: Oxigraph's own HTTP server as a child process.

``oxigraph serve-read-only`` (the ``oxigraph`` binary from PyPI) runs on a private loopback port
with its ``--timeout-s`` query time limit. The child never outlives ``kg serve``:

* the context manager stops it (SIGTERM, then SIGKILL after 10 s) however its block ends;
* on Linux it is also started with ``PR_SET_PDEATHSIG``, so the kernel kills it when the thread
  that started it dies, even by ``kill -9`` (start it from the thread that keeps serving:
  the main thread of ``kg serve``);
* it runs in its own session, so a Ctrl-C in a terminal reaches ``kg serve`` alone, which then
  finishes the requests in flight before it stops the engine.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.model.errors import KgError

DEFAULT_TIMEOUT_S = 30
# What Oxigraph writes, instead of the rest of the answer, when a query hits --timeout-s. It
# has already sent "200 OK" and the start of the answer by then (checked with oxigraph 0.5.13:
# `{"head":...,"results":{"bindings":[The SPARQL operation has been cancelled` for JSON, the
# CSV header then this line, ...), so the proxy looks for it at the end of each answer.
CANCELLED = b"The SPARQL operation has been cancelled"


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary: beside this Python (the venv), else on the PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise KgError("the 'oxigraph' server is not installed (pip install oxigraph)")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen | None = None, seconds: float = 20) -> None:
    """Poll ``url`` until it answers over HTTP; fail early if ``process`` has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise KgError(f"the SPARQL server exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answered, even if not with 200
        except OSError:
            time.sleep(0.1)
    raise KgError(f"the SPARQL server did not answer at {url} within {seconds:.0f} s")


def die_with_parent(parent: int) -> Callable[[], None]:
    """A ``preexec_fn`` that has Linux kill the child (SIGKILL) when its parent dies; if the
    parent ``parent`` is already gone by then, the child stops at once. Elsewhere, a no-op."""

    def arm() -> None:
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != parent:  # the parent died before the line above ran
            os.kill(os.getpid(), signal.SIGKILL)

    return arm


def stop(process: subprocess.Popen, grace_s: float = 10) -> None:
    """Stop a child: SIGTERM, then SIGKILL if it has not exited within ``grace_s``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def oxigraph_server(location: Path, port: int | None = None, read_only: bool = True,
                    timeout_s: int | None = DEFAULT_TIMEOUT_S, host: str = "127.0.0.1",
                    processes: list[subprocess.Popen] | None = None) -> Iterator[str]:
    """Run ``oxigraph serve[-read-only]`` on ``location``; yield its base URL; stop it on exit.

    ``processes``, when given, receives the server's process (e.g. to read its memory use)."""
    port = port or free_port(host)
    command = [oxigraph_binary(), "serve-read-only" if read_only else "serve",
               "--location", str(location), "--bind", f"{host}:{port}"]
    if timeout_s:
        command += ["--timeout-s", str(timeout_s)]
    # its messages go to a file, not a pipe nobody reads while serving (a full pipe would block it)
    with tempfile.TemporaryFile() as messages:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=messages, start_new_session=True,
                                   preexec_fn=die_with_parent(os.getpid()))
        if processes is not None:
            processes.append(process)
        base = f"http://{host}:{port}"
        try:
            try:
                wait_until_up(f"{base}/query?query=ASK%7B%7D", process)
            except KgError as exc:
                messages.seek(0)
                detail = messages.read()[-300:].decode("utf-8", "replace")
                raise KgError(f"{exc}: {' '.join(detail.split())}") from exc
            yield base
        finally:
            stop(process)
