"""Reading YAML data files strictly, remembering the line of every key.

Mappings come back as :class:`Mapping`, a dict that knows the line each key is
on, so that a problem can point at the line a historian must edit. Duplicate
keys are reported instead of silently overwritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

try:  # the C parser is several times faster; fall back to pure Python
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class Mapping(dict[str, Any]):
    """A dict with ``line`` (its own first line) and ``lines`` (key -> line)."""

    line: int = 0
    column: int = 0
    lines: dict[str, int]
    columns: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)

    def column_of(self, key: str) -> int | None:
        return self.columns.get(key) or self.column or None


class YamlError(Exception):
    def __init__(self, message: str, line: int | None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    duplicates: list[tuple[str, int]]


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1
    result.column = node.start_mark.column + 1
    result.lines = {}
    result.columns = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in result:
            loader.duplicates.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
        result.columns[key] = key_node.start_mark.column + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


MAX_DEPTH = 100  # mappings and lists inside one another (PyYAML's constructor recurses)


class TooDeep(Exception):
    def __init__(self, line: int, column: int):
        super().__init__(f"the file nests mappings and lists more than {MAX_DEPTH} deep")
        self.line, self.column = line, column


def alias_at(text: str) -> tuple[int, int] | None:
    """The line and column of the first YAML alias (``*name``) in ``text``, if any, read from
    the parser's events, which never expand it. mhkg's files refuse aliases: a few nested ones
    (a "billion laughs") expand to gigabytes, and a data file is clearer without them."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark.line + 1, event.start_mark.column + 1
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise TooDeep(event.start_mark.line + 1, event.start_mark.column + 1)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # the load below reports the syntax error with its line
    return None


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """The line and column (both from 1; the column in bytes) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


ALIAS_MESSAGE = ("YAML aliases (*name) are not allowed in mhkg's files: write the value out "
                 "where it is used")


def load(path: Path) -> Any:
    """Parse one YAML file; raise YamlError with the line on bad syntax, duplicate keys or an
    alias (refused, never expanded)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise YamlError(f"cannot read this file: {exc.strerror or exc}", None) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = byte_position(data, exc.start)
        raise YamlError(f"not UTF-8 text: byte 0x{data[exc.start]:02x} ({exc.reason})",
                        line, column) from None
    try:
        found = alias_at(text)
    except TooDeep as exc:
        raise YamlError(str(exc), exc.line, exc.column) from None
    if found is not None:
        raise YamlError(ALIAS_MESSAGE, *found)
    loader = _Loader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, by position
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise YamlError(f"invalid YAML: the character U+{ord(char):04X} is not allowed "
                        "(a control character)", line, column) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"invalid YAML: {reason}", line, column) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", None) from None
    finally:
        loader.dispose()
    if loader.duplicates:
        key, line = loader.duplicates[0]
        raise YamlError(f"duplicate key {key!r}", line)
    return data
