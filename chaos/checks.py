"""What every experiment asserts at its end, and the line it prints.

From the ledger: every driven year closed with its work plan adopted and the next year's
opening recorded; exactly one event per state change (each stream's events counted by type
against the driver's plan; an engine reminder or missed deadline at most once per deadline; the
next year opened once). From the audit's own commands, run as an operator runs them:
``intersessional audit verify`` (every chain and signed checkpoint) and ``intersessional audit
cross-check`` (the ledger against Temporal's histories) must both exit 0.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from temporalio.client import Client

from chaos.diagnosis import status
from chaos.driver import ENGINE_ONLY, Year, expected, next_step
from chaos.processes import Engine
from contracts import cycle_id


@dataclass
class Figures:
    """One experiment's figures, and every reason it failed."""

    name: str
    years: int
    completed: int = 0
    kills: int = 0
    duplicates: int = 0
    verified: bool = False
    cross_checked: bool = False
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (not self.problems and self.completed == self.years and not self.duplicates
                and self.verified and self.cross_checked)

    def line(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        text = (f"{self.name}: {verdict} {self.completed}/{self.years} years completed, "
                f"{self.kills} kills, {self.duplicates} duplicates, chain "
                f"{'verified' if self.verified else 'NOT verified'}, cross-check "
                f"{'clean' if self.cross_checked else 'NOT clean'}, {self.seconds:.1f} s")
        details = [*self.notes, *self.problems]
        return text + "".join(f"\n    {d}" for d in details)


def duplicates(engine: Engine, ys: list[Year]) -> list[str]:
    """Every event recorded more often than the driver's plan (or the engine) says."""
    found = []
    for y in ys:
        recorded = engine.ledger().read_stream(cycle_id(y.year))
        counts = Counter(e.type for e in recorded if e.type not in ENGINE_ONLY)
        for kind, n in (counts - expected(y.steps)).items():
            found += [f"{y.year}: {kind} recorded {counts[kind]} times"] * n
        per_deadline = Counter((e.type, e.payload.get("deadline")) for e in recorded
                               if e.type in ENGINE_ONLY)
        found += [f"{y.year}: {kind} for {deadline} {n} times"
                  for (kind, deadline), n in per_deadline.items() if n > 1]
        opened = sum(e.type == "CycleOpened"
                     for e in engine.ledger().read_stream(cycle_id(y.year + 1)))
        found += [f"{y.year + 1}: CycleOpened recorded {opened} times"] * max(opened - 1, 0)
    return found


async def wedged(client: Client | None, ys: list[Year], engine: Engine | None = None
                 ) -> list[str]:
    """Each year that did not complete: where its driver stood, its workflow's status and
    its last error, and the engine's last log lines about its stream (a CI run keeps no
    files: what is not said here is lost)."""
    out = []
    for y in ys:
        if y.done:
            continue
        recorded = engine.ledger().read_stream(cycle_id(y.year)) if engine else []
        at = next_step(y.steps, recorded)
        where = f"at {at.step}" if at else "waiting for the close"
        state = await status(client, y.year) if client else "Temporal unreachable"
        out.append(f"wedged {y.year} ({where}, {len(recorded)} events; gave up: {y.gave_up}; "
                   f"{state}; {y.sent} updates sent, {y.errors} errors): last error "
                   f"{y.last_error or 'none seen by the driver'}")
        out += [f"  {line}" for line in _logged(engine, cycle_id(y.year))] if engine else []
    return out


def _logged(engine: Engine, stream: str, most: int = 6) -> list[str]:
    """The engine processes' last ``most`` log lines that name ``stream``, each cut to 300
    characters and headed by its log's name."""
    lines = [f"{process.log.name}: {line[:300]}" for process in engine.processes
             for line in process.output().splitlines() if stream in line]
    return lines[-most:]


def audit_verify(engine: Engine) -> tuple[bool, str]:
    ran = engine.cli("audit", "verify", "--json")
    if ran.returncode != 0:
        return False, f"audit verify exited {ran.returncode}: {(ran.stdout + ran.stderr)[-400:]}"
    return True, ""


def audit_cross_check(engine: Engine) -> tuple[bool, list[str]]:
    """Whether ``audit cross-check`` agrees; else each difference it named, one line each."""
    ran = engine.cli("audit", "cross-check", "--json")
    try:
        result = json.loads(ran.stdout)
    except json.JSONDecodeError:
        return False, [f"audit cross-check exited {ran.returncode}: "
                       f"{(ran.stdout + ran.stderr).strip()[-400:]}"]
    said = [f"{d['kind']} in {d['workflow_id']}: {d['detail'][:160]}"
            for d in result.get("differences", [])]
    return ran.returncode == 0 and bool(result.get("agrees")), said


async def conclude(figures: Figures, engine: Engine, client: Client | None,
                   ys: list[Year]) -> None:
    """Fill in the figures every experiment reports (Temporal must still be running for the
    cross-check)."""
    figures.completed = sum(y.done for y in ys)
    figures.problems += await wedged(client, ys, engine)
    found = duplicates(engine, ys)
    figures.duplicates = len(found)
    figures.problems += [f"duplicate: {d}" for d in found]
    figures.verified, why = audit_verify(engine)
    if why:
        figures.problems.append(why)
    figures.cross_checked, differences = audit_cross_check(engine)
    figures.problems += [f"cross-check: {d}" for d in differences[:10]]
    if len(differences) > 10:
        figures.problems.append(f"cross-check: … and {len(differences) - 10} more")
