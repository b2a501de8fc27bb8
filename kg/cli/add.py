"""``kg add``: an article (text file, saved news page or URL) into a debate folder."""

from __future__ import annotations

import re
from pathlib import Path

import click

from kg.cli import summary
from kg.cli.common import err
from kg.model.paths import DEFAULT_DATA


@click.command("add", short_help=summary("add"))
@click.argument("article")
@click.option("--debate", required=True, help="The debate (a folder under --data) to add the article to.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True,
              help="Data folder holding the debate.")
@click.option("--timeout", type=click.FloatRange(1, 300), default=20.0, show_default=True,
              help="Seconds allowed for fetching a URL.")
def add(article: str, debate: str, data_dir: Path, timeout: float) -> None:
    """Add ARTICLE (a .txt or .html file, or an http(s) URL) to a debate.

    \b
    From a news page (a saved file, or a URL fetched only because you gave it) the article
    text and its title, date, author, publisher and address are extracted from the page's
    metadata (meta tags, schema.org JSON-LD). The text is stored unchanged as
    NNN_<checksum>.txt beside a NNN_<checksum>.yaml whose source block is filled in; the
    same text added twice is refused.

    \b
    Example:
      kg add saved-page.html --debate school-meals && kg build data/school-meals
    """
    from kg.ingest.article import add_article, from_file, from_url
    from kg.ingest.folder import check_debate_id

    check_debate_id(debate)
    folder = data_dir / debate
    if re.match(r"[a-z][a-z0-9+.-]*://", article, re.I):
        read = from_url(article, timeout=timeout)
    else:
        read = from_file(Path(article))
    added = add_article(folder, read)
    a = added.article
    rows = [("title", a.title), ("issued", a.issued.isoformat() if a.issued else "unknown"),
            ("author", a.author), ("publisher", a.publisher), ("url", a.url),
            ("characters", f"{len(a.text):,}")]
    click.echo(f"added {added.text_file} (source {added.source_id})")
    for name, value in rows:
        click.echo(f"  {name:<10} {value if value else '-'}")
    for note in a.notes:
        click.echo(f"  note       {note}")
    click.echo(f"wrote {added.annotation_file}" +
               (f" (new actors: {', '.join(added.new_actors)})" if added.new_actors else ""))
    err.print(f"next: code it in {added.annotation_file.name}, then kg build {folder}", markup=False)
