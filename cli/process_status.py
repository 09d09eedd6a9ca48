"""How ``coalition status|list`` and ``silence status|list`` show what the ledger records: a
coalition or a silence procedure as folded by :mod:`reading.streams`, as lines or as JSON. The
standing of a coalition's two States is the one recorded when it was identified (CK-8)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape

from cli.common import console
from i18n import _
from i18n.refusals import word

if TYPE_CHECKING:
    from domain.coalition_state import CoalitionState
    from domain.convention import State
    from domain.silence import SilenceState


def _print(text: str) -> None:
    console.print(escape(text), highlight=False)


def _echo(data: Any) -> None:
    from cli.output import emit

    emit(data)


def _sides(s: CoalitionState) -> list[tuple[State, str]]:
    """The co-coordinating States with the capacity each takes part in."""
    assert s.charter is not None  # every recorded coalition begins identified
    found = [(s.affected, "affected State"), (s.partner, f"{s.charter.partner_role.value} State")]
    return [(state, capacity) for state, capacity in found if state is not None]


def coalition_json(cid: str, s: CoalitionState) -> dict[str, Any]:
    assert s.charter is not None
    return {
        "id": cid, "phase": s.phase.value, "non_state_party": s.non_state_party,
        "co_coordinators": [{"state": st.iso3, "name": st.name, "as": capacity,
                             "state_party": st.is_state_party, "agreed": st.iso3 in s.agreed}
                            for st, capacity in _sides(s)],
        "focus": [f.value for f in s.charter.focus],
        "strategy": s.strategy.model_dump(mode="json") if s.strategy else None,
        "participants": [p.model_dump(mode="json") for p in s.participants],
        "workshops": [{**w.plan.model_dump(mode="json"),
                       "outcomes": w.outcomes.model_dump(mode="json") if w.outcomes else None}
                      for w in s.workshops],
        "activities": [a.model_dump(mode="json") for a in s.activities],
        "reports": [r.model_dump(mode="json") for r in s.reports],
        "closed_because": s.closed_because, "events": s.event_count,
    }


def show_coalition(cid: str, s: CoalitionState, as_json: bool) -> None:
    if as_json:
        _echo(coalition_json(cid, s))
        return
    assert s.charter is not None
    _print(f"{cid}: {word(s.phase.value.replace('_', ' '))}")
    for st, english in _sides(s):  # the capacity in English is the JSON's; here in words
        capacity = _("affected State") if english == "affected State" else _(
            "{role} State").format(role=word(s.charter.partner_role.value))
        agreed = _("agreed") if st.iso3 in s.agreed else _("not yet agreed")
        _print(_("  co-coordinator: {name} ({code}), {capacity}: {agreed} (CK-2)").format(
            name=st.name, code=st.iso3, capacity=capacity, agreed=agreed))
    if s.non_state_party:
        _print(_("  extends to a non-State Party (CK-8)"))
    _print(_("  focus (CK-5): {focus}").format(focus=", ".join(f.value for f in s.charter.focus)))
    _print(_("  strategy (CK-3): {strategy}").format(
        strategy=f"{s.strategy.reference} (sha256 {s.strategy.sha256})" if s.strategy
        else _("none registered yet")))
    for p in s.participants:
        _print(_("  participant (CK-4): {name} ({kind})").format(
            name=p.name, kind=p.kind.value.replace("_", " ")))
    for w in s.workshops:
        o = w.outcomes
        _print(_("  workshop (CK-7): {place}, {starts} to {ends}: {outcome}").format(
            place=w.plan.place, starts=w.plan.starts, ends=w.plan.ends,
            outcome=_("planned") if o is None else _(
                "held; challenges: {challenges}; activities: {activities}; actors: {actors}; "
                "records {records}").format(
                    challenges="; ".join(o.challenges), activities="; ".join(o.activities),
                    actors="; ".join(o.actors), records=o.records_reference)))
    for a in s.activities:
        _print(_("  activity coordinated (CK-6): {reference} ({kind}): {description}").format(
            reference=a.reference, kind=a.kind.value, description=a.description))
    for r in s.reports:
        _print(_("  progress reported to the MSP of {year}: {summary}").format(
            year=r.msp_year, summary=r.summary))
    if s.closed_because is not None:
        _print(_("  closed: {why}").format(why=s.closed_because))


def show_coalitions(found: list[tuple[str, CoalitionState | None]], as_json: bool) -> None:
    listed = [(cid, s) for cid, s in found if s is not None]
    if as_json:
        _echo([{"id": cid, "phase": s.phase.value,
                "co_coordinators": list(s.co_coordinators)} for cid, s in listed])
        return
    if not listed:
        _print(_("the ledger records no coalition; `intersessional coalition open` opens one"))
    for cid, s in listed:
        sides = [f"{st.name} ({st.iso3})" for st, _capacity in _sides(s)]
        while len(sides) > 1:  # two at most: the affected State and its partner
            sides[:2] = [_("{one} with {other}").format(one=sides[0], other=sides[1])]
        _print(f"{cid}: {word(s.phase.value.replace('_', ' '))}, {''.join(sides)}")


def silence_json(pid: str, s: SilenceState) -> dict[str, Any]:
    return {"id": pid, "phase": s.phase.value, "subject": s.subject,
            "text": s.text.model_dump(mode="json") if s.text else None,
            "deadline": s.deadline.isoformat() if s.deadline else None,
            "circulation": s.circulation,
            "objections": [{"state": state, "objection": text} for state, text in s.objections],
            "events": s.event_count}


def show_silence(pid: str, s: SilenceState, as_json: bool) -> None:
    if as_json:
        _echo(silence_json(pid, s))
        return
    _print(_("{id}: {phase} (a documented extension: SP-1 … SP-4)").format(
        id=pid, phase=word(s.phase.value.replace("_", " "))))
    _print(_("  subject: {subject}").format(subject=s.subject))
    if s.text is not None:
        _print(_("  text: {reference} (sha256 {sha256}), circulation {circulation}").format(
            reference=s.text.reference, sha256=s.text.sha256, circulation=s.circulation))
    if s.deadline is not None:
        _print(_("  deadline: {deadline}").format(deadline=s.deadline.isoformat()))
    for state, text in s.objections:
        _print(_("  silence broken by {state} (SP-2): {text}").format(state=state, text=text))


def show_procedures(found: list[tuple[str, SilenceState | None]], as_json: bool) -> None:
    listed = [(pid, s) for pid, s in found if s is not None]
    if as_json:
        _echo([{"id": pid, "phase": s.phase.value, "subject": s.subject} for pid, s in listed])
        return
    if not listed:
        _print(_("the ledger records no silence procedure; `intersessional silence "
                 "circulate` begins one"))
    for pid, s in listed:
        _print(f"{pid}: {word(s.phase.value.replace('_', ' '))}, {s.subject}")
