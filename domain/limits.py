"""The most a person may send, stated once: every text's length, every list's count, a whole
step's size and an HTTP request's body (docs/ARCHITECTURE.md, "Limits", says what each binds).

A field says its limit with :class:`Most` in its annotation (``Annotated[str, Most(TITLE)]``);
the aliases below are the usual ones. The limits bind what people *send* — a step's request
(:class:`stepping.StepRequest`) and the command :mod:`stepping` builds from it — and never what
was recorded, nor an update a workflow accepted before they existed: a recorded event, and a
workflow's history, always read back. That is why a :class:`Most` is judged by
:func:`over_limit` on a request rather than by pydantic on every model that carries it.

The characters of a text are judged with its length (rule TX-1, :func:`unwritable`): a text a
person sends is put in Unicode NFC (:func:`normal`, by :class:`stepping.StepRequest`) and may
hold no control character — a text longer than a title may hold line breaks and tabs — and no
bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), which would show
it in another order than it is recorded (a title read backwards). The marks U+200E and U+200F
are kept: they only set the direction of the neutral characters beside them, and names and
titles in Arabic or Hebrew need them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue

from domain.rules import source_of

NAME = 200  # a person's, a State's, a place's or a mandate's name; a code; a reference
TITLE = 500  # a title, a budget line's label, an agenda topic
SENTENCE = 2_000  # one sentence: a coalition's or a silence procedure's reason, an objection
TEXT = 10_000  # free text: reasons, a description, a necessity's reason
ITEMS = 100  # entries in any one list: work-plan items, budget lines, terms, topics …
STEP_BYTES = 256 * 1024  # a whole step's input as JSON; Temporal's payload limit is 2 MB
REQUEST_BYTES = 1024 * 1024  # an HTTP request's body, and a step's file for the CLI


@dataclass(frozen=True)
class Most:
    """At most ``chars`` characters in each text of the field (in it, or in its list), at
    most ``items`` entries in each of its lists. Shown in the JSON schema (``maxLength``,
    ``maxItems``); judged by :func:`over_limit`."""

    chars: int = TEXT
    items: int = ITEMS

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler
                                     ) -> JsonSchemaValue:
        found = handler(schema)
        self._mark(found)
        return found

    def _mark(self, schema: dict[str, Any]) -> None:
        if schema.get("type") == "string" and "maxLength" not in schema:
            schema["maxLength"] = self.chars
        elif schema.get("type") == "array":
            schema["maxItems"] = self.items
            self._mark(schema.get("items", {}))
        for branch in schema.get("anyOf", ()):
            self._mark(branch)


Name = Annotated[str, Most(NAME)]
Title = Annotated[str, Most(TITLE)]
Text = Annotated[str, Most(TEXT)]
#: what a field without a :class:`Most` is held to
DEFAULT = Most()


class OverLimit(ValueError):  # noqa: N818 - like RuleViolation, what it says, not "…Error"
    """What a person sent is over a limit. ``str()`` is one sentence naming the field (its path
    from the request: ``workplan.items[0].title``) and the limit; ``field`` is that path."""

    def __init__(self, sentence: str, field: tuple[str | int, ...] = ()) -> None:
        super().__init__(sentence)
        self.field = field


class TooLarge(OverLimit):
    """A whole step's input, or a request's body, is larger than the most one may carry."""


class Unwritable(OverLimit):
    """A text holds a character no text may hold (rule :data:`TEXT_RULE`); ``str()`` is one
    sentence naming the field, the character and the rule."""

    rule_id = "TX-1"


TEXT_RULE = Unwritable.rule_id
#: the bidirectional embeddings, overrides and isolates (TX-1)
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINES = frozenset("\t\n\r")  # what a text longer than a title may hold besides


def nfc(text: str) -> str:
    """``text`` in Unicode NFC: one form for one text, whatever the keyboard composed."""
    return unicodedata.normalize("NFC", text)


def normal(value: Any) -> Any:
    """``value`` with every text in it (in its lists and mappings, at any depth) in Unicode
    NFC, so that one text is recorded, hashed and compared in one form."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, Mapping):
        return {key: normal(entry) for key, entry in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(normal(entry) for entry in value)
    return value


def _refused(char: str, lines: bool) -> bool:
    category = unicodedata.category(char)
    return (char in BIDI_CONTROLS or category == "Cs"  # a lone surrogate is no character
            or (category == "Cc" and not (lines and char in _LINES)))


def unwritable(text: str, field: tuple[str | int, ...], lines: bool = True
               ) -> Unwritable | None:
    """The refusal of ``text`` (at ``field``) if it holds a character TX-1 refuses — a line
    break or a tab too, unless ``lines`` — or ``None``."""
    found = next((char for char in text if _refused(char, lines)), None)
    if found is None:
        return None
    called = unicodedata.name(found, "a control character")
    return Unwritable(f"{TEXT_RULE} ({source_of(TEXT_RULE)}): {_path(field) or 'the text'} "
                      f"holds U+{ord(found):04X} ({called}), and a text may hold no control "
                      "or bidirectional-override character.", field)


def _path(field: tuple[str | int, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in field).lstrip(".")


def within(value: Any, most: Most, field: tuple[str | int, ...]) -> OverLimit | None:
    """The first text or list in ``value`` (at ``field``) over ``most``, or in a model it
    holds over that model's own limits; ``None`` when all are within them."""
    if isinstance(value, BaseModel):
        return over_limit(value, field)
    if isinstance(value, str):
        if len(value) <= most.chars:
            return unwritable(value, field, lines=most.chars > TITLE)
        return OverLimit(f"{_path(field)} is {len(value):,} characters long; it may be at most "
                         f"{most.chars:,} characters.", field)
    if isinstance(value, Mapping):
        value = [*value.keys(), *value.values()]
    if isinstance(value, (tuple, list, set, frozenset)):
        if len(value) > most.items:
            return OverLimit(f"{_path(field)} has {len(value):,} entries; it may have at most "
                             f"{most.items:,}.", field)
        for index, entry in enumerate(value):
            if (found := within(entry, most, (*field, index))) is not None:
                return found
    return None


def over_limit(model: BaseModel, at: tuple[str | int, ...] = ()) -> OverLimit | None:
    """The first field of ``model`` (or of a model it holds) over its limit, or ``None``."""
    for name, info in type(model).model_fields.items():
        most = next((m for m in info.metadata if isinstance(m, Most)), DEFAULT)
        if (found := within(getattr(model, name), most, (*at, name))) is not None:
            return found
    return None


def check(model: BaseModel) -> None:
    """Refuse with :class:`OverLimit` a ``model`` holding a field over its limit."""
    if (found := over_limit(model)) is not None:
        raise found


def check_size(size: int, what: str = "a step's input") -> None:
    """Refuse with :class:`TooLarge` ``what``, of ``size`` bytes as JSON, over
    :data:`STEP_BYTES`."""
    if size > STEP_BYTES:
        raise TooLarge(f"{what} is {size / 1024:,.1f} KiB as JSON; a step may carry at most "
                       f"{STEP_BYTES // 1024} KiB.")
