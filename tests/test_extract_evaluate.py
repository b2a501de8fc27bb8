"""`kg extract --evaluate`: drafts against accepted annotations, with the exact figures.

The seed debate (frozen copy) is where the rules were first written; the four invented
articles of tests/fixtures/articles/ were annotated by hand before the extractor ran on them
(speed-limits was held out until the rules were otherwise done; its first-run figures are
recorded in its debate.yaml). Each tuple is (accepted, drafted, recalled, correct).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.ingest.extract.evaluate import evaluate, magnitude
from kg.model.errors import KgError
from tests.conftest import SEED

ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"


def _counts(scores: dict) -> dict[str, tuple[int, int, int, int]]:
    return {kind: (s.gold, s.drafted, s.recalled, s.correct) for kind, s in scores.items()}


def test_seed_debate_meets_the_targets() -> None:
    result = evaluate(SEED)
    total = result.total
    assert _counts(total) == {
        "direct statements": (25, 18, 25, 18),
        "all statements": (49, 31, 42, 30),
        "quantities": (31, 33, 31, 31),
        "actors": (22, 22, 20, 20),
    }
    assert _counts(result.sources["000_c2d672fdb30a2dc9.txt"]) == {
        "direct statements": (6, 4, 6, 4), "all statements": (20, 12, 19, 12),
        "quantities": (11, 11, 11, 11), "actors": (7, 6, 6, 6),
    }
    assert total["quantities"].same_unit == 31
    assert result.dropped == 0
    # the targets: direct speech with the right speaker >= 75%, quantities and actors >= 80%,
    # each at precision >= 60%
    assert total["direct statements"].recall >= 0.75 and total["direct statements"].precision >= 0.6
    assert total["quantities"].recall >= 0.8 and total["quantities"].precision >= 0.6
    assert total["actors"].recall >= 0.8 and total["actors"].precision >= 0.6


@pytest.mark.parametrize(("debate", "expected", "same_unit"), [
    ("school-phones", {"direct statements": (8, 8, 8, 8), "all statements": (17, 15, 16, 15),
                       "quantities": (14, 19, 14, 14), "actors": (11, 11, 9, 9)}, 13),
    ("junk-food-ads", {"direct statements": (9, 8, 9, 7), "all statements": (19, 15, 16, 14),
                       "quantities": (11, 14, 11, 11), "actors": (11, 13, 9, 9)}, 9),
    ("four-day-week", {"direct statements": (7, 7, 7, 7), "all statements": (18, 15, 15, 15),
                       "quantities": (13, 19, 13, 13), "actors": (12, 11, 11, 11)}, 12),
    ("speed-limits", {"direct statements": (6, 6, 6, 6), "all statements": (13, 12, 11, 11),
                      "quantities": (10, 13, 10, 10), "actors": (9, 8, 7, 7)}, 8),
])
def test_own_articles(debate: str, expected: dict, same_unit: int) -> None:
    result = evaluate(ARTICLES / debate)
    assert result.debate == debate
    assert _counts(result.total) == expected
    assert result.total["quantities"].same_unit == same_unit
    assert result.dropped == 0


def test_cli_prints_the_figures_and_json() -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["extract", "--evaluate", str(SEED)])
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[0] == "drafts against the annotations of taser-uk (2 sources)"
    assert "direct statements          25       18       25       18  100.0%    100.0%" in lines
    assert "quantities                 31       33       31       31  100.0%     93.9%  (same unit: 31)" \
        in lines
    assert "actors                     22       22       20       20   90.9%     90.9%" in lines
    as_json = json.loads(runner.invoke(main, ["extract", "--evaluate", "taser-uk", "-f", "json",
                                              "--data", str(SEED.parent)]).output)
    assert as_json["total"]["all statements"] == {"gold": 49, "drafted": 31, "recalled": 42, "correct": 30,
                                                  "recall": 0.8571, "precision": 0.9677}
    assert set(as_json["sources"]) == {"000_c2d672fdb30a2dc9.txt", "004_d57e7b97e3561e93.txt"}


def test_cli_evaluate_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["extract", "--evaluate", "nowhere", "--data", str(tmp_path)])
    assert missing.exit_code == 2
    assert "no debate folder 'nowhere'" in missing.output
    both = runner.invoke(main, ["extract", "x.txt", "--evaluate", "taser-uk"])
    assert both.exit_code == 2 and "not both" in both.output
    (tmp_path / "debate.yaml").write_text("debate: {id: empty}\n", encoding="utf-8")
    with pytest.raises(KgError, match="no source with an annotation file"):
        evaluate(tmp_path)


def test_magnitude_puts_shares_on_one_scale() -> None:
    assert magnitude(50, "percent", 1, 2) == magnitude(None, "ratio", 1, 2) == 0.5
    assert magnitude(None, "ratio", 1, 10) == 0.1
    assert magnitude(31, "count", 31, 372) == 31.0  # a count with its share keeps its value
    assert magnitude(None, "count", None, None) is None
