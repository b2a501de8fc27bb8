"""The code's shape: layers that point one way, no import cycles, no SPARQL outside kg/queries/.

DESIGN.md's layers, lowest first; a module may import its own layer and any layer below it,
never one above (imports inside functions count too). README's "How the code is laid out"
shows the same order.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"
LAYERS = ("model", "stores", "queries", "ingest", "analysis", "build", "render", "serve", "bench", "cli")
SPARQL = re.compile(
    r"(?is)\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b[^;]*?\bWHERE\s*\{"  # a query form with its group
    r"|\b(INSERT|DELETE)\s+(DATA\s*)?\{"  # an update
    r"|\bCLEAR\s+(SILENT\s+)?(DEFAULT|ALL|NAMED|GRAPH)\b"
    r"|^\s*PREFIX\s+\w*:\s*<"  # a prologue
    r"|\{\s*\?\w+\s+(\?\w+|<[^>]*>|\w*:\w+)\s"  # a triple pattern opening a group
)


def modules(root: Path = KG) -> dict[str, Path]:
    """Every module under ``root``, by dotted name."""
    return {".".join(p.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__"): p
            for p in sorted(root.rglob("*.py"))}


def where(path: Path) -> str:
    """A module's path as a reader finds it: from the repository top where it is inside it."""
    return str(path.relative_to(KG.parent)) if path.is_relative_to(KG.parent) else str(path)


def layer(module: str) -> int:
    """A module's rank: its subpackage's place in :data:`LAYERS`; ``kg`` itself is above them all."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return len(LAYERS)  # kg/__init__.py, kg/__main__.py
    return LAYERS.index(parts[1])


def imports(path: Path) -> list[tuple[int, str]]:
    """Every ``kg`` module ``path`` imports (at any depth), with the line it does it on."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.split(".")[0] == "kg":
                names = [f"{node.module}.{a.name}" for a in node.names]
                found.append((node.lineno, next((n for n in names if n in ALL), node.module)))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "kg"]
    return found


ALL = modules()


def violations(mods: dict[str, Path]) -> list[str]:
    """Imports against the layer direction, each naming both modules."""
    bad = []
    for name, path in mods.items():
        for line, target in imports(path):
            if target == "kg" or (target.startswith("kg.") and target.split(".")[1] not in LAYERS):
                continue  # kg.__version__
            if layer(target) > layer(name):
                bad.append(f"{where(path)}:{line}: {name} ({LAYERS[layer(name)]}) imports "
                           f"{target} ({LAYERS[layer(target)]}), a layer above it")
    return bad


def cycles(mods: dict[str, Path]) -> list[list[str]]:
    """Import cycles between modules (module-level imports only: a function-level import runs
    after every module has loaded)."""
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kg"):
                for target in [f"{node.module}.{a.name}" for a in node.names] + [node.module]:
                    if target in mods and target != name and not name.startswith(target + "."):
                        edges[name].add(target)
                        break
    found, state = [], dict.fromkeys(mods, 0)

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for t in sorted(edges[m]):
            if state[t] == 1:
                found.append([*stack[stack.index(t):], t])
            elif state[t] == 0:
                visit(t, [*stack, t])
        state[m] = 2

    for m in mods:
        if state[m] == 0:
            visit(m, [m])
    return found


def sparql_in_python(mods: dict[str, Path]) -> list[str]:
    """String constants (docstrings aside) outside kg/queries/ that hold SPARQL."""
    bad = []
    for name, path in mods.items():
        if name.startswith("kg.queries"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                      and n.body and isinstance(n.body[0], ast.Expr)
                      and isinstance(n.body[0].value, ast.Constant)}
        docstrings |= {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value if isinstance(v, ast.Constant) else "?x" for v in node.values)
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docstrings):
                text = node.value
            else:
                continue
            if SPARQL.search(str(text)):
                bad.append(f"{where(path)}:{node.lineno}: SPARQL in Python: "
                           f"{' '.join(str(text).split())[:60]!r}")
    return bad


def test_every_subpackage_is_a_layer_with_a_docstring() -> None:
    packages = {p.parent.name for p in KG.glob("*/__init__.py")}
    assert packages == set(LAYERS)
    for name in LAYERS:
        doc = ast.get_docstring(ast.parse((KG / name / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "May import" in doc, f"kg/{name}/__init__.py: say what lives there, what it may import"


def test_layers_point_one_way() -> None:
    assert violations(ALL) == []


def test_no_import_cycles() -> None:
    assert cycles(ALL) == []


def test_no_sparql_in_python_outside_the_queries_layer() -> None:
    assert sparql_in_python(ALL) == []


@pytest.mark.parametrize(("source", "expected"), [
    ("from kg.cli.common import err\n",
     "kg.stores.bad (stores) imports kg.cli.common (cli), a layer above it"),
    ("def f():\n    from kg.build import build\n", "imports kg.build (build), a layer above it"),
])
def test_the_layer_check_names_both_modules(tmp_path: Path, source: str, expected: str) -> None:
    """A deliberate violation is caught and named (the check can fail)."""
    fake = tmp_path / "kg" / "stores"
    fake.mkdir(parents=True)
    (fake / "bad.py").write_text(source, encoding="utf-8")
    found = violations({"kg.stores.bad": fake / "bad.py"})
    assert len(found) == 1 and expected in found[0]


def test_the_sparql_check_finds_a_query_in_a_string(tmp_path: Path) -> None:
    path = tmp_path / "kg" / "render" / "sneaky.py"
    path.parent.mkdir(parents=True)
    path.write_text('"""Docs may show SELECT ?x WHERE { ?x ?p ?o }."""\n\n'
                    'Q = f"SELECT ?x WHERE {{ ?x a {1} }}"\nSQL = "SELECT name FROM t WHERE id = ?"\n',
                    encoding="utf-8")
    found = sparql_in_python({"kg.render.sneaky": path})
    assert len(found) == 1 and "sneaky.py:3" in found[0]


def test_the_cycle_check_finds_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from kg.model.b import x\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("from kg.model.a import y\n", encoding="utf-8")
    assert cycles({"kg.model.a": tmp_path / "a.py", "kg.model.b": tmp_path / "b.py"}) == [
        ["kg.model.a", "kg.model.b", "kg.model.a"]]
