"""Where the project's own files live: the ontology, the shapes and the named queries.

They sit beside the ``kg`` package in the repository (``ontology/``, ``queries/``), which is
where an editable install finds them; ``KG_HOME`` points elsewhere for other layouts.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("KG_HOME", Path(__file__).resolve().parents[2]))
ONTOLOGY = PROJECT_ROOT / "ontology" / "debate.ttl"
SHAPES = PROJECT_ROOT / "ontology" / "shapes.ttl"
QUERIES = PROJECT_ROOT / "queries"
DEFAULT_DATA = Path("data")
DEFAULT_STORE_DIR = Path(".kg") / "store"
