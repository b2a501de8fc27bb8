"""CLI layer: the ``kg`` command line, one thin module per command.

Each command module parses options, calls the library and prints. May import: every layer
(bench, serve, render, build, analysis, ingest, queries, stores, model). Commands are imported
only when run, and ``kg --help`` lists them from :data:`COMMANDS` without importing any, so
the help and ``kg query --list`` start in a fraction of a second.

Errors a user can cause end as one line on stderr and exit status 2; set ``KG_DEBUG=1`` to see
the traceback of the error and of every cause behind it.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

import click

from kg import __version__
from kg.cli.common import err
from kg.model.errors import KgError

EXIT_USER_ERROR = 2
EXIT_INTERNAL = 70
LISTED_VIOLATIONS = 50

# name -> (module, click command, the one line 'kg --help' shows; the command uses it as its
# short help too, so it is written once)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "build": ("kg.cli.build", "build", "Build the store from DATA_DIR (default: data/)."),
    "query": ("kg.cli.query", "query", "Run QUERY: a name from queries/, a .rq file, or SPARQL text."),
    "export": ("kg.cli.export", "export", "Export RDF, or files for DNA, AIF, Argdown, ClaimReview."),
    "trace": ("kg.cli.trace", "trace_command", "Trace what backs or contests a claim, down to the quotes."),
    "check": ("kg.cli.check", "check", "Check that the graph holds up: SHACL, quote offsets, numbers."),
    "viz": ("kg.cli.viz", "viz", "Write interactive views of the debate (offline HTML)."),
    "analyze": ("kg.cli.analyze", "analyze", "Analyse the debate as a network: coalitions, standing."),
    "report": ("kg.cli.report", "report", "Write a debate brief: sides, main claims, figures, references."),
    "new": ("kg.cli.new", "new", "Start a debate folder: a debate.yaml that builds as it is."),
    "add": ("kg.cli.add", "add", "Add an article (text, saved news page or URL) to a debate."),
    "extract": ("kg.cli.extract", "extract", "Draft a source's quotes, speakers, actors and numbers."),
    "import": ("kg.cli.import_", "import_group", "Import data coded in other tools as a debate folder."),
    "serve": ("kg.cli.serve", "serve", "Serve the store as a read-only SPARQL endpoint with views."),
    "annotate": ("kg.cli.annotate", "annotate", "Code articles in the browser: statements, evidence, links."),
    "synth": ("kg.cli.synth", "synth", "Generate a synthetic debate of a chosen size."),
    "bench": ("kg.cli.bench", "bench", "Benchmark the stores on a synthetic debate, in one run."),
}


def summary(name: str) -> str:
    """The one-line help of a command, from :data:`COMMANDS`."""
    return COMMANDS[name][2]


class KgGroup(click.Group):
    """A click group that turns :class:`KgError` into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KgError as exc:
            _debug(exc)
            err.print(f"error: {exc}", markup=False)
            lines: list[str] = getattr(exc, "lines", [])  # SHACL violations, one per line
            for line in lines[:LISTED_VIOLATIONS]:
                err.print(f"  {line}", markup=False)
            if len(lines) > LISTED_VIOLATIONS:
                err.print(f"  ... and {len(lines) - LISTED_VIOLATIONS} more", markup=False)
            ctx.exit(EXIT_USER_ERROR)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            err.print("interrupted", markup=False)
            ctx.exit(130)
        except BrokenPipeError:  # 'kg ... | head': the reader has gone; stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception as exc:  # a bug: still one line unless asked for more
            if os.environ.get("KG_DEBUG"):
                raise
            err.print(f"internal error: {type(exc).__name__}: {exc} (KG_DEBUG=1 shows the traceback)",
                      markup=False)
            ctx.exit(EXIT_INTERNAL)


class LazyGroup(KgGroup):
    """The top-level group: loads the commands of :data:`COMMANDS` on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from :data:`COMMANDS`, without importing a single command."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary(name)) for name in sorted(COMMANDS)])


def _debug(exc: BaseException) -> None:
    """With ``KG_DEBUG`` set, print the traceback of a user-facing error and of every cause
    behind it (the library raises :class:`KgError` *from* the original exception)."""
    if os.environ.get("KG_DEBUG"):
        traceback.print_exception(exc, file=sys.stderr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Map a policy debate: who claims what, on what evidence, said where.

    Start with 'kg build' on the seed debate in data/ (annotations -> validated store), then
    trace, query, analyse, view and export it. A debate of your own: 'kg new', 'kg add' an
    article, 'kg extract' drafts, 'kg annotate' to code it in the browser, then 'kg build'.
    """
