"""The history file, version 1 (``intersessional-history/1``): strict, no unknown fields.

Its JSON Schema is generated from these models (``intersessional history schema``, published as
``docs/history.schema.json``). Dates are YAML dates (``2011-09-13``), States alpha-3 codes, and
every meeting, coordinator and decision names the source document (a key of ``sources``) that
records it. Cross-references (known States, meetings and sources, dates in order) are
:mod:`history.checks`'s.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain.conferences import MeetingPart
from domain.limits import Name, Text, Title

FORMAT: Final = "intersessional-history/1"
#: the profile a year is judged by unless the file or the year names another
DEFAULT_PROFILE: Final = "ccm-practice"

Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=100)]
ISO3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Year = Annotated[int, Field(ge=1900, le=2999)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Source(_Strict):
    """A document cited, as it is titled; its UN symbol and where it was read, where known."""

    title: Title = Field(min_length=1)
    symbol: Name | None = None
    url: Title | None = None


class Part(MeetingPart):  # the domain's part (its days in order), read strictly
    """One part of a meeting: its days (inclusive) and where it sat."""

    model_config = _Strict.model_config

    venue: Name = Field(min_length=1)


class Meeting(_Strict):
    """A Meeting of States Parties, a Review Conference, an extraordinary or an intersessional
    meeting; its President (none for an intersessional meeting) and who designated them."""

    key: Key
    kind: Literal["msp", "review_conference", "extraordinary", "intersessional"]
    name: Title = Field(min_length=1)
    president: ISO3 | None = None
    designated_at: Key | None = None
    #: the day its President took office, where the record says it was not the meeting's
    #: opening (the Netherlands presided from 1 January 2016, before the 6MSP)
    presides_from: date | None = None
    parts: list[Part] = Field(min_length=1, max_length=10)
    source: Key

    @property
    def opens(self) -> date:
        return self.parts[0].first_day

    @property
    def ends(self) -> date:
        return self.parts[-1].last_day


class Coordinator(_Strict):
    """One coordinator serving in the year, with the meeting that elected or appointed them."""

    state: ISO3
    mandate: Name
    #: the meeting that elected or appointed them (``null``: the record does not say)
    elected_at: Key | None = None
    #: the term's years as the source gives them (``null``: not given; such a coordinator is
    #: kept in the file, and a year that needs the term's years is refused with its line)
    first_year: Year | None = None
    last_year: Year | None = None
    source: Key
    note: Text = ""


class NoMeeting(_Strict):
    """The year held no intersessional meeting: who decided so (IM-8)."""

    decided_by: Name = Field(min_length=1)
    source: Key


class WorkplanRecord(_Strict):
    """The ISU's work plan and budget, known by its document (not recorded as events)."""

    approved_by_committee: date | None = None
    adopted_at: Key | None = None
    source: Key


class EarlyEnd(_Strict):
    """A coordinator who left before the end of the term (CO-10), and who took the rest."""

    state: ISO3
    mandate: Name
    ends_on: date
    reason: Text = Field(min_length=1)
    replacement: ISO3 | None = None
    decided_by: Name | None = None
    source: Key


class Necessity(_Strict):
    """CO-7's "unless necessary", as the meeting recorded it."""

    state: ISO3
    mandate: Name
    reason: Text = Field(min_length=1)
    source: Key


class MandateRule(_Strict):
    """A mandate's term as the year ran it (CO-4; later practice: one year, renewable)."""

    term_years: int = Field(default=2, ge=1, le=10)
    renewable: bool = False


class HistoryYear(_Strict):
    """The cycle of ``year``: from the meeting held in ``year − 1`` to the one held in
    ``year``."""

    year: Year
    profile: Name | None = None
    opened_at: Key
    closed_at: Key
    mandates: dict[Name, MandateRule] | None = None
    coordinators: list[Coordinator] = Field(default_factory=list, max_length=100)
    necessity: list[Necessity] = Field(default_factory=list, max_length=100)
    intersessional_meeting: Key | None = None
    no_intersessional_meeting: NoMeeting | None = None
    workplan: WorkplanRecord | None = None
    early_ends: list[EarlyEnd] = Field(default_factory=list, max_length=100)
    committee_practice: Text | None = None
    #: why the year's record is incomplete: its coordinators are then those the sources name
    #: serving this cycle (``first_year`` = ``last_year`` = the year), recorded as such and
    #: judged on CO-1 and the seats only (``domain.election_rules.validate_recorded_slate``)
    incomplete: Text | None = None


class HistoryFile(_Strict):
    """A history file: its format, the documents it cites, the meetings and the years."""

    format: Literal["intersessional-history/1"]
    title: Title = ""
    profile: Name = DEFAULT_PROFILE
    sources: dict[Key, Source]
    meetings: list[Meeting] = Field(max_length=1000)
    years: list[HistoryYear] = Field(max_length=1000)


def schema() -> dict[str, Any]:
    """The format's JSON Schema (what ``docs/history.schema.json`` publishes)."""
    found = HistoryFile.model_json_schema()
    found["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    found["$id"] = "https://intersessional.example/history.schema.json"
    return found


def schema_text() -> str:
    """The JSON Schema as the published file holds it (sorted, indented, one final newline)."""
    return json.dumps(schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
