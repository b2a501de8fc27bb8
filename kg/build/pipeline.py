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
# Of those, the ones that read only the loaded data and the type closure (the first derivation,
# queries/derive/1-types.ru), none of the later ones (kinds, support edges): where the store
# allows it, finish starts them as soon as the closure is in, with the shape checks.
TYPES_ONLY_STEPS: tuple[Callable[[Store], None], ...] = (numbers.record,)

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


def derive(graph_store: Store, on_types: Callable[[], None] | None = None) -> None:
    """Run the derivation updates (``queries/derive/``) on a store being built: types, kinds,
    support edges. ``on_types`` is called once the first, the type closure that the shape
    checks need (``1-types.ru``), is in: :func:`finish` starts them then."""
    for done, update in enumerate(catalogue.updates("derive"), 1):
        runner.update(graph_store, update)
        if done == 1 and on_types is not None:
            on_types()


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
        write(new, compiled)
        where = new.commit()
        with new.reader() as written:
            warnings = [w for d in compiled.debates for w in d.warnings]
            return BuildReport(counts(written), where, names, files, warnings)


def write(new: StoreBuild, compiled: Compiled) -> None:
    """Load a validated compiled graph into a new build, then derive and check it there.

    A kind that cannot hide a half-done build (a SPARQL server) keeps the unchecked graph when
    a check fails; the error then says so.
    """
    new.load_graph(compiled.graph, compiled.bulk_files)
    try:
        finish(new.store, shape_checks=bool(compiled.bulk_files))
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


def finish(graph_store: Store, shape_checks: bool = False) -> None:
    """Derive, run the post-build steps and check a freshly loaded store.

    In order: the store's compaction of what the load wrote (:meth:`Store.compact`, where the
    engine has one), the derivation updates (``queries/derive/``), then the shape checks (bulk
    files only: those never went through pyshacl) and the post-build steps (number checks,
    tallies), which need the derived types, then the compaction of what they wrote. Where the
    store allows it (``Store.concurrent``) what only reads runs beside the rest: the quote
    self-check reads only the Web Annotation triples, so it starts as soon as the data is
    loaded, beside the first compaction; the shape checks and the steps of
    :data:`TYPES_ONLY_STEPS` read only the loaded data and the type closure, so they start once
    the first derivation is in and run beside the others, the other post-build steps (each on a
    thread of its own) and the last compaction. At 1M triples
    (thread CPU) the compactions take about 1 s each, the derivations 1.7 s, the quote
    self-check 1.0-1.4 s, the shape checks 2.4 s, the number checks 1.3 s, the tallies 0.5 s.
    Shape-check errors are reported first, being the more specific.
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
        return
    with ThreadPoolExecutor(max_workers=2 + len(POST_BUILD_STEPS)) as pool:
        quotes = pool.submit(_self_check, graph_store)
        graph_store.compact()
        early: list[Future[None]] = []  # the shape checks, then the steps in TYPES_ONLY_STEPS

        def types_in() -> None:
            early.append(pool.submit(shapes))
            early.extend(pool.submit(step, graph_store) for step in POST_BUILD_STEPS
                         if step in TYPES_ONLY_STEPS)

        derive(graph_store, on_types=types_in)
        if not early:  # no derivation updates at all
            types_in()
        stepped = early[1:] + [pool.submit(step, graph_store) for step in POST_BUILD_STEPS
                               if step not in TYPES_ONLY_STEPS]
        wait(stepped)
        if not any(s.exception() for s in stepped):
            graph_store.compact()
        early[0].result()
        for step_done in stepped:
            step_done.result()
        quotes.result()


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
