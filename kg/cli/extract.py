"""``kg extract``: draft a source's annotations offline, or score drafts against a debate."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kg.cli import summary
from kg.cli.common import err
from kg.model.errors import KgError
from kg.model.paths import DEFAULT_DATA


@click.command("extract", short_help=summary("extract"))
@click.argument("source", required=False)
@click.option("--evaluate", "debate", metavar="DEBATE", default=None,
              help="Instead of drafting: draft every annotated source of DEBATE (a folder, or an id "
                   "under --data) and print recall and precision against its annotations.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "labelstudio"]), default="text",
              show_default=True,
              help="json: print the draft (or the scores) as JSON on standard output and write no file; "
                   "labelstudio: print the draft as Label Studio tasks with predictions, to review there "
                   "(and bring back with 'kg import labelstudio').")
@click.option("--llm", "llm_url", metavar="URL", default=None,
              help="Also send the text to this OpenAI-compatible server (e.g. a local llama.cpp) for "
                   "claims and stances; only quotes found word for word in the text are kept.")
@click.option("--llm-model", default="local", show_default=True, help="The model name sent with --llm.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="Data folder in which a source id or debate id is looked up.")
def extract(source: str | None, debate: str | None, fmt: str, llm_url: str | None, llm_model: str,
            data_dir: Path) -> None:
    """Draft annotations for SOURCE with rules, offline (no model, no network unless --llm).

    \b
    SOURCE is a source text in a debate folder, its annotation file (.yaml) or its source id.
    The draft holds quotations and reported speech with their speakers, the actors named
    (matched to the debate's actors: same person, same id), every number with its value,
    unit and comparator, all anchored by offsets (code points, end exclusive) and checked
    against the text; a draft that is not exactly at its offsets is dropped and counted. It
    is written to <stem>.draft.json beside the text; the build reads only .yaml files, so a
    draft changes nothing until a curator accepts it.

    \b
    Examples:
      kg extract data/taser-uk/004_d57e7b97e3561e93.txt
      kg extract edp-norfolk-taser-call -f json
      kg extract edp-norfolk-taser-call -f labelstudio > tasks.json   # review in Label Studio
      kg extract --evaluate taser-uk
      kg extract SOURCE --llm http://127.0.0.1:8080    # only with a model server you run
    """
    if debate is not None:
        if source is not None:
            raise KgError("give either SOURCE or --evaluate DEBATE, not both")
        if fmt == "labelstudio":
            raise KgError("-f labelstudio is for a draft; --evaluate prints text or json")
        _evaluate(debate, data_dir, fmt)
        return
    if source is None:
        raise KgError("missing SOURCE (a source text, its annotation file or its id), or --evaluate DEBATE")
    from kg.ingest.extract.draft import draft_source, locate, write_draft

    located = locate(source, data_dir)
    result = draft_source(located, llm_url, llm_model)
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    if fmt == "labelstudio":
        from kg.ingest.labelstudio import draft_tasks

        text = located.text_path.read_text(encoding="utf-8")
        click.echo(json.dumps(draft_tasks(result, text), ensure_ascii=False, indent=2))
        return
    path = write_draft(located, result)
    direct = sum(s["mode"] == "direct" for s in result["statements"])
    known = sum(a["id"] in _known_ids(located.folder) for a in result["actors"])
    click.echo(f"wrote {path}: {len(result['statements'])} statements ({direct} direct, "
               f"{len(result['statements']) - direct} reported), {len(result['quantities'])} quantities, "
               f"{len(result['actors'])} actors ({known} already in the debate)"
               + (f", {len(result['claims'])} claims from the model" if "claims" in result else "")
               + f", {result['dropped']} dropped")


def _known_ids(folder: Path) -> set[str]:
    from kg.ingest.extract.draft import known_actors

    return {k.id for k in known_actors(folder)}


def _evaluate(debate: str, data_dir: Path, fmt: str) -> None:
    from kg.ingest.extract.evaluate import KINDS, debate_folder, evaluate

    result = evaluate(debate_folder(debate, data_dir))
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    click.echo(f"drafts against the annotations of {result.debate} ({len(result.sources)} sources)")
    header = (f"{'':20} {'accepted':>8} {'drafted':>8} {'recalled':>8} {'correct':>8} {'recall':>7} "
              f"{'precision':>9}")
    for name, scores in [("all sources", result.total), *result.sources.items()]:
        click.echo(f"\n{name}\n{header}")
        for kind in KINDS:
            s = scores[kind]
            unit = f"  (same unit: {s.same_unit})" if s.same_unit is not None else ""
            click.echo(f"{kind:20} {s.gold:8} {s.drafted:8} {s.recalled:8} {s.correct:8} "
                       f"{s.recall:7.1%} {s.precision:9.1%}{unit}")
    if result.dropped:
        err.print(f"{result.dropped} drafted item(s) dropped: not exactly at their offsets", markup=False)
    err.print("matching: overlapping span + same speaker id (statements); overlapping span + same "
              "magnitude, one to one (quantities); same id (actors). See 'kg.ingest.extract.evaluate'.",
              markup=False)
