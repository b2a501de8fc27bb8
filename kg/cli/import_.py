"""``kg import``: bring data coded in other tools into the project's own annotation format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli import KgGroup, summary
from kg.cli.common import err

if TYPE_CHECKING:
    from kg.ingest.folder import ImportReport


@click.group("import", cls=KgGroup, short_help=summary("import"))
def import_group() -> None:
    """Import data coded in other tools as a debate folder that 'kg build' loads."""


@import_group.command("dna")
@click.argument("dna_file", type=click.Path(path_type=Path))
@click.option("--out", "folder", type=click.Path(path_type=Path), default=None,
              help="Debate folder to write (default: data/<id>). Refuses to replace one unless --force.")
@click.option("--id", "debate_id", default=None, help="Debate id (default: from the file name).")
@click.option("--title", default=None, help="Debate title (default: 'Imported from FILE').")
@click.option("--statement-type", default="DNA Statement", show_default=True,
              help="The DNA statement type to import (needs concept, person and/or organization, "
                   "agreement).")
@click.option("--force", is_flag=True, help="Replace the folder if it exists (atomically).")
def dna(dna_file: Path, folder: Path | None, debate_id: str | None, title: str | None,
        statement_type: str, force: bool) -> None:
    """Import a Discourse Network Analyzer (DNA 3) database, DNA_FILE (.dna, SQLite).

    \b
    Documents become sources (their text saved unchanged, dated by the DNA document date),
    concepts become claims, persons and organizations become actors, and each statement
    becomes a statement whose quote is the coded passage (DNA's start/stop offsets), with
    its stance from 'agreement'. The result is an ordinary debate folder: annotation YAML
    beside the texts, so 'kg build' anchors and checks every quote as usual.

    \b
    Example:
      kg import dna climate.dna --out data/climate && kg build data && kg analyze
    """
    from kg.ingest.dna import import_dna

    report = import_dna(dna_file, folder, debate_id, title, statement_type, force)
    click.echo(f"wrote {report.folder}: debate {report.debate_id}, {report.documents} documents, "
               f"{report.statements} statements, {report.actors} actors, {report.claims} claims")
    for reason, count in sorted(report.skipped.items()):
        err.print(f"skipped {count} statement(s): {reason}", markup=False)
    err.print(f"next: kg build {report.folder}", markup=False)


# --- annotation tools: brat, Label Studio, doccano (one mapping: kg.ingest.coded) -------------

_Reader = Callable[..., "ImportReport"]


def _tool_command(name: str, what: str, example: str) -> Callable[[_Reader], click.Command]:
    """A ``kg import NAME PATH`` command running the decorated reader, which returns what it wrote."""

    def register(read: _Reader) -> click.Command:
        @import_group.command(name, help=f"Import {what}.\n\n"
                              "Spans labelled Actor/Person/Organisation, Claim, Statement and Evidence "
                              "(or Study, Survey, ...), with relations speaker, for, agree/disagree/hedged/"
                              "declined, by, supports and attacks, become a debate folder with exact "
                              "quotes (README, 'Importing from annotation tools', has the whole mapping)."
                              f"\n\n\b\nExample:\n  {example}")
        @click.argument("path", type=click.Path(path_type=Path))
        @click.option("--out", "folder", type=click.Path(path_type=Path), default=None,
                      help="Debate folder to write (default: data/<id>). Refuses to replace one unless "
                           "--force.")
        @click.option("--id", "debate_id", default=None, help="Debate id (default: the --out folder's name).")
        @click.option("--title", default=None, help="Debate title (default: 'Imported from PATH').")
        @click.option("--force", is_flag=True, help="Replace the folder if it exists (atomically).")
        def command(path: Path, folder: Path | None, debate_id: str | None, title: str | None,
                    force: bool) -> None:
            _print_report(read(path, folder, debate_id, title, force))

        return command

    return register


def _print_report(report: ImportReport) -> None:
    click.echo(f"wrote {report.folder}: debate {report.debate_id}, {report.documents} documents, "
               f"{report.statements} statements, {report.evidence} evidence, {report.links} links, "
               f"{report.actors} actors, {report.claims} claims")
    for reason, count in sorted(report.skipped.items()):
        err.print(f"skipped {count}: {reason}", markup=False)
    for reason, count in sorted(report.ignored.items()):
        err.print(f"ignored {count}: {reason}", markup=False)
    err.print(f"next: kg build {report.folder}", markup=False)


@_tool_command("brat", "brat standoff annotations: PATH is a folder of .txt + .ann pairs, or one .ann",
               "kg import brat corpus/ --out data/school-meals && kg build data/school-meals")
def brat(path: Path, folder: Path | None, debate_id: str | None, title: str | None,
         force: bool) -> ImportReport:
    from kg.ingest.brat import import_brat

    return import_brat(path, folder, debate_id, title, force)


@_tool_command("labelstudio", "a Label Studio JSON export (tasks with data.text and annotations)",
               "kg import labelstudio export.json --out data/school-meals")
def labelstudio(path: Path, folder: Path | None, debate_id: str | None, title: str | None,
                force: bool) -> ImportReport:
    from kg.ingest.labelstudio import import_labelstudio

    return import_labelstudio(path, folder, debate_id, title, force)


@_tool_command("doccano", "a doccano JSONL export (text with label spans, or entities and relations)",
               "kg import doccano export.jsonl --out data/school-meals")
def doccano(path: Path, folder: Path | None, debate_id: str | None, title: str | None,
            force: bool) -> ImportReport:
    from kg.ingest.doccano import import_doccano

    return import_doccano(path, folder, debate_id, title, force)

@import_group.command("aif")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--out", "folder", type=click.Path(path_type=Path), default=None,
              help="Debate folder to write (default: data/<id>). Refuses to replace one unless --force.")
@click.option("--id", "debate_id", default=None, help="Debate id (default: from the file or folder name).")
@click.option("--title", default=None, help="Debate title (default: the map's, or 'Imported from NAME').")
@click.option("--force", is_flag=True, help="Replace the folder if it exists (atomically).")
def aif(source: Path, folder: Path | None, debate_id: str | None, title: str | None, force: bool) -> None:
    """Import Argument Interchange Format maps: SOURCE is an AIF JSON file (AIFdb, OVA) or a folder
    of them (*.json).

    \b
    Participants become actors, I nodes claims, L nodes with their locutions statements (stance
    from the YA illocution; the quote is the L node's words, found in the map's text), RA and CA
    nodes support and attack links. Locutions whose words are not in the text are not written:
    their claims stay, without a quote, and the import says how many. Maps written by
    'kg export -f aif' keep their ids, kinds, sources and offsets.

    \b
    Example:
      kg import aif map.json --out data/aif-map && kg build data/aif-map
    """
    from kg.ingest.aif import import_aif

    report = import_aif(source, folder, debate_id, title, force)
    click.echo(f"wrote {report.folder}: debate {report.debate_id}, {report.maps} map(s), "
               f"{report.sources} source(s), {report.actors} actors, {report.claims} claims "
               f"({report.evidence} of them evidence in the exported graph), {report.statements} statements, "
               f"{report.links} links")
    if report.unanchored:
        err.print(f"not anchored: {report.unanchored} locution(s) whose words are not in the text "
                  "(their claims are kept without a quote)", markup=False)
    for reason, count in sorted(report.skipped.items()):
        err.print(f"skipped {count}: {reason}", markup=False)
    err.print(f"next: kg build {report.folder}", markup=False)
