"""``kg synth`` and the bulk build path: deterministic synthetic debates that build and verify."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import XSD

from kg.build import build, compile_graph, counts, filler
from kg.build.validate import ValidationError
from kg.cli import main
from kg.ingest.synth import synthesise
from kg.model.errors import KgError
from kg.model.namespaces import ID_BASE, compact
from kg.serve.sparql import oxigraph_server
from kg.stores import open_store
from kg.stores.oxigraph import OxigraphStore
from kg.stores.remote import RemoteStore

from .conftest import CHROMIUM, SEED_DATA

TRIPLES_2K_SEED5 = 2146  # what kg synth --triples 2000 --seed 5 writes (whole source texts)

# Predicates kg.ingest.emit writes only when the data has them, so the curated seed debate and a
# synthetic one may each have some the other lacks; any other predicate both must have.
OPTIONAL = {
    "actor": {"dkg:honorific", "dkg:note", "org:subOrganizationOf"},
    "claim": {"dkg:note"},
    "debate": {"dct:description"},
    "evidence": {"dkg:note", "dkg:periodStart", "dkg:periodEnd", "dkg:periodLabel", "dkg:place",
                 "dkg:sampleUnit", "dkg:studySite", "dkg:inference"},
    "link": {"dkg:note"},
    "post": {"dkg:attestedIn", "dkg:titleAsWritten"},
    "quantity": {"dkg:baseline", "dkg:numerator", "dkg:place"},
    "source": {"dct:issued", "dkg:unstated", "dkg:inference"},  # a date, or that it is unstated
    "statement": {"dct:date", "dkg:earliestDate", "dkg:latestDate", "dkg:note"},  # a date, or bounds
}



@pytest.fixture(scope="module")
def synth20k(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 20k-triple synthetic debate (seed 0) and the store built from it."""
    root = tmp_path_factory.mktemp("synth")
    synthesise(root / "data", 20_000, seed=0)
    build(root / "data", str(root / "store"))
    return root / "data", root / "store"


def test_same_seed_same_debate(tmp_path: Path) -> None:
    a = synthesise(tmp_path / "a", 5_000, seed=1)
    b = synthesise(tmp_path / "b", 5_000, seed=1)
    c = synthesise(tmp_path / "c", 5_000, seed=2)
    assert a.path.read_bytes() == b.path.read_bytes()
    assert a.path.read_bytes() != c.path.read_bytes()
    assert (a.triples, a.documents, a.actors, a.claims) == (5447, 8, 24, 30)
    assert a.path == tmp_path / "a" / "synth-1" / "debate.nt"


