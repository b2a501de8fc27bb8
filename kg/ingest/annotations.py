"""Read annotation files (YAML) and remember where every value came from.

Curators write YAML; errors must point at the line they wrote. The loader returns
:class:`Node` mappings that know their file and the line of each key, so the build can say
``data/x/004.yaml:212: unknown claim 'foo'`` instead of a bare message.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from kg.model.errors import KgError


class Node(dict):
    """A YAML mapping with its file, its own line and the line of each key (1-based)."""

    file: str
    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line where ``key`` was written, or the mapping's own line."""
        return self.key_lines.get(key, self.line)

    def error(self, message: str, key: str | None = None) -> KgError:
        """A :class:`KgError` located at this mapping, or at one of its keys."""
        return KgError(message, self.file, self.line_of(key) if key else self.line)

    def require(self, key: str) -> Any:
        """The value of ``key``, or an error naming the missing key and where."""
        if key not in self or self[key] in (None, ""):
            raise self.error(f"missing '{key}'")
        return self[key]

    def text(self, key: str, default: str | None = None) -> str | None:
        """The value of ``key`` as a string (YAML may have read it as a number or date)."""
        value = self.get(key, default)
        return None if value is None else str(value)

    def nodes(self, key: str) -> Iterator[Node]:
        """The mappings listed under ``key`` (an absent key is an empty list)."""
        items = self.get(key) or []
        if not isinstance(items, list):
            raise self.error(f"'{key}' must be a list", key)
        for item in items:
            if not isinstance(item, Node):
                raise self.error(f"every entry of '{key}' must be a mapping", key)
            yield item


MAX_BYTES = 5_000_000  # an annotation file is text people write: a few hundred KB at most
MAX_EXPANDED_NODES = 1_000_000  # what aliases may expand to (a 'billion laughs' file expands to 10^9)


def _expanded(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many nodes ``node`` stands for once every alias beneath it is expanded (memoised, so
    the count itself costs one visit per distinct node)."""
    key = id(node)
    if key not in sizes:
        sizes[key] = 1  # a recursive alias counts once rather than looping
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        sizes[key] = 1 + sum(_expanded(child, sizes) for child in children)
    return sizes[key]


def _loader_for(file: str) -> type[yaml.SafeLoader]:
    """A SafeLoader subclass that builds :class:`Node` mappings tagged with ``file``, refuses
    documents whose aliases expand beyond :data:`MAX_EXPANDED_NODES`, and turns impossible values
    (a 30th of February, a list as a key) into errors at their line."""

    class Loader(yaml.SafeLoader):
        def get_single_node(self) -> yaml.Node | None:
            node = super().get_single_node()
            if node is not None and _expanded(node, {}) > MAX_EXPANDED_NODES:
                raise KgError(f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} values", file)
            return node

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Node:
        loader.flatten_mapping(node)
        result = Node()
        result.file = file
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = loader.construct_object(key_node, deep=True)
            try:
                seen = key in result
            except TypeError as exc:
                raise KgError(f"a key must be a single word, not {type(key).__name__}", file, line) from exc
            if seen:
                raise KgError(f"duplicate key '{key}'", file, line)
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[str(key)] = line
        return result

    def construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except (ValueError, OverflowError) as exc:
            line = node.start_mark.line + 1
            raise KgError(f"not a valid date: {node.value!r} ({exc})", file, line) from exc

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    return Loader


def load(path: Path) -> Node:
    """Parse one annotation file; malformed YAML becomes a one-line :class:`KgError`."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise KgError(f"too large for an annotation file ({path.stat().st_size:,} bytes; "
                          f"at most {MAX_BYTES:,})", path)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise KgError("file not found", path) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise KgError(f"cannot read: {exc}", path) from exc
    try:
        data = yaml.load(text, Loader=_loader_for(str(path)))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise KgError(f"malformed YAML: {exc.problem or exc.context}", path, line) from exc
    except yaml.YAMLError as exc:
        raise KgError(f"malformed YAML: {exc}", path) from exc
    if data is None:
        data = Node()
        data.file, data.line, data.key_lines = str(path), 1, {}
    if not isinstance(data, Node):
        raise KgError("an annotation file must be a mapping at the top level", path, 1)
    return data
