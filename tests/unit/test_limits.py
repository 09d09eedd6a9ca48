"""The limits of :mod:`domain.limits` on the pure models: every text and every list a person
may send, in any step of any kind, has a maximum; one character (or entry) over it is refused
with one sentence naming the field and the limit, exactly at it is taken; a whole step over
256 KiB is refused by :mod:`stepping`; and what was recorded reads back whatever its size."""

from __future__ import annotations

import types
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
import pytest
from pydantic import BaseModel, ValidationError

import stepping
from domain import limits
from domain.commands import DraftWorkplan
from domain.convention import Role
from domain.events import CYCLE_EVENT, WorkplanDrafted
from domain.kinds import CYCLE, KINDS
from domain.limits import ITEMS, NAME, SENTENCE, STEP_BYTES, TEXT, TITLE, OverLimit, TooLarge
from domain.workplan import MandateLetter, WorkplanItem
from identities import Person
from identities.validation import MAX_NAME
from scenarios import scripted

HASH = "ab" * 32


def _isu() -> Person:
    return Person(id=1, name="Isabel Unit", role=Role.ISU, represents=None,
                  created_at="2026-09-07T09:00:00.000000Z", revoked_at=None)


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models an annotation holds, through unions, tuples and ``Annotated``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for inner in get_args(annotation):
        yield from _models(inner)


