"""kg report: the debate brief on the seed debate, as HTML and Markdown, and in a browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.build import build
from kg.render import figures
from kg.render import report as brief_report
from kg.stores.oxigraph import OxigraphStore

TITLES = ("Fresh calls to arm every front line officer in Norfolk with Taser",
          "Tasers should be rolled out to every frontline officer who wants one, says Thames Valley Police "
          "Federation")
SECTIONS = ("Summary", "The sides", "The main claims by strength", "The claims most discussed", "Figures",
            "References")


@pytest.fixture(scope="module")
def brief(store: OxigraphStore) -> dict:
    return brief_report.collect(store)


@pytest.fixture(scope="module")
def page(brief: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return brief_report.write(brief, tmp_path_factory.mktemp("brief") / "brief.html")


def references(text: str) -> str:
    return text[text.index('<section id="references">'):]


def test_the_brief_holds_the_debate_the_sides_and_the_claims(brief: dict, store: OxigraphStore) -> None:
    assert brief["debate"]["title"] == "Arming frontline police officers with Taser (UK)"
    assert brief["counts"]["sources"] == 2 and brief["counts"]["evidence"] == 8
    assert brief["counts"]["by_stance"]["agree"] > 0
    assert any("Andy Symonds" in side["members"] for side in brief["sides"])
    assert len(brief["claims"]) == brief_report.DEFAULT_CLAIMS
    ids = [c["id"] for c in brief["claims"]]
    assert "taser-for-every-frontline-officer" in ids
    assert all(0.0 <= c["strength"] <= 1.0 for c in brief["claims"])
    # with every claim traced, the quantitative ones bring their number checks and arithmetic
    every = brief_report.collect(store, claims=100)
    checks = [c for claim in every["claims"] for c in claim["number_checks"]]
    assert checks and all(c["arithmetic"] for c in checks)
    assert "Number checks" in brief_report.html(every, figures={})
    assert {e["produced_by"] for e in brief["evidence"]} >= {"Norfolk Constabulary"}


def test_html_has_references_figures_and_no_script_or_outside_address(page: Path, brief: dict) -> None:
    text = page.read_text(encoding="utf-8")
    refs = references(text)
    assert "<h2>References</h2>" in refs
    for title in TITLES:
        assert title in refs
    assert text.count("<svg") >= 3
    assert "<script" not in text.lower()
    own = {s["url"] for s in brief["sources"] if s.get("url")}
    for attr, url in re.findall(r'\b(src|href)\s*=\s*["\']?(https?://[^"\' >]*)', text, re.IGNORECASE):
        assert attr.lower() == "href" and url in own, url
    assert "@media print" in text and "@import" not in text and "@font-face" not in text
    for section in SECTIONS:
        assert section in text


def test_markdown_has_the_same_sections(brief: dict, tmp_path: Path) -> None:
    text = brief_report.write(brief, tmp_path / "brief.md", "markdown").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert re.search(rf"^#+ {re.escape(section)}", text, re.MULTILINE), section
    for title in TITLES:
        assert title.split(",")[0] in text
    assert text.count("\n### ") >= brief_report.DEFAULT_CLAIMS


def test_kg_report_writes_out_brief_html_by_default(kg, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = kg("report", "--claims", "2")
    assert result.exit_code == 0, result.output
    written = tmp_path / "out" / "brief.html"
    assert "References" in written.read_text(encoding="utf-8")
    assert not list((tmp_path / "out").glob(".*tmp*"))  # atomic: no temporary file left behind
    result = kg("report", "-f", "markdown", "-o", str(tmp_path / "b.md"), "--claims", "1")
    assert result.exit_code == 0 and (tmp_path / "b.md").read_text(encoding="utf-8").startswith("# ")


def test_a_script_in_a_claim_label_shows_as_text(data_copy: Path, tmp_path: Path) -> None:
    label = "<script>alert(1)</script> Taser & $5 *now*"
    debate = data_copy / "debate.yaml"
    added = f"claims:\n  - id: injected-claim\n    kind: policy\n    label: '{label}'\n    text: Markup.\n"
    debate.write_text(debate.read_text(encoding="utf-8").replace("claims:\n", added, 1), encoding="utf-8")
    article = data_copy / "000_c2d672fdb30a2dc9.yaml"
    said = ("statements:\n  - speaker: graham-smith\n    claim: injected-claim\n    stance: agree\n"
            "    quote: TASERS should be rolled out to every frontline police officer\n")
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("statements:\n", said, 1), encoding="utf-8")
    target = tmp_path / "store"
    build(data_copy.parent, str(target))
    with OxigraphStore(target) as graph_store:
        data = brief_report.collect(graph_store, claims=50)
    assert any(c["label"] == label for c in data["claims"])
    text = brief_report.html(data)
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    md = brief_report.markdown(data)
    assert not re.search(r"(?<!\\)<", md)  # every < escaped
    assert r"\<script\>alert\(1\)\</script\>" in md


def test_figure_labels_are_literal_text() -> None:
    assert figures.text("costs $5 and $6") == r"costs \$5 and \$6"
    assert figures.text("a " * 40).endswith("…")
    svg = figures.strengths([{"id": "x", "label": "<b>$5</b>", "strength": 0.7, "base_score": 0.5}])
    assert svg.startswith("<svg") and "&lt;b&gt;$5&lt;/b&gt;" in svg and "<b>" not in svg




def test_the_page_opens_offline_without_errors_or_requests(browser, page: Path) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    requests: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("request", lambda r: None if r.url.startswith("file://") else requests.append(r.url))
    tab.goto(page.resolve().as_uri())
    tab.wait_for_load_state("load")
    assert tab.locator("figure svg").count() >= 3
    assert all(box and box["width"] > 300 for box in
               (tab.locator("figure svg").nth(i).bounding_box() for i in range(3)))
    tab.screenshot(path="/tmp/brief.png", full_page=True)
    context.close()
    assert errors == []
    assert requests == []


def test_a_big_debate_draws_its_most_active_actors(store: OxigraphStore, brief: dict, monkeypatch) -> None:
    """Past FIGURE_ACTORS actors the figures draw the most active (here 3 of the seed's 12), what
    they said and the ties among them, and the captions and the Markdown say so."""
    monkeypatch.setattr(brief_report, "FIGURE_ACTORS", 3)
    cut = brief_report.collect(store)
    net = cut["network"]
    assert [a["label"] for a in net["actors"]] == [
        "Andy Symonds", "Graham Smith", "Norfolk Constabulary spokesman (not named)"]  # 15, 14, 6 statements
    assert net["actors_total"] == 12
    assert [(e["source"], e["target"], e["weight"]) for e in net["edges"]] == [
        ("andy-symonds", "graham-smith", 6.0), ("andy-symonds", "norfolk-constabulary-spokesman", 4.0),
        ("graham-smith", "norfolk-constabulary-spokesman", 4.0)]
    assert len(cut["statements"]) == 15 + 14 + 6
    page = brief_report.html(cut, figures={"timeline": "<svg></svg>", "network": "<svg></svg>"})
    assert page.count("Only the 3 most active of the debate&#x27;s 12 actors are drawn") == 2  # two captions
    assert "Only the 3 most active of the debate's 12 actors are drawn" in brief_report.markdown(cut)
    assert "most active" not in brief_report.markdown(brief)  # the seed's 12 actors are all drawn


def test_a_crowded_timeline_counts_by_month_then_year(monkeypatch) -> None:
    """Three statements on three days of one month: by day while three markers are allowed, one
    marker counting 3 by month past that, and by year past one marker a month."""
    said = [{"actor": "A", "stance": "agree", "claim": "c", "date": d}
            for d in ("2020-03-02", "2020-03-09", "2020-03-30")] + \
           [{"actor": "A", "stance": "agree", "claim": "c", "date": "2020-07-01"}]
    monkeypatch.setattr(figures, "MAX_MARKERS", 4)
    assert "date of the statement" in figures.timeline(said)
    monkeypatch.setattr(figures, "MAX_MARKERS", 2)
    by_month = figures.timeline(said)
    assert "month of the statement" in by_month and ">3<" in by_month  # March's three
    monkeypatch.setattr(figures, "MAX_MARKERS", 1)
    by_year = figures.timeline(said)
    assert "year of the statement" in by_year and ">4<" in by_year  # 2020's four
