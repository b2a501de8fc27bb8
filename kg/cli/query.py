"""``kg query``: run a named query, a .rq file or SPARQL text; list the named queries."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import click

from kg.cli import summary
from kg.cli.common import data_option, open_store, store_option
from kg.model.errors import KgError
from kg.queries import catalogue

RESULT_FORMATS = ("table", "csv", "json", "turtle")


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """``name=value`` strings as a dict; a pair without '=' is an error."""
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise KgError(f"--param {pair!r}: expected name=value")
        params[name.lstrip("?")] = value
    return params


def _list(all_roles: bool) -> None:
    """The named queries, each with its whole title wrapped to the terminal and its parameters."""
    width = max(60, shutil.get_terminal_size((100, 24)).columns)
    roles = catalogue.ROLES if all_roles else ("public",)
    queries = catalogue.catalogue(roles)
    name_width = max(len(q.name) for q in queries) + 2
    role = None
    for q in queries:
        if all_roles and q.role != role:
            role = q.role
            click.echo(f"{'' if q is queries[0] else chr(10)}[{role}]")
        args = " ".join(f"--param {p.name}=<{p.type}>" for p in q.params)
        text = q.title + (f"  [{args}]" if args else "")
        lines = textwrap.wrap(text, width - name_width) or [""]
        click.echo(f"{q.name:{name_width}}{lines[0]}")
        for line in lines[1:]:
            click.echo(" " * name_width + line)


@click.command(short_help=summary("query"))
@click.argument("query", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to VALUE (an id, IRI, number or text, as the query declares).")
@click.option("-f", "--format", "fmt", type=click.Choice(RESULT_FORMATS),
              default="table", show_default=True, help="Output format (turtle for CONSTRUCT).")
@click.option("-l", "--list", "list_queries", is_flag=True, help="List the public named queries.")
@click.option("--all", "all_roles", is_flag=True,
              help="With --list: also the queries trace, views, checks and the build use inside.")
@store_option
@data_option
def query(query: str | None, params: tuple[str, ...], fmt: str, list_queries: bool, all_roles: bool,
          store_spec: str | None, data_dir: Path) -> None:
    """Run QUERY: a name from queries/, a .rq file, or SPARQL text.

    \b
    Examples:
      kg query claims-by-stance
      kg query evidence-for-claim --param claim=taser-for-every-frontline-officer
      kg query my-question.rq -f csv
    """
    if list_queries or not query:
        _list(all_roles)
        return
    from rich.console import Console

    from kg.queries import runner
    from kg.render import results

    named = catalogue.resolve(query)
    with open_store(store_spec, data_dir) as graph_store:
        bindings = runner.bind_params(named, parse_params(params), graph_store)
        # one value each, passed as a mapping: as keywords, a parameter named values, query or
        # store would land on run()'s own arguments
        result = runner.run(graph_store, named, {name: [term] for name, term in bindings.items()})
    if result.kind == "graph" and result.graph is not None:
        click.echo(result.graph.serialize(format="turtle"))
    elif fmt == "json":
        click.echo(results.to_json(result))
    elif fmt == "csv":
        click.echo(results.to_csv(result), nl=False)
    else:
        results.print_table(result, Console(highlight=False), named.title or None)