def _holds_text_or_list(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in (tuple, list, set, frozenset, dict):
        return True
    if origin is Annotated or origin in (Union, types.UnionType):
        return any(_holds_text_or_list(a) for a in get_args(annotation))
    return annotation is str or (isinstance(annotation, type) and issubclass(annotation, str)
                                 and not issubclass(annotation, Enum))


def _every_field() -> Iterator[tuple[str, str, Any]]:
    """(model, field, its FieldInfo) for every field of every request of every kind, and of
    every model they hold."""
    seen: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = [request for kind in KINDS
                                   for request in stepping.REQUESTS[kind].values()]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            yield model.__name__, name, info
            todo.extend(_models(info.annotation))


def test_every_text_and_list_a_person_sends_has_a_limit() -> None:
    unlimited = []
    for model, name, info in _every_field():
        declared = any(isinstance(m, limits.Most | annotated_types.MaxLen)
                       or getattr(m, "pattern", None) for m in info.metadata)
        if _holds_text_or_list(info.annotation) and not declared:
            unlimited.append(f"{model}.{name}")
    assert unlimited == []


def test_the_figures_are_stated_once() -> None:
    assert (NAME, TITLE, SENTENCE, TEXT, ITEMS) == (200, 500, 2_000, 10_000, 100)
    assert STEP_BYTES == 256 * 1024
    assert MAX_NAME == NAME  # a person's name, as identities registers it


def _plan(**item: Any) -> dict[str, Any]:
    body = scripted.workplan(2028, "612000.00").model_dump(mode="json")
    body["items"][0].update(item)
    return {"workplan": body}


CASES = [  # (kind, step, request data with a field of n characters, its path, its limit)
    ("cycle", "draft_workplan", lambda n: _plan(title="t" * n), "workplan.items[0].title", TITLE),
    ("cycle", "draft_workplan", lambda n: _plan(description="d" * n),
     "workplan.items[0].description", TEXT),
    ("cycle", "return_workplan", lambda n: {"content_hash": HASH, "reasons": "r" * n},
     "reasons", TEXT),
    ("cycle", "reject_workplan", lambda n: {"content_hash": HASH, "reason": "r" * n},
     "reason", TEXT),
    ("cycle", "hold_meeting", lambda n: {"records_reference": "r" * n}, "records_reference",
     NAME),
    ("cycle", "dispense_with_meeting", lambda n: {"decided_by": "d" * n}, "decided_by", NAME),
    ("cycle", "elect_coordinators", lambda n: {"election": {
        "msp_year": 2026, "terms": [], "necessity": [
            {"state": "CHL", "mandate": "victim_assistance", "reason": "n" * n}]}},
     "election.necessity[0].reason", TEXT),
    ("coalition", "coordinate_activity", lambda n: {"activity": {
        "reference": "ref", "kind": "bilateral", "description": "d" * n}},
     "activity.description", SENTENCE),
    ("silence", "break_silence", lambda n: {"objection": "o" * n}, "objection", SENTENCE),
]


@pytest.mark.parametrize(("kind", "step", "data", "path", "most"), CASES,
                         ids=[f"{c[1]}:{c[3]}" for c in CASES])
def test_one_character_over_a_limit_is_refused_naming_the_field_and_the_limit(
        kind: str, step: str, data: Any, path: str, most: int) -> None:
    request = stepping.REQUESTS[kind][step]
    request.model_validate(data(most))  # exactly at the limit: taken
    with pytest.raises(ValidationError) as refused:
        request.model_validate(data(most + 1))
    [error] = refused.value.errors()
    assert error["loc"][0] == path.split(".", maxsplit=1)[0].split("[", maxsplit=1)[0]
    if error["type"] == "over_limit":  # ours, on a field a recorded event may hold longer
        assert error["msg"] == (f"{path} is {most + 1:,} characters long; it may be at most "
                                f"{most:,} characters.")
    else:  # pydantic's own, on the kinds that had their limits from the start
        assert error["type"] == "string_too_long"
        assert f"at most {most} characters" in error["msg"]


def test_a_list_over_its_count_is_refused() -> None:
    request = stepping.REQUESTS["cycle"]["draft_workplan"]
    body = _plan()
    body["workplan"]["items"] = [{"title": f"item {n}", "letters": ["a"]}
                                 for n in range(ITEMS + 1)]
    with pytest.raises(ValidationError, match=r"workplan.items has 101 entries; it may have at "
                                              r"most 100\."):
        request.model_validate(body)
    body["workplan"]["items"] = body["workplan"]["items"][:ITEMS]
    request.model_validate(body)


def test_what_was_recorded_reads_back_whatever_its_length() -> None:
    """A work plan recorded before the limits existed, with a title over today's: its event
    reads back, and so does the command a workflow's history holds — the limits bind what
    people send now (stepping), never the record."""
    long = scripted.workplan(2028, "612000.00").model_copy(update={"items": (
        WorkplanItem(title="t" * (TITLE * 10), letters=(MandateLetter.A,)),)})
    event = CYCLE_EVENT.validate_python({
        "type": "WorkplanDrafted", "year": 2027, "occurred_at": datetime(2027, 3, 1, tzinfo=UTC),
        "actor": _isu().actor.model_dump(), "workplan": long.model_dump(mode="json"),
        "content_hash": long.content_hash()})
    assert isinstance(event, WorkplanDrafted)
    assert len(event.workplan.items[0].title) == TITLE * 10
    command = DraftWorkplan.model_validate({"actor": _isu().actor, "workplan": long})
    with pytest.raises(OverLimit, match=r"workplan.items\[0\].title is 5,000 characters long"):
        stepping.within_limits(command)


def test_a_request_built_around_validation_is_judged_when_its_command_is_built() -> None:
    request = stepping.REQUESTS["cycle"]["return_workplan"]
    fields: dict[str, Any] = {"content_hash": HASH, "reasons": "r" * (TEXT + 1)}
    sent = request.model_construct(**fields)
    president = Person(id=2, name="Petra", role=Role.PRESIDENT, represents="CHL",
                       created_at="2026-09-07T09:00:00.000000Z", revoked_at=None)
    with pytest.raises(OverLimit) as refused:
        stepping.command(CYCLE, "return_workplan", president, sent)
    assert refused.value.field == ("reasons",)
    assert str(refused.value) == ("reasons is 10,001 characters long; it may be at most 10,000 "
                                  "characters.")


def test_a_step_over_256_kib_is_too_large_though_every_field_is_within_its_limit() -> None:
    items = [{"title": f"item {n}", "letters": ["a"], "description": "d" * 9_000}
             for n in range(40)]
    body = _plan()
    body["workplan"]["items"] = items
    request = stepping.REQUESTS["cycle"]["draft_workplan"].model_validate(body)
    with pytest.raises(TooLarge) as refused:
        stepping.command(CYCLE, "draft_workplan", _isu(), request)
    said = str(refused.value)
    assert said.startswith("a step's input is 35")
    assert said.endswith("KiB as JSON; a step may carry at most 256 KiB.")
    body["workplan"]["items"] = items[:20]  # half of it goes
    stepping.command(CYCLE, "draft_workplan", _isu(),
                     stepping.REQUESTS["cycle"]["draft_workplan"].model_validate(body))


def test_the_limits_are_in_the_json_schema() -> None:
    schema = stepping.REQUESTS["cycle"]["draft_workplan"].model_json_schema()
    item, plan = schema["$defs"]["WorkplanItem"], schema["$defs"]["Workplan"]
    assert item["properties"]["title"]["maxLength"] == TITLE
    assert item["properties"]["letters"]["maxItems"] == ITEMS
    assert plan["properties"]["items"]["maxItems"] == ITEMS
    topics = schema["$defs"].get("AgendaSlot") or stepping.REQUESTS["cycle"][
        "convene_meeting"].model_json_schema()["$defs"]["AgendaSlot"]
    assert topics["properties"]["topics"]["items"]["maxLength"] == TITLE
    opening = stepping.REQUESTS["cycle"]["open_cycle"].model_json_schema()
    mandates = opening["properties"]["mandates"]["anyOf"]
    assert (mandates[0]["type"], mandates[0]["maxItems"]) == ("array", ITEMS)

