"""The wheel is a complete kg: built from the working tree and installed away from it, it works.

An editable install and a source checkout find ``ontology/`` and ``queries/`` in the
repository; an installed wheel has only what was packed into it. So this builds the wheel
(offline, no build isolation: the backend comes from the ``test`` extra), installs it into a
bare folder with ``pip --target`` and runs ``python -m kg`` there, from a folder outside the
repository, on a copy of ``data/``. Nothing here is skipped: a missing build tool fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA_FOLDERS = ("ontology", "queries")  # shipped as kg/_data/<folder> (see pyproject.toml)
CLAIM = "taser-for-every-frontline-officer"
# What a working tree may hold that is not source: caches and virtualenvs at any depth,
# earlier builds and outputs at the top only (kg/build/ is a package, build/ is not).
ANYWHERE = {".git", ".venv", ".kg", "__pycache__", ".pytest_cache", ".ruff_cache"}
AT_TOP = {"build", "dist", "out", "data-synth"}
# Imports every kg module given as arguments; prints those that did not load from the first.
IMPORT_ALL = """
import importlib, sys
from pathlib import Path
home = Path(sys.argv[1]).resolve()
modules = [importlib.import_module(name) for name in sys.argv[2:]]
print("\\n".join(m.__name__ for m in modules if not Path(m.__file__).resolve().is_relative_to(home)))
"""


def _not_source(folder: str, names: list[str]) -> set[str]:
    """``shutil.copytree`` ignore hook: skip caches, virtualenvs and the top-level build outputs."""
    top = Path(folder).resolve() == ROOT
    return {n for n in names if n in ANYWHERE or n.endswith(".egg-info") or (top and n in AT_TOP)}


def _run(
    args: list[str], *, cwd: Path, pythonpath: Path | None = None, hint: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run ``python args`` in ``cwd``; on failure, fail the test with the command's output (and ``hint``).

    ``KG_HOME`` and ``KG_STORE`` are dropped so that the code under test finds its own data
    and is given its store explicitly; ``PYTHONPATH`` is exactly ``pythonpath`` (or unset).
    """
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "KG_HOME", "KG_STORE"}}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    done = subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    command = " ".join(["python", *args])
    assert done.returncode == 0, f"{command} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}{hint}"
    return done


def _shipped_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` that the wheel must carry (hidden files and caches aside)."""
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                   for part in p.relative_to(folder).parts)
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the working tree (so no build/ leftovers leak into it)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=_not_source)
    _run(["-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp / "dist"), str(source)], cwd=tmp,
         hint="\n(the build tools come with the test extra: pip install -e '.[test]')")
    (built,) = (tmp / "dist").glob("*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the wheel is installed into, with no dependencies and no index (offline)."""
    target = tmp_path_factory.mktemp("site") / "lib"
    _run(["-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
         cwd=wheel.parent)
    return target


def test_wheel_carries_every_data_file_and_module(wheel: Path) -> None:
    """Each file of ontology/ and queries/ (any subfolder) and each kg module is in the wheel, unchanged.

    Listing the repository rather than naming files means a new query subfolder or kg
    subpackage that the packaging misses fails here instead of in an installed copy.
    """
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        for folder in DATA_FOLDERS:
            files = _shipped_files(ROOT / folder)
            assert files, f"nothing under {folder}/"
            for path in files:
                entry = f"kg/_data/{folder}/{path.relative_to(ROOT / folder).as_posix()}"
                assert entry in names, f"{entry} is missing from {wheel.name}"
                assert whl.read(entry) == path.read_bytes(), f"{entry} differs from the repository"
        for module in (ROOT / "kg").rglob("*.py"):
            if "__pycache__" not in module.parts:
                assert module.relative_to(ROOT).as_posix() in names, f"{module} is missing from {wheel.name}"
    outside = sorted(n for n in names if not n.startswith(("kg/", "debate_kg-")))
    assert not outside, f"the wheel puts files outside kg/: {outside}"


def test_installed_wheel_builds_checks_and_traces(installed: Path, tmp_path: Path) -> None:
    """The installed kg builds, checks and traces the seed debate with the counts of the repository's kg."""
    work = tmp_path / "work"
    work.mkdir()
    data = work / "data"
    shutil.copytree(ROOT / "data", data)
    where = _run(["-c", "import kg, kg.model.paths as p; print(kg.__file__); print(p.QUERIES)"],
                 cwd=work, pythonpath=installed).stdout.splitlines()
    assert Path(where[0]).is_relative_to(installed) and not Path(where[0]).is_relative_to(ROOT), where
    assert Path(where[1]) == installed / "kg" / "_data" / "queries", where
    # An editable install in this environment could fill in a module the wheel lacks
    # (setuptools' import hook serves kg.* from the repository): every module must be the wheel's.
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "kg").rglob("*.py") if p.stem != "__main__" and "__pycache__" not in p.parts
    )
    strays = _run(["-c", IMPORT_ALL, str(installed), *modules], cwd=work, pythonpath=installed).stdout.split()
    assert not strays, f"imported from outside {installed}: {strays}"

    store = str(tmp_path / "store")
    built = _run(["-m", "kg", "build", str(data), "--store", store], cwd=work, pythonpath=installed).stdout
    _run(["-m", "kg", "check", "--store", store], cwd=work, pythonpath=installed)
    trace = _run(["-m", "kg", "trace", CLAIM, "--store", store], cwd=work, pythonpath=installed).stdout
    assert CLAIM in trace

    reference = _run(["-m", "kg", "build", str(data), "--store", str(tmp_path / "reference")],
                     cwd=work, pythonpath=ROOT).stdout

    def counts(output: str) -> str:
        (line,) = [line for line in output.splitlines() if line.startswith("triples ")]
        return line

    assert counts(built) == counts(reference)
