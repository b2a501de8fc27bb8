"""``kg build``: annotations and Turtle in, a validated RDF store out.

The flow: find the debate folders, compile each (``kg.ingest.compile``), load any Turtle files as
they are, add the ontology, validate with SHACL, then write a fresh store, run the derivation
updates (``queries/derive/``) and the quote self-check in it, and only then switch the
store link to it. Any failure before the switch leaves the previous store as it was.

Bulk path: ``*.nt`` files (and Turtle files over :data:`BULK_TURTLE_BYTES`) in a debate folder,
such as the debates ``kg synth`` writes, never go through rdflib or pyshacl, which take minutes
at a million triples. Oxigraph's loader reads them straight into the new store, and there the
core SHACL shapes are checked as SPARQL queries generated from ``ontology/shapes.ttl``
(``kg.build.shape_checks``), before the post-build steps and the quote self-check. Annotation YAML
keeps the pyshacl path, whose messages name the annotation file and line.

A store spec that is a URL builds into a SPARQL server (``kg.stores.remote``): the graph goes over
with the Graph Store Protocol, then the derivations, post-build steps and checks run there.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from rdflib import Graph, URIRef

from kg.analysis import numbers, tallies
from kg.build import validate
from kg.build.shape_checks import check as shape_check
from kg.ingest.compile import DEBATE_FILE, DebateCompiler, DebateResult
from kg.ingest.vocabulary import ontology, parse_turtle, vocabulary
from kg.model.errors import KgError
from kg.queries import catalogue, runner
from kg.stores import Store, StoreBuild, locate

Progress = Callable[[str], None]

# Post-build steps run on the new store after the derivation updates and before the switch;
# each computes derived facts in Python and inserts them (Store.insert): the number checks and
# the tallies of busy claims that keep their traces fast. They read none of each other's facts,
# so a store that allows it runs them side by side (finish).
POST_BUILD_STEPS: tuple[Callable[[Store], None], ...] = (numbers.record, tallies.record)
# The last derivation (queries/derive/, by name) that a post-build step or the shape checks
# read: where the store allows it, finish starts each as soon as that one is in, beside the
# derivations still to come. The number checks and the shape checks read only the loaded data
# and the type closure; the tallies count links by kind. A step not named here waits for all.
READS_UP_TO: dict[Callable[[Store], None], str] = {numbers.record: "1-types", tallies.record: "2-kind"}
SHAPE_CHECKS_READ_UP_TO = "1-types"

# Turtle files bigger than this are bulk-loaded (and checked in the store) rather than parsed.
BULK_TURTLE_BYTES = 5_000_000
BULK_SUFFIXES = (".nt", ".ttl")


@dataclass
class Compiled:
    """The graph compiled from a data folder, before it is written anywhere."""

    graph: Graph
    debates: list[DebateResult] = field(default_factory=list)
    turtle_files: list[Path] = field(default_factory=list)
    bulk_files: list[Path] = field(default_factory=list)
    locations: dict[URIRef, tuple[str, int]] = field(default_factory=dict)


@dataclass
class BuildReport:
    """What ``kg build`` did: counts from the new store and where it lives."""

    counts: dict[str, int]
    store: str
    debates: list[str]
    files: int
    warnings: list[str] = field(default_factory=list)


def debate_folders(data_dir: Path) -> list[Path]:
    """``data_dir`` itself if it holds a debate, else each sub-folder that does (a debate is a
    ``debate.yaml``, or N-Triples files for the bulk path)."""
    if not data_dir.is_dir():
        raise KgError("data folder not found", data_dir)
    if _is_debate(data_dir):
        return [data_dir]
    folders = sorted(p for p in data_dir.iterdir() if p.is_dir() and _is_debate(p))
    if not folders:
        raise KgError(f"no debate here: expected {DEBATE_FILE} in it or in a sub-folder", data_dir)
    return folders


def _is_debate(folder: Path) -> bool:
    return (folder / DEBATE_FILE).is_file() or any(folder.glob("*.nt"))


def _bulk(path: Path) -> bool:
    """Whether an RDF file takes the bulk path (see the module docstring)."""
    return path.suffix == ".nt" or path.stat().st_size > BULK_TURTLE_BYTES


def compile_graph(data_dir: Path, progress: Progress | None = None) -> Compiled:
    """Compile every debate under ``data_dir`` into one graph, with the ontology added.

    This is the graph before derivations; :func:`filler` turns it into a finished store.
    """
    say = progress or (lambda _msg: None)
    vocab = vocabulary()
    compiled = Compiled(Graph())
    for folder in debate_folders(Path(data_dir)):
        if (folder / DEBATE_FILE).is_file():
            say(f"compiling {folder}")
            compiler = DebateCompiler(folder, vocab, compiled.graph)
            compiled.debates.append(compiler.run())
            for ent in compiler.entities.values():
                compiled.locations[ent.iri] = (ent.node.file, ent.node.line)
        rdf_files = sorted(p for p in folder.iterdir() if p.suffix in BULK_SUFFIXES and p.is_file())
        compiled.bulk_files.extend(p for p in rdf_files if _bulk(p))
        for ttl in (p for p in rdf_files if not _bulk(p)):
            say(f"loading {ttl}")
            parse_turtle(ttl, compiled.graph)
            compiled.turtle_files.append(ttl)
    compiled.graph += ontology()
    return compiled


def derive(graph_store: Store, on_done: Callable[[str], None] | None = None) -> None:
    """Run the derivation updates (``queries/derive/``) on a store being built: types, kinds,
    support edges. ``on_done`` is called with each one's name once it is in: :func:`finish`
    then starts the work that reads no further (:data:`READS_UP_TO`)."""
    for update in catalogue.updates("derive"):
        runner.update(graph_store, update)
        if on_done is not None:
            on_done(update.name)


def build(data_dir: Path, store_spec: str | None = None, progress: Progress | None = None,
          wait: bool = True, on_wait: Progress | None = None) -> BuildReport:
    """Compile, validate and write the store; return counts read back from the new store.

    Another build of the same store running: wait for it (saying so through ``on_wait``), or with
    ``wait=False`` refuse."""
    say = progress or (lambda _msg: None)
    compiled = compile_graph(data_dir, say)
    say("validating with SHACL")
    validate.shacl(compiled.graph, compiled.locations)
    files = sum(len(d.files) for d in compiled.debates)
    files += len(compiled.turtle_files) + len(compiled.bulk_files)
    names = [d.id for d in compiled.debates] + [p.parent.name for p in compiled.bulk_files]
    names = list(dict.fromkeys(names))
    location = locate(store_spec)
    say(f"writing {location.target}")
    with location.begin_build(wait, on_wait or say, debate="+".join(names)) as new:
        counted = write(new, compiled)
        where = new.commit()
        warnings = [w for d in compiled.debates for w in d.warnings]
        return BuildReport(counted, where, names, files, warnings)


def write(new: StoreBuild, compiled: Compiled) -> dict[str, int]:
    """Load a validated compiled graph into a new build, then derive, check and count it there
    (:func:`finish`); return the counts.

    A kind that cannot hide a half-done build (a SPARQL server) keeps the unchecked graph when
    a check fails; the error then says so.
    """
    new.load_graph(compiled.graph, compiled.bulk_files)
    try:
        return finish(new.store, shape_checks=bool(compiled.bulk_files))
    except KgError as exc:
        if new.atomic:
            raise
        raise KgError(f"{exc} (the server now holds this unchecked build; fix and rebuild)") from exc


def filler(data_dir: Path) -> Callable[[StoreBuild], None]:
    """What fills a store that is built for one command (``--store memory``) from ``data_dir``:
    compile, validate, load, derive, check."""

    def fill(new: StoreBuild) -> None:
        compiled = compile_graph(data_dir)
        validate.shacl(compiled.graph, compiled.locations)
        write(new, compiled)

    return fill


def finish(graph_store: Store, shape_checks: bool = False) -> dict[str, int]:
    """Derive, run the post-build steps, check and count a freshly loaded store; return the
    counts (``queries/counts.rq``) of the finished store.

    In order: the store's compaction of what the load wrote (:meth:`Store.compact`, where the
    engine has one), the derivation updates (``queries/derive/``), then the shape checks (bulk
    files only: those never went through pyshacl) and the post-build steps (number checks,
    tallies), which need derived facts, then the compaction of what they wrote, and the counts.
    Where the store allows it (``Store.concurrent``) what only reads runs beside the rest: the
    quote self-check reads only the Web Annotation triples, so it starts as soon as the data is
    loaded, beside the first compaction; the shape checks and each post-build step start once
    the last derivation they read is in (:data:`READS_UP_TO`) and run beside the derivations
    still to come; the counts are taken beside the last compaction, which changes no triple.
    At 1M triples (one thread's CPU) the compactions take about 1 s each, the derivations
    1.2 s, the quote self-check 1.0-1.4 s, the shape checks 2.4 s, the number checks 1.3 s, the
    tallies 0.5 s, the counts 0.3 s. Shape-check errors are reported first, being the more
    specific.
    """

    def shapes() -> None:
        if shape_checks:
            shape_check(graph_store)

    if not graph_store.concurrent:
        graph_store.compact()
        derive(graph_store)
        shapes()
        for step in POST_BUILD_STEPS:
            step(graph_store)
        graph_store.compact()
        _self_check(graph_store)
        return counts(graph_store)
    derivations = [update.name for update in catalogue.updates("derive")]

    def after(name: str | None) -> str | None:
        """The derivation to wait for before reading up to ``name`` (None: none to wait for)."""
        return name if name in derivations else (derivations[-1] if derivations else None)

    waiting = [(after(SHAPE_CHECKS_READ_UP_TO), shapes)]
    waiting += [(after(READS_UP_TO.get(step)), partial(step, graph_store)) for step in POST_BUILD_STEPS]
    with ThreadPoolExecutor(max_workers=2 + len(waiting)) as pool:
        quotes = pool.submit(_self_check, graph_store)
        graph_store.compact()
        started: dict[int, Future[None]] = {}  # by place in waiting: the shape checks first

        def start(derived: str | None) -> None:
            for place, (need, work) in enumerate(waiting):
                if need == derived:
                    started[place] = pool.submit(work)

        start(None)
        derive(graph_store, on_done=start)
        checks, steps = started[0], [started[i] for i in range(1, len(waiting))]
        wait(steps)
        if any(s.exception() for s in steps):
            checks.result()  # its errors first, being the more specific
            for step_done in steps:
                step_done.result()
        counted = pool.submit(counts, graph_store)
        graph_store.compact()
        checks.result()
        quotes.result()
        return counted.result()


def _self_check(graph_store: Store) -> None:
    """Refuse a store in which any quote's offsets do not give back its exact words."""
    bad = runner.run(graph_store, "quote-mismatches").dicts()
    if bad:
        first = bad[0]
        raise KgError(
            f"{len(bad)} quote(s) do not match their offsets, e.g. {first['quote']} "
            f"[{first['start']}:{first['end']}]"
        )


def counts(graph_store: Store) -> dict[str, int]:
    """The counts of ``queries/counts.rq`` as integers."""
    row = runner.run(graph_store, "counts").values()[0]
    return {k: runner.count(v) for k, v in row.items()}
