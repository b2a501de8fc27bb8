"""Where the project's own files live: the ontology, the shapes and the named queries.

In the repository they sit beside the ``kg`` package (``ontology/``, ``queries/``); a source
checkout and an editable install read them there. A built wheel carries the same two folders
as package data under ``kg/_data/`` (pyproject.toml maps them there), because an installed
``kg`` has no repository around it. ``KG_HOME`` points elsewhere and overrides both.

``PROJECT_ROOT`` is whichever folder holds ``ontology/`` and ``queries/``, so the names below
mean the same thing in every layout.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parents[1]
# kg/_data in an installed wheel; absent from the repository, where kg/ holds only code.
PACKAGED_ROOT = _PACKAGE_DIR / "_data"
# The repository that contains kg/ (a source checkout or an editable install).
SOURCE_ROOT = _PACKAGE_DIR.parent


def project_root() -> Path:
    """The folder holding ``ontology/`` and ``queries/``: ``$KG_HOME``, else the wheel's, else the repo.

    The wheel's copy is tried before the repository because an installed ``kg`` sits in
    site-packages, whose parent folder is not the project (and could hold unrelated
    ``queries/`` folders); a checkout never has ``kg/_data``.
    """
    home = os.environ.get("KG_HOME")
    if home:
        return Path(home)
    if (PACKAGED_ROOT / "ontology").is_dir():
        return PACKAGED_ROOT
    return SOURCE_ROOT


PROJECT_ROOT = project_root()
ONTOLOGY = PROJECT_ROOT / "ontology" / "debate.ttl"
SHAPES = PROJECT_ROOT / "ontology" / "shapes.ttl"
QUERIES = PROJECT_ROOT / "queries"
DEFAULT_DATA = Path("data")
DEBATE_FILE = "debate.yaml"  # what a debate folder's shared annotations are called
DEFAULT_STORE_DIR = Path(".kg") / "store"
