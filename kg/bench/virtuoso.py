"""A Virtuoso 7.2 server of our own, for ``kg bench --backend virtuoso`` and the remote-store tests.

:func:`virtuoso_server` writes a ``virtuoso.ini`` (:func:`ini_text`: a private database folder,
loopback ports, the result and time limits below), starts Debian's ``virtuoso-t`` in the
foreground, waits for it, creates a SPARQL user with the grants a build needs
(:data:`GRANTS`, run through ``isql-vt``), and stops it on the way out. Its endpoint is
``http://127.0.0.1:PORT/sparql-auth`` (HTTP Digest), its Graph Store ``/sparql-graph-crud-auth``.

The same settings are the README's "Running on a server" section; keep them in step.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.model.errors import KgError
from kg.serve.engine import die_with_parent, free_port, stop, wait_until_up

# Rows one SELECT may return before Virtuoso cuts it (and says so in X-SPARQL-MaxRows, which the
# remote store refuses). Set above any answer kg asks for on a 1M-triple debate, below a dump of
# the whole graph, which the store fetches in pages.
RESULT_MAX_ROWS = 100_000
QUERY_SECONDS = 300  # MaxQueryExecutionTime: past it Virtuoso sends a partial answer, refused too
# MaxQueryCostEstimationTime is 0 (no refusal on the optimiser's estimate): its estimates for kg's
# joins are far off (962,569 s estimated for the 2,000-node view's query at 300k triples)
USER = "kg"

# What the SPARQL user needs, as isql statements: an account, SPARQL updates (INSERT, DROP, the
# Graph Store Protocol), and read, write and list rights on graphs (RDF_DEFAULT_USER_PERMS_SET
# bits: 1 read, 2 write, 4 load from the web, 8 list); the anonymous user gets no graph at all.
GRANTS = (
    "DB.DBA.USER_CREATE('{user}', '{password}')",
    'GRANT SPARQL_UPDATE TO "{user}"',
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{user}', 11)",
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 0)",
)


@dataclass(frozen=True)
class Virtuoso:
    """A running server: its SPARQL endpoint (with Digest auth), the SPARQL user, its process."""

    url: str
    user: str
    password: str
    process: subprocess.Popen

    def __repr__(self) -> str:
        return f"Virtuoso(url={self.url!r}, user={self.user!r})"


def binary(name: str = "virtuoso-t") -> str:
    """Path of Debian's Virtuoso program ``name``, or an error saying how to install it."""
    found = shutil.which(name)
    if found is None:
        raise KgError(f"{name} is not installed: run scripts/install-virtuoso.sh "
                      "(apt-get install virtuoso-opensource)")
    return found


def ini_text(folder: Path, sql_port: int, http_port: int, max_rows: int = RESULT_MAX_ROWS,
             query_seconds: int = QUERY_SECONDS, buffers: int = 60_000) -> str:
    """A ``virtuoso.ini`` for a database in ``folder`` serving 127.0.0.1 only.

    ``buffers`` are 8 KB pages of cache (60,000: about 500 MB, enough for a few million
    triples); Virtuoso's guide gives 2/3 of free memory on a dedicated machine."""
    db = folder.resolve()
    return f"""[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort            = 127.0.0.1:{sql_port}
DisableUnixSocket     = 1
MaxClientConnections  = 10
CheckpointInterval    = 60
CaseMode              = 2
DirsAllowed           = .
NumberOfBuffers       = {buffers}
MaxDirtyBuffers       = {buffers * 3 // 4}
ThreadsPerQuery       = 2
MaxQueryMem           = 1G

[HTTPServer]
ServerPort            = 127.0.0.1:{http_port}
ServerRoot            = {db}
MaxClientConnections  = 10
ServerThreads         = 10
Charset               = UTF-8
EnabledDavVSP         = 0

[SPARQL]
ResultSetMaxRows           = {max_rows}
MaxQueryExecutionTime      = {query_seconds}
MaxQueryCostEstimationTime = 0
"""


def isql(sql_port: int, statements: list[str], password: str = "dba", attempts: int = 20) -> None:
    """Run SQL statements as the database administrator through ``isql-vt``."""
    command = [binary("isql-vt"), f"127.0.0.1:{sql_port}", "dba", password,
               "exec=" + "; ".join(statements) + ";"]
    for _ in range(attempts):
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode == 0 and "*** Error" not in done.stdout + done.stderr:
            return
        time.sleep(0.5)  # the SQL listener may come up a moment after the HTTP one
    detail = " ".join((done.stdout + done.stderr).split())[-300:]
    raise KgError(f"isql-vt could not set up the Virtuoso users: {detail}")


@contextmanager
def virtuoso_server(folder: Path, max_rows: int = RESULT_MAX_ROWS,
                    query_seconds: int = QUERY_SECONDS) -> Iterator[Virtuoso]:
    """Start ``virtuoso-t`` on a new database in ``folder`` (loopback, free ports), with a SPARQL
    user ``kg`` and a random password; stop it on exit. The folder is left for the caller."""
    folder.mkdir(parents=True, exist_ok=True)
    sql_port = free_port()
    http_port = next(port for port in iter(free_port, None) if port != sql_port)
    ini = folder / "virtuoso.ini"
    ini.write_text(ini_text(folder, sql_port, http_port, max_rows, query_seconds), encoding="utf-8")
    log = (folder / "virtuoso-t.out").open("wb")
    process = subprocess.Popen([binary(), "-f", "-c", str(ini)], cwd=folder, stdin=subprocess.DEVNULL,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                               preexec_fn=die_with_parent(os.getpid()))
    base = f"http://127.0.0.1:{http_port}"
    try:
        try:
            wait_until_up(f"{base}/sparql", process, seconds=120)
        except KgError as exc:
            tail = (folder / "virtuoso-t.out").read_bytes()[-300:].decode("utf-8", "replace")
            raise KgError(f"Virtuoso did not start: {exc}: {' '.join(tail.split())}") from exc
        password = secrets.token_urlsafe(12)
        isql(sql_port, [g.format(user=USER, password=password) for g in GRANTS])
        yield Virtuoso(f"{base}/sparql-auth", USER, password, process)
    finally:
        stop(process, grace_s=30)
        log.close()


@contextmanager
def logged_in(folder: Path) -> Iterator[Virtuoso]:
    """A Virtuoso server (:func:`virtuoso_server`) with its SPARQL user's credentials in the
    environment (``KG_STORE_USER``, ``KG_STORE_PASSWORD``) while it runs, as they were after."""
    saved = {k: os.environ.get(k) for k in ("KG_STORE_USER", "KG_STORE_PASSWORD")}
    with virtuoso_server(folder) as server:
        os.environ["KG_STORE_USER"], os.environ["KG_STORE_PASSWORD"] = server.user, server.password
        try:
            yield server
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


@contextmanager
def served(folder: Path) -> Iterator[tuple[str, int]]:
    """For ``kg bench``: a Virtuoso server and its store URL (a graph of its own), with the
    credentials in the environment for the benchmark's worker; yields (URL, server pid)."""
    with logged_in(folder) as server:
        yield f"{server.url}#graph=https://w3id.org/debate-kg/graph/bench", server.process.pid
