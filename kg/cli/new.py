"""``kg new``: start a debate folder."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli import summary
from kg.cli.common import err
from kg.model.paths import DEFAULT_DATA


@click.command("new", short_help=summary("new"))
@click.argument("debate")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="Data folder to create the debate in.")
@click.option("--title", default=None, help="The debate's title (default: from its id).")
@click.option("--description", default=None, help="A sentence or two on what the debate is about.")
def new(debate: str, data_dir: Path, title: str | None, description: str | None) -> None:
    """Create DATA/DEBATE/ with a debate.yaml that 'kg build' accepts as it is.

    \b
    The file holds the debate's id, title and description, empty actors and claims, and a
    short guide in comments. Refuses a folder that exists or an id that cannot be one.

    \b
    Example:
      kg new school-meals --title "Free school meals for every pupil"
      kg add article.html --debate school-meals
    """
    from kg.ingest.scaffold import new_debate

    folder = new_debate(data_dir, debate, title, description)
    click.echo(f"created {folder}/debate.yaml")
    err.print(f"next: kg add FILE|URL --debate {debate}" +
              (f" --data {data_dir}" if data_dir != DEFAULT_DATA else ""), markup=False)
