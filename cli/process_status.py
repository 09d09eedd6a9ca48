"""How ``coalition status|list`` and ``silence status|list`` show what the ledger records: a
coalition or a silence procedure as folded by :mod:`reading.streams`, as lines or as JSON. The
standing of a coalition's two States is the one recorded when it was identified (CK-8)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from cli.common import console

if TYPE_CHECKING:
    from domain.coalition_state import CoalitionState
    from domain.convention import State
    from domain.silence import SilenceState


def _print(text: str) -> None:
    console.print(escape(text), highlight=False)


def _echo(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


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
    _print(f"{cid}: {s.phase.value.replace('_', ' ')}")
    for st, capacity in _sides(s):
        agreed = "agreed" if st.iso3 in s.agreed else "not yet agreed"
        _print(f"  co-coordinator: {st.name} ({st.iso3}), {capacity}: {agreed} (CK-2)")
    if s.non_state_party:
        _print("  extends to a non-State Party (CK-8)")
    _print(f"  focus (CK-5): {', '.join(f.value for f in s.charter.focus)}")
    _print("  strategy (CK-3): " + (f"{s.strategy.reference} (sha256 {s.strategy.sha256})"
                                    if s.strategy else "none registered yet"))
    for p in s.participants:
        _print(f"  participant (CK-4): {p.name} ({p.kind.value.replace('_', ' ')})")
    for w in s.workshops:
        line = f"  workshop (CK-7): {w.plan.place}, {w.plan.starts} to {w.plan.ends}: "
        o = w.outcomes
        _print(line + ("planned" if o is None else
                       f"held; challenges: {'; '.join(o.challenges)}; activities: "
                       f"{'; '.join(o.activities)}; actors: {'; '.join(o.actors)}; records "
                       f"{o.records_reference}"))
    for a in s.activities:
        _print(f"  activity coordinated (CK-6): {a.reference} ({a.kind.value}): {a.description}")
    for r in s.reports:
        _print(f"  progress reported to the MSP of {r.msp_year}: {r.summary}")
    if s.closed_because is not None:
        _print(f"  closed: {s.closed_because}")


def show_coalitions(found: list[tuple[str, CoalitionState | None]], as_json: bool) -> None:
    listed = [(cid, s) for cid, s in found if s is not None]
    if as_json:
        _echo([{"id": cid, "phase": s.phase.value,
                "co_coordinators": list(s.co_coordinators)} for cid, s in listed])
        return
    if not listed:
        _print("the ledger records no coalition; `intersessional coalition open` opens one")
    for cid, s in listed:
        sides = " with ".join(f"{st.name} ({st.iso3})" for st, _ in _sides(s))
        _print(f"{cid}: {s.phase.value.replace('_', ' ')}, {sides}")


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
    _print(f"{pid}: {s.phase.value.replace('_', ' ')} (a documented extension: SP-1 … SP-4)")
    _print(f"  subject: {s.subject}")
    if s.text is not None:
        _print(f"  text: {s.text.reference} (sha256 {s.text.sha256}), circulation "
               f"{s.circulation}")
    if s.deadline is not None:
        _print(f"  deadline: {s.deadline.isoformat()}")
    for state, text in s.objections:
        _print(f"  silence broken by {state} (SP-2): {text}")


def show_procedures(found: list[tuple[str, SilenceState | None]], as_json: bool) -> None:
    listed = [(pid, s) for pid, s in found if s is not None]
    if as_json:
        _echo([{"id": pid, "phase": s.phase.value, "subject": s.subject} for pid, s in listed])
        return
    if not listed:
        _print("the ledger records no silence procedure; `intersessional silence circulate` "
               "begins one")
    for pid, s in listed:
        _print(f"{pid}: {s.phase.value.replace('_', ' ')}, {s.subject}")
