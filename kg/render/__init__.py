"""Render layer: answers shaped for people and programs.

Query results as tables, CSV and JSON (:mod:`~kg.render.results`), traces as text and Markdown
(:mod:`~kg.render.trace`), the view graphs read from the store (:mod:`~kg.render.views`) and
their offline HTML pages (:mod:`~kg.render.view_html`, :mod:`~kg.render.view_page`). Every
text from a source is escaped for the format it lands in. May import: ``kg.build``,
``kg.analysis``, ``kg.ingest``, ``kg.queries``, ``kg.stores``, ``kg.model``.
"""
