"""Reading a history file: YAML to data, and each value's line in the file.

PyYAML's ``compose`` keeps the node marks the plain ``safe_load`` drops; walking the node tree
gives every path (``("years", 2, "coordinators", 0, "state")``) the line it starts on, so that
a refusal names the line of the fact it refuses. A malformed file is refused with the line the
parser stopped at; so is a mapping that names a key twice (``safe_load`` would keep the last).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

Path = tuple[str | int, ...]


class HistoryRefusal(Exception):  # noqa: N818 - a refusal, as RuleViolation is
    """A history file, or one year of it, refused: the rule, why, and the line of the fact."""

    def __init__(self, rule_id: str, message: str, line: int | None = None,
                 year: int | None = None) -> None:
        super().__init__(message)
        self.rule_id, self.message, self.line, self.year = rule_id, message, line, year

    def sentence(self, file: str) -> str:
        where = f"{file}, line {self.line}" if self.line else file
        of = f" (the {self.year} cycle; nothing of it recorded)" if self.year else ""
        return f"{self.rule_id}: {where}: {self.message}{of}"


class Lines:
    """The line each path of the file starts on (1-based)."""

    def __init__(self, found: dict[Path, int]) -> None:
        self._found = found

    def of(self, path: Sequence[str | int]) -> int | None:
        """The line of ``path``, or of its nearest ancestor the file holds."""
        key = tuple(path)
        while key:
            if key in self._found:
                return self._found[key]
            key = key[:-1]
        return self._found.get((), None)


def _walk(node: yaml.Node, path: Path, found: dict[Path, int]) -> None:
    found[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                raise HistoryRefusal("HI-1", f"the key {name!r} is given twice in one mapping",
                                     key.start_mark.line + 1)
            seen.add(name)
            _walk(value, (*path, name), found)
            found[(*path, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), found)


def load(text: str) -> tuple[Any, Lines]:
    """The file's data and its lines; a ``HistoryRefusal`` (HI-1) if it is not YAML."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        said = error.problem or error.context
        raise HistoryRefusal("HI-1", f"the file is not well-formed YAML ({said})", line) from None
    except yaml.YAMLError as error:
        raise HistoryRefusal("HI-1", f"the file is not well-formed YAML ({error})") from None
    found: dict[Path, int] = {}
    if node is not None:
        _walk(node, (), found)
    return data, Lines(found)
