"""Offline, rule-based drafting of annotations from a source text (``kg extract``).

Nothing here downloads a model or opens the network: regular expressions and small word lists
find quotations and their speakers (:mod:`.quotes`), actors (:mod:`.actors`) and numbers
(:mod:`.quantities`) in the text; :mod:`.draft` anchors each by offsets, checks it against the
text and writes the draft beside the source; :mod:`.evaluate` compares drafts with a debate's
accepted annotations. Drafts are suggestions for a curator, never read by the build.
"""
