"""The command line's own shape: fast start, every command listed, help per group."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from kg.cli import COMMANDS, main

from .conftest import ROOT

HEAVY = ("rdflib", "pyoxigraph", "networkx", "pyvis", "pyshacl", "numpy", "scipy", "yaml")


@pytest.mark.parametrize("args", [["--help"], ["query", "--list"], ["query", "--list", "--all"]])
def test_help_and_the_query_list_load_no_heavy_library(args: list[str]) -> None:
    """What makes 'kg --help' take 0.07 s instead of 0.7 s: nothing heavy is imported for it."""
    code = (f"import sys\nfrom kg.cli import main\ntry:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            f"print('LOADED:' + ' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    loaded = proc.stdout.rsplit("LOADED:", 1)[1].split()
    assert loaded == [], f"kg {' '.join(args)} imported {loaded}"


def test_every_command_is_listed_with_its_summary_and_loads() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name, (_module, _attr, summary) in COMMANDS.items():
        assert f"{name}  " in result.output and summary in result.output
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.short_help == summary


def test_import_help_lists_only_its_own_subcommands() -> None:
    result = CliRunner().invoke(main, ["import", "--help"])
    assert result.exit_code == 0
    commands = result.output.split("Commands:")[1].split()
    assert commands[0] == "aif" and {"dna", "brat", "labelstudio", "doccano"} <= set(commands)
    assert "build" not in commands and "trace" not in commands


def test_query_list_shows_public_queries_whole_and_all_roles_on_request() -> None:
    public = CliRunner().invoke(main, ["query", "--list"], env={"COLUMNS": "80"}).output
    assert "evidence-for-claim" in public and "trace-links" not in public and "1-types" not in public
    assert "…" not in public  # whole titles, wrapped, never cut
    assert max(len(line) for line in public.splitlines()) <= 80
    every = CliRunner().invoke(main, ["query", "--list", "--all"]).output
    for role, name in (("[internal]", "trace-links"), ("[checks]", "quote-mismatches"),
                       ("[derive]", "1-types"), ("[store]", "dump-default-graph")):
        assert role in every and name in every
