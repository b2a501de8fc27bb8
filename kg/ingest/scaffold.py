"""``kg new``: a new, empty debate folder that ``kg build`` accepts as it is.

The folder holds one ``debate.yaml``: the debate's id, title and description, empty actors
and claims, and a short guide in comments (what goes where, the keywords most often needed),
so a curator can start with ``kg add`` and fill in the rest by hand or with the coder.
"""

from __future__ import annotations

from pathlib import Path

from kg.ingest.compile import DEBATE_FILE
from kg.ingest.folder import check_debate_id, write_folder, yaml_bytes
from kg.model.errors import KgError

GUIDE = """
# How to fill this in (README, "Annotating a debate", says more):
# - Add each article with 'kg add FILE|URL --debate {id}': its text is stored unchanged as
#   NNN_<checksum>.txt beside a NNN_<checksum>.yaml holding its source block; code the
#   article's statements, evidence and links there.
# - Actors and claims that several articles share go here, e.g.
#     actors:
#       - id: jane-doe
#         name: Jane Doe
#         kind: person            # person | organisation | police-force | publisher | ...
#         posts:
#           - {{role: chair, of: some-association}}
#     claims:
#       - id: policy-x-for-everyone
#         kind: policy            # policy | factual | quantitative | claim
#         label: Policy X for everyone
#         text: Everyone should be covered by policy X.
# - A claim is neutral: a proposition anyone can agree or disagree with.
# - 'kg build data/{id}' checks everything and names the file and line of any mistake.
"""


def debate_file(debate_id: str, title: str, description: str | None = None) -> bytes:
    """The text of a new ``debate.yaml``."""
    meta = {"id": debate_id, "title": title}
    if description:
        meta["description"] = description
    return yaml_bytes({"debate": meta, "actors": [], "claims": []},
                      f"The debate {debate_id}: what its sources share (actors, claims).",
                      GUIDE.format(id=debate_id))


def new_debate(data_dir: Path, debate_id: str, title: str | None = None,
               description: str | None = None) -> Path:
    """Create ``data_dir/debate_id`` with its ``debate.yaml``; refuse an existing folder or a bad id."""
    check_debate_id(debate_id)
    folder = data_dir / debate_id
    if folder.exists():
        raise KgError("a debate folder is already there; choose another id, or add to it with "
                      "'kg add'", folder)
    title = title or debate_id.replace("-", " ").replace("_", " ").capitalize()
    write_folder({DEBATE_FILE: debate_file(debate_id, title, description)}, folder)
    return folder