def test_size_is_close_to_the_target(synth20k: tuple[Path, Path]) -> None:
    lines = (synth20k[0] / "synth-0" / "debate.nt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 20_595  # stops at the first whole source text past the target
    assert all(line.endswith(" .") for line in lines)


def test_builds_and_every_quote_verifies(synth20k: tuple[Path, Path]) -> None:
    with OxigraphStore(synth20k[1]) as s:
        got = counts(s)
        keys = ("sources", "actors", "claims", "statements", "evidence", "links", "quotes")
        assert {k: got[k] for k in keys} == {
            "sources": 33, "actors": 24, "claims": 50, "statements": 750, "evidence": 35, "links": 63,
            "quotes": 848,
        }
        assert s.query("SELECT ?q WHERE { ?q a oa:SpecificResource }").rows  # non-trivial...
        from kg.queries.runner import run

        assert run(s, "quote-mismatches").rows == []  # ...and all verify
        non_ascii = s.query("SELECT (COUNT(*) AS ?n) WHERE { ?t oa:exact ?e FILTER(REGEX(?e, '[‘ëí]')) }")
        assert non_ascii.values()[0]["n"] > 50  # offsets count code points, not bytes


def test_shape_is_skewed_like_real_debates(synth20k: tuple[Path, Path]) -> None:
    with OxigraphStore(synth20k[1]) as s:
        actors = s.query("SELECT ?a (COUNT(*) AS ?n) WHERE { ?s dkg:speaker ?a } "
                         "GROUP BY ?a ORDER BY DESC(?n)")
        per_actor = [v["n"] for v in actors.values()]
        claims = s.query("SELECT ?c (COUNT(*) AS ?n) WHERE { ?s dkg:claim ?c } GROUP BY ?c ORDER BY DESC(?n)")
        per_claim = [v["n"] for v in claims.values()]
        checks = s.query("SELECT (COUNT(*) AS ?n) WHERE { ?c a dkg:NumberCheck }").values()[0]["n"]
        quantities = s.query("SELECT (COUNT(*) AS ?n) WHERE { ?e a dkg:Evidence ; dkg:quantity ?q }")
    assert per_actor[:3] == [223, 109, 71]  # a few very active actors...
    assert per_actor[len(per_actor) // 2] <= 15  # ...and a long tail
    assert per_claim[0] == 152 and per_claim[-1] == 1
    assert checks == 18  # quantitative claims meet evidence on the same variable
    assert quantities.values()[0]["n"] == 35


@pytest.mark.parametrize("where", ["embedded", "server"])
def test_bulk_data_is_checked_against_the_shapes(where: str, synth20k: tuple[Path, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data" / "synth-0"
    data.mkdir(parents=True)
    lines = (synth20k[0] / "synth-0" / "debate.nt").read_text(encoding="utf-8").splitlines(keepends=True)
    speakers = [line for line in lines if "/ns#speaker>" in line]
    claims = [line for line in lines if "/ns#claim>" in line]
    dates = [line for line in lines if "/terms/date>" in line]
    actor = speakers[0].split(" ")[2]
    broken = {
        speakers[0]: "",  # a statement without a speaker
        speakers[1]: speakers[1] + speakers[1].replace("/ns#speaker>", "/ns#speaksFor>", 1).replace(
            speakers[1].split(" ")[2], "<https://w3id.org/debate-kg/id/synth-0/actor/org-3>"),  # 2nd org
        claims[2]: claims[2].replace(claims[2].split(" ")[2], actor),  # an actor as the claim
        dates[3]: dates[3].replace("XMLSchema#date>", "XMLSchema#string>"),  # a date as text
    }
    (data / "debate.nt").write_text("".join(broken.get(line, line) for line in lines), encoding="utf-8")
    target = tmp_path / "store"
    if where == "server":  # the same checks, three queries at once (RemoteStore.query_width)
        monkeypatch.setenv("KG_STORE_PRUNE", "wait")
        with oxigraph_server(tmp_path / "server", read_only=False) as server:
            with pytest.raises(ValidationError) as failed:
                build(tmp_path / "data", server)
            assert RemoteStore.from_spec(server, discover=False).query_unscoped(
                "ASK { GRAPH ?g { ?s ?p ?o } }").boolean is False  # the failed build: dropped
    else:
        with pytest.raises(ValidationError) as failed:
            build(tmp_path / "data", str(target))

    def ident(line: str) -> str:
        return line.split(" ", 1)[0].rsplit("/", 1)[-1].rstrip(">")

    assert failed.value.lines == sorted([
        f"synth-0/statement/{ident(speakers[0])}: Statement dkg:speaker: no value",
        f"synth-0/statement/{ident(speakers[1])}: Statement dkg:speaksFor: more than 1 value(s)",
        f"synth-0/statement/{ident(claims[2])}: Statement dkg:claim: value not a dkg:Claim",
        f"synth-0/statement/{ident(dates[3])}: Statement dct:date: value not of datatype xsd:date",
    ])
    assert not target.exists()  # nothing switched in


def test_bulk_quotes_are_self_checked(synth20k: tuple[Path, Path], tmp_path: Path) -> None:
    data = tmp_path / "data" / "synth-0"
    data.mkdir(parents=True)
    text = (synth20k[0] / "synth-0" / "debate.nt").read_text(encoding="utf-8")
    broken, n = re.subn(r'(oa#start> )"(\d+)"', lambda m: f'{m[1]}"{int(m[2]) + 1}"', text, count=1)
    assert n == 1
    (data / "debate.nt").write_text(broken, encoding="utf-8")
    with pytest.raises(KgError, match="1 quote\\(s\\) do not match their offsets"):
        build(tmp_path / "data", str(tmp_path / "store"))


def test_bad_ntriples_is_one_line_error(tmp_path: Path) -> None:
    data = tmp_path / "data" / "bad"
    data.mkdir(parents=True)
    (data / "debate.nt").write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    with pytest.raises(KgError, match="bad RDF") as failed:
        build(tmp_path / "data", str(tmp_path / "store"))
    assert failed.value.file == str(data / "debate.nt")


def test_memory_and_server_give_the_same_counts(tmp_path: Path) -> None:
    synthesise(tmp_path / "data", 5_000, seed=1)
    mem = counts(open_store("memory", fill=filler(tmp_path / "data")))
    with oxigraph_server(tmp_path / "db", read_only=False) as base:
        build(tmp_path / "data", base)
        remote = counts(open_store(base))
    build(tmp_path / "data", str(tmp_path / "store"))
    embedded = counts(OxigraphStore(tmp_path / "store"))
    assert mem == remote == embedded
    # the debate, the ontology (units included) and their derivations, and the build's tallies
    # of the claims with more than kg.analysis.tallies.BUSY statements or links; the count
    # moves whenever the ontology gains terms
    assert (embedded["triples"], embedded["statements"], embedded["quotes"]) == (6980, 178, 211)


def test_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["synth", "--triples", "2000", "--seed", "3", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert re.match(r"wrote .*synth-3/debate\.nt: 2,\d{3} triples", result.output)
    bad = CliRunner().invoke(main, ["synth", "--triples", "10"])
    assert bad.exit_code == 2 and "--triples must be between 1,000 and 5,000,000" in bad.output


def test_bench_report_shape(tmp_path: Path) -> None:
    """The benchmark at a tiny size: every step on each backend, ratios, JSON and table (no timings
    are asserted: speed is measured, not tested)."""
    from kg.bench.run import STEPS, markdown, run, write_json

    report = run(2_000, seed=5, backends=("oxigraph", "server"), workdir=tmp_path / "work")
    assert report["triples_generated"] == TRIPLES_2K_SEED5
    assert set(report["results"]) == {"oxigraph", "server"}
    for backend in ("oxigraph", "server"):
        assert list(report["results"][backend]) == list(STEPS)
        build_result = report["results"][backend]["build"]
        assert build_result["status"] == "ok", build_result
        assert build_result["detail"] == report["results"]["oxigraph"]["build"]["detail"]  # same triples
        assert report["peak_rss_mb"][backend] > 10
    assert report["results"]["oxigraph"]["all_claims"]["detail"] == "30 claims"
    for backend in ("oxigraph", "server"):  # the engine's own join: every one of the 64 statements
        assert report["results"][backend]["raw_join"]["detail"] == "64 statements joined (best of 5)"
    assert set(report["ratios_vs_oxigraph"]["server"]) <= set(STEPS)
    raw = report["results"]["oxigraph"]["raw_load"]  # the engine's own loader, in its own process
    assert raw["status"] == "ok" and raw["seconds"] > 0 and raw["peak_rss_mb"] > 10
    assert report["results"]["server"]["raw_load"]["status"] == "n/a"
    assert report["against_targets"]["build_over_raw_load"] == round(
        report["results"]["oxigraph"]["build"]["seconds"] / raw["seconds"], 2)
    assert (tmp_path / "work" / "view-oxigraph.html").stat().st_size > 100_000  # the page view_settle opens
    settled = report["results"]["oxigraph"]["view_settle"]
    assert settled["status"] == ("ok" if CHROMIUM.exists() else "skipped: no Chromium"), settled
    write_json(report, tmp_path / "bench.json")
    saved = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    for step in ("raw_load", "build", "trace", "all_claims", "coalitions", "view"):  # what issue 17 reads
        assert saved["results"]["oxigraph"][step]["seconds"] > 0, step
    assert saved["peak_rss_mb"]["oxigraph"] == report["peak_rss_mb"]["oxigraph"] > 10
    table = markdown(report)
    assert table.splitlines()[0] == "| step | oxigraph | server |"
    assert len(table.splitlines()) == 2 + len(STEPS) + 1 + 2
    ratio = report["against_targets"]["build_over_raw_load"]
    assert table.splitlines()[-1].startswith(f"build / raw_load = {ratio} ")


def test_bench_stops_a_slow_baseline(tmp_path: Path) -> None:
    from kg.bench.run import STEPS, run

    report = run(2_000, seed=5, backends=("oxigraph", "rdflib"), baseline_timeout=0.05,
                 workdir=tmp_path / "a")
    steps = report["results"]["rdflib"]
    assert steps["load"]["status"] == "ok" and steps["build"]["status"] == "n/a: no checks"
    assert steps["trace"] == {"status": "timeout", "seconds": None, "limit": 0.05,
                              "detail": "stopped after 0.05 s"}
    assert report["ratios_vs_oxigraph"]["rdflib"]["trace"].startswith(">")
    report = run(2_000, seed=5, backends=("rdflib",), baseline_timeout=60, workdir=tmp_path / "c")
    steps = report["results"]["rdflib"]  # in time, each forked step reports back what it did
    assert steps["all_claims"] == {**steps["all_claims"], "status": "ok", "detail": "30 claims"}
    assert {steps[s]["status"] for s in ("trace", "trace_median", "coalitions", "view")} == {"ok"}
    report = run(2_000, seed=5, backends=("rdflib",), baseline_build_timeout=0.01, workdir=tmp_path / "b")
    steps = report["results"]["rdflib"]
    assert steps["load"]["status"] == "timeout" and steps["raw_load"]["status"] == "n/a"
    assert {steps[s]["status"] for s in STEPS[2:]} == {"not run"}


def test_stores_side_by_side_keep_their_builds(tmp_path: Path) -> None:
    """Rebuilding one store never prunes the build another store's link points at."""
    synthesise(tmp_path / "data", 1_000, seed=4)
    build(tmp_path / "data", str(tmp_path / "first"))
    for _ in range(3):
        build(tmp_path / "data", str(tmp_path / "second"))
    assert counts(OxigraphStore(tmp_path / "first"))["statements"] == counts(
        OxigraphStore(tmp_path / "second"))["statements"] > 0
    assert len(list((tmp_path / "builds").glob("second-*"))) == 2  # KEEP_BUILDS


def node_shapes(graph: Graph) -> dict[str, dict[str, set[str]]]:
    """Per kind of node, each predicate and the forms of its objects ("IRI", or the literal's
    datatype; xsd:string for a plain literal). The kind is read from the node's IRI,
    ``<debate>/<kind>/<id>``, with a quote's selectors as ``quote#position`` and ``quote#text``."""
    shapes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s, p, o in graph:
        if not str(s).startswith(ID_BASE):
            continue  # the ontology
        debate_kind_id = str(s)[len(ID_BASE):].split("/")
        if len(debate_kind_id) == 1:
            kind = "debate"
        else:
            _ident, _, selector = debate_kind_id[2].partition("#")
            kind = debate_kind_id[1] + (f"#{selector}" if selector else "")
        form = "IRI" if isinstance(o, URIRef) else compact(str(o.datatype or XSD.string))
        shapes[kind][compact(str(p))].add(form)
    return shapes


def test_synthetic_and_curated_nodes_have_one_shape(synth20k: tuple[Path, Path]) -> None:
    """kg synth and the compiler of curated debates write each kind of node alike (both go
    through kg.ingest.emit): the same predicates, bar those only some data has, and the same
    datatypes, e.g. a source's dkg:characterCount is an xsd:nonNegativeInteger in both."""
    curated = node_shapes(compile_graph(SEED_DATA).graph)
    synthetic = node_shapes(Graph().parse(synth20k[0] / "synth-0" / "debate.nt", format="nt"))
    kinds = set(curated) & set(synthetic)
    assert kinds >= {"debate", "source", "quote", "quote#position", "quote#text", "actor", "post", "claim",
                     "statement", "evidence", "quantity", "link"}
    for kind in sorted(kinds):
        ours, theirs = synthetic[kind], curated[kind]
        assert set(ours) ^ set(theirs) <= OPTIONAL.get(kind, set()), kind
        assert {p: ours[p] for p in theirs if p in ours} == {p: theirs[p] for p in ours if p in theirs}, kind
