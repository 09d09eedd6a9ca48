"""HI-1: a history file follows its published format — well-formed, its own version, every
State known to the registry, every meeting and source it names defined, dates in order.

:func:`read` returns the file checked, with its lines, or the ``HistoryRefusal`` that names the
first fault and its line. The rules of the Convention are not judged here: that is the
domain's, year by year (:mod:`history.building`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from domain.convention import State
from domain.mandates import DEFAULT_MANDATES
from domain.profile import profiles
from history.format import FORMAT, HistoryFile, HistoryYear, Meeting
from history.lines import HistoryRefusal, Lines, Path, load

FORMAL = ("msp", "review_conference", "extraordinary")
MANDATES = frozenset(m.key for m in DEFAULT_MANDATES)


def _refuse(lines: Lines, path: Path, message: str) -> HistoryRefusal:
    return HistoryRefusal("HI-1", message, lines.of(path))


def _validated(data: Any, lines: Lines) -> HistoryFile:
    if not isinstance(data, dict):
        raise HistoryRefusal("HI-1", "the file holds no mapping (format, sources, meetings, "
                             "years)", lines.of(()))
    if data.get("format") != FORMAT:
        raise _refuse(lines, ("format",), f"the file is in format {data.get('format')!r}; this "
                      f"engine reads {FORMAT!r}")
    try:
        return HistoryFile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        path = tuple(first["loc"])
        where = ".".join(str(p) for p in path) or "the file"
        raise _refuse(lines, path, f"{where}: {first['msg']}") from None


def _meeting_refs(file: HistoryFile, registry: Mapping[str, State]
                  ) -> Iterator[tuple[Path, str]]:
    keys: dict[str, Meeting] = {}
    for i, m in enumerate(file.meetings):
        at: Path = ("meetings", i)
        if m.key in keys:
            yield (*at, "key"), f"the meeting key {m.key!r} is given twice"
        keys[m.key] = m
        if m.source not in file.sources:
            yield (*at, "source"), f"unknown source key {m.source!r}"
        if m.president is not None and m.president not in registry:
            yield (*at, "president"), f"unknown State {m.president!r} (not in the registry)"
        if m.designated_at is not None:
            by = keys.get(m.designated_at)
            if by is None:
                yield (*at, "designated_at"), (f"unknown meeting key {m.designated_at!r} (a "
                                               "meeting defined before this one)")
            elif by.ends >= m.opens:
                yield (*at, "designated_at"), (f"dates out of order: the {by.name} ends on "
                                               f"{by.ends}, not before the {m.name} opens")
        for j, (a, b) in enumerate(zip(m.parts, m.parts[1:], strict=False)):
            if b.first_day <= a.last_day:
                yield (*at, "parts", j + 1), (f"dates out of order: a part of the {m.name} "
                                              f"begins on {b.first_day}, before the previous "
                                              f"one ended ({a.last_day})")


def _year_refs(file: HistoryFile, i: int, y: HistoryYear, registry: Mapping[str, State]
               ) -> Iterator[tuple[Path, str]]:
    at: Path = ("years", i)
    meetings = {m.key: m for m in file.meetings}
    for field in ("opened_at", "closed_at", "intersessional_meeting"):
        key = getattr(y, field)
        if key is not None and key not in meetings:
            yield (*at, field), f"unknown meeting key {key!r}"
    opened, closed = meetings.get(y.opened_at), meetings.get(y.closed_at)
    for field, m in (("opened_at", opened), ("closed_at", closed)):
        if m is not None and m.kind not in FORMAL:
            yield (*at, field), f"the {m.name} is not a formal meeting (an MSP, a Review " \
                                "Conference or an extraordinary meeting)"
    if opened and closed and not opened.ends < closed.opens:
        yield (*at, "closed_at"), (f"dates out of order: the {closed.name} opens on "
                                   f"{closed.opens}, not after the {opened.name} ends")
    if opened and opened.opens.year != y.year - 1:
        yield (*at, "opened_at"), (f"the {y.year} cycle opens at the meeting held in "
                                   f"{y.year - 1}; the {opened.name} opens in {opened.opens.year}")
    ism = meetings.get(y.intersessional_meeting or "")
    if ism is not None and ism.kind != "intersessional":
        yield (*at, "intersessional_meeting"), f"the {ism.name} is not an intersessional meeting"
    if (y.intersessional_meeting is None) == (y.no_intersessional_meeting is None):
        yield at, ("a year names either its intersessional_meeting or "
                   "no_intersessional_meeting, not both nor neither")
    if y.profile is not None and y.profile not in profiles():
        yield (*at, "profile"), f"unknown profile {y.profile!r} ({', '.join(profiles())})"
    for key in y.mandates or {}:
        if key not in MANDATES:
            yield (*at, "mandates", key), f"unknown mandate {key!r}"
    named = [("coordinators", c) for c in y.coordinators] + [
        ("necessity", n) for n in y.necessity] + [("early_ends", e) for e in y.early_ends]
    counts: dict[str, int] = {}
    for group, item in named:
        j = counts[group] = counts.get(group, -1) + 1
        here: Path = (*at, group, j)
        if item.state not in registry:
            yield (*here, "state"), f"unknown State {item.state!r} (not in the registry)"
        if item.mandate not in MANDATES:
            yield (*here, "mandate"), f"unknown mandate {item.mandate!r}"
        if item.source not in file.sources:
            yield (*here, "source"), f"unknown source key {item.source!r}"
        elected = getattr(item, "elected_at", None)
        if elected is not None and elected not in meetings:
            yield (*here, "elected_at"), f"unknown meeting key {elected!r}"
        first, last = getattr(item, "first_year", None), getattr(item, "last_year", None)
        if first is not None and last is not None and last < first:
            yield (*here, "last_year"), "dates out of order: the term ends before it begins"
        replacement = getattr(item, "replacement", None)
        if replacement is not None and replacement not in registry:
            yield (*here, "replacement"), f"unknown State {replacement!r} (not in the registry)"
    for sub, source in (("no_intersessional_meeting", y.no_intersessional_meeting),
                        ("workplan", y.workplan)):
        if source is not None and source.source not in file.sources:
            yield (*at, sub, "source"), f"unknown source key {source.source!r}"


def read(text: str, registry: Mapping[str, State]) -> tuple[HistoryFile, Lines]:
    """The history file in ``text``, checked (HI-1), and its lines."""
    data, lines = load(text)
    file = _validated(data, lines)
    if file.profile not in profiles():
        raise _refuse(lines, ("profile",), f"unknown profile {file.profile!r}")
    for path, message in _meeting_refs(file, registry):
        raise _refuse(lines, path, message)
    years = [y.year for y in file.years]
    for i, y in enumerate(file.years):
        if i and y.year <= years[i - 1]:
            raise _refuse(lines, ("years", i, "year"), f"dates out of order: the years run "
                          f"in order, and {y.year} follows {years[i - 1]}")
        for path, message in _year_refs(file, i, y, registry):
            raise _refuse(lines, path, message)
    return file, lines
