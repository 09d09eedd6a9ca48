"""The files a person gives a step command (``--file``), written as TOML or JSON by extension
from what ``model_dump(mode="json")`` gives: the standard library reads TOML but does not
write it, and these documents need only tables, arrays, strings and integers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def toml_value(value: Any) -> str:
    """``value`` as a TOML value on one line (a JSON string is a TOML basic string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return str(value) if isinstance(value, int) else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):  # TOML has no null: a None is left out, as a default
        return "{" + ", ".join(f"{_key(k)} = {toml_value(v)}" for k, v in value.items()
                               if v is not None) + "}"
    raise TypeError(f"no TOML for {value!r}")


def toml_document(data: dict[str, Any]) -> str:
    return "".join(f"{_key(k)} = {toml_value(v)}\n" for k, v in data.items() if v is not None)


def write_request(path: Path, data: dict[str, Any]) -> Path:
    """``data`` written to ``path`` as TOML or JSON, by its extension; ``path`` again."""
    if path.suffix == ".toml":
        path.write_text(toml_document(data), encoding="utf-8")
    else:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
