"""The browser coder of ``kg annotate``: app (:mod:`.app`), page (:mod:`.pages`), script and style
(``static/``). The YAML editing itself is the ingest layer's (:mod:`kg.ingest.edit`)."""
