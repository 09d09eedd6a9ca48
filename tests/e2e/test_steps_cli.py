"""A whole year through the command line, each step a process of its own taken by a person
registered with `intersessional users add` and authenticated by their token, against one
running `intersessional dev`: the ledger records the actor and role the token names, and a
refused step — a role that never takes it, a revoked token, a step out of phase, a stale
hash, a member present who does not sit (CC-5), a term that cannot end (CO-10) — prints its
rule and records nothing."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contracts import cycle_id
from domain.calendar import default_calendar
from domain.convention import shipped_registry
from domain.cycle import fold
from domain.events import parse_event
from domain.state import CycleState
from scenarios import scripted
from scenarios.demo import demo_year
from scenarios.scripted import election, first_presidency, meeting, presidency, president, workplan
from tests.e2e.conftest import Dev, refused
from tests.request_files import write_request

YEAR = demo_year(datetime.now(UTC).date())  # a year whose deadlines all lie ahead
Y = str(YEAR)
ADDED = re.compile(r"added person (\d+):.*\ntoken: (isx_[A-Za-z0-9_-]{43})")
WIDE = {"COLUMNS": "400"}  # a table row on one line, for a person's name to be found whole
NAMES = {"isu": "Ines Moreau", "president": "Aroha Ngata", "committee_member": "Jean Roux",
         "auditor": "Ada Pruett"}


@dataclass(frozen=True)
class Someone:
    id: int
    name: str
    token: str


@pytest.fixture(scope="module")
def people(shared_dev: Dev) -> dict[str, Someone]:
    """The ISU, the President presiding in ``YEAR`` (for the State scripted.president names),
    a committee member for the ICRC (which always sits, CC-3 (e)) and an auditor."""
    represents = {"president": president(YEAR).represents, "committee_member": "ICRC"}
    found = {}
    for role, name in NAMES.items():
        state = represents.get(role)
        added = shared_dev.cli("users", "add", name, "--role", role,
                               *(["--state", state] if state else []))
        match = ADDED.search(added.stdout)
        assert match, added.stdout
        found[role] = Someone(id=int(match[1]), name=name, token=match[2])
    return found


def step(dev: Dev, someone: Someone, *args: str) -> subprocess.CompletedProcess[str]:
    done = dev.cli(*args, "--year", Y, "--token", someone.token)
    assert f"by {someone.name}" in done.stdout or '"actor"' in done.stdout, done.stdout
    return done


def test_a_revoked_or_unknown_token_is_refused(shared_dev: Dev) -> None:
    added = ADDED.search(shared_dev.cli("users", "add", "Old Hand", "--role", "committee_member",
                                        "--state", "CMC").stdout)
    assert added
    shared_dev.cli("users", "revoke", added[1])
    plan_hash = workplan(YEAR + 1, "612000.00").content_hash()
    line = refused(shared_dev, "workplan", "approve", "--yes", "--year", Y, "--hash", plan_hash,
                   token=added[2])
    assert "not authenticated: that token was revoked at" in line
    unknown = refused(shared_dev, "cycle", "open", "--year", Y,
                      env={"INTERSESSIONAL_TOKEN": "isx_" + "x" * 43})
    assert "no one holds that token" in unknown
    assert shared_dev.stream(cycle_id(YEAR)) == []


def test_a_whole_year_by_people_with_tokens(  # noqa: PLR0915 - one year, step by step
        shared_dev: Dev, people: dict[str, Someone], tmp_path: Path) -> None:
    dev, isu, chair = shared_dev, people["isu"], people["president"]
    member, auditor = people["committee_member"], people["auditor"]
    cal = default_calendar(YEAR)
    files = {
        "opening": write_request(tmp_path / "opening.toml", {"carried_presidencies": [
            first_presidency(YEAR).model_dump(mode="json")]}),
        "election": write_request(tmp_path / "election.toml", election(
            YEAR, CycleState(), shipped_registry()).model_dump(mode="json")),
        "presidency": write_request(tmp_path / "presidency.json", {"presidency": presidency(
            YEAR, cal.opening_msp, cal.closing_msp).model_dump(mode="json")}),
        "meeting": write_request(tmp_path / "meeting.json", meeting(YEAR).model_dump(
            mode="json")),
        "returned": write_request(tmp_path / "plan.toml", workplan(
            YEAR + 1, "612000.00").model_dump(mode="json")),
        "approved": write_request(tmp_path / "plan.json", {"workplan": workplan(
            YEAR + 1, "605000.00").model_dump(mode="json")}),
    }
    returned, approved = (workplan(YEAR + 1, cost).content_hash()
                          for cost in ("612000.00", "605000.00"))

    assert "ISU-2" in refused(dev, "cycle", "open", "--year", Y, token=chair.token)
    opened = step(dev, isu, "cycle", "open", "--file", str(files["opening"]))
    assert f"cycle-{YEAR}" in opened.stdout

    # refused: a role that never takes the step, and steps out of phase; nothing recorded
    line = refused(dev, "workplan", "approve", "--yes", "--year", Y, "--hash", returned,
                   token=auditor.token)
    assert line.startswith("refused ISU-3 (2MSP P")
    assert "Ada Pruett acted as auditor" in line
    assert refused(dev, "meeting", "held", "--year", Y, "--records", "ISU/IM",
                   token=isu.token).startswith("refused IM-1 (")
    assert refused(dev, "meeting", "convene", "--year", Y, "--first-day", f"{YEAR}-06-07",
                   "--last-day", f"{YEAR}-06-10", token=chair.token).startswith("refused IM-5 (")
    assert refused(dev, "workplan", "submit", "--yes", "--year", Y,  # no work plan to name yet
                   token=isu.token).startswith("refused ISU-2 (")

    mine = json.loads(dev.cli("pending", "--year", Y, "--json", "--token", chair.token).stdout)
    assert {s["step"]: s["yours"] for s in mine["pending"]} == {
        "elect_coordinators": True, "designate_president": True}
    step(dev, chair, "elect", "--file", str(files["election"]))
    step(dev, chair, "president", "designate", "--file", str(files["presidency"]))
    # CO-10: a term ended early, the rest of it served by another State; bad input refused
    # first in one sentence with the rule, nothing recorded
    bel = next(t for t in election(YEAR, CycleState(), shipped_registry()).terms
               if t.mandate == "reporting")
    ending = ("end-term", "--state", "BEL", "--mandate", "reporting", "--first-year", Y,
              "--last-year", str(bel.last_year), "--reason", "the delegation withdrew",
              "--decided-by", "the Coordination Committee", "--replacement", "FRA")
    assert refused(dev, *ending, "--year", Y, "--ended-on", f"{YEAR}-02-30",
                   token=chair.token).startswith("CO-10: the options given are not valid")
    assert refused(dev, *ending, "--year", Y, "--ended-on", f"{YEAR - 1}-12-01",
                   token=chair.token).startswith("refused CO-10 (")
    step(dev, chair, *ending, "--ended-on", f"{YEAR}-03-01")
    step(dev, chair, "meeting", "convene", "--file", str(files["meeting"]))
    step(dev, isu, "meeting", "held", "--records", f"ISU/{YEAR}/IM")

    drafted = step(dev, isu, "workplan", "draft", "--file", str(files["returned"]))
    assert f"work plan sha256 {returned}" in drafted.stdout
    assert f"work plan sha256 {returned}" in step(dev, isu, "workplan", "submit", "--yes").stdout
    # CC-5: the committee decides as a committee: a member's return alone is refused; the
    # chair records it with the members present
    assert "cannot decide for it" in refused(dev, "workplan", "return", "--yes", "--year", Y,
                                             "--reasons", "staff costs", token=member.token)
    sitting = scripted.present(fold(parse_event(e.payload) for e in dev.stream(cycle_id(YEAR))),
                               datetime.now(UTC).date())
    step(dev, chair, "workplan", "return", "--yes",
         "--reasons", "staff costs above the previous level", "--present", ",".join(sitting))
    step(dev, isu, "workplan", "draft", "--file", str(files["approved"]))
    sent = json.loads(step(dev, isu, "workplan", "submit", "--yes", "--hash", approved,
                           "--json").stdout)
    assert (sent["content_hash"], sent["actor"], sent["role"]) == (approved, isu.name, "isu")

    assert refused(dev, "workplan", "approve", "--yes", "--year", Y, "--hash",
                   returned,  # stale text
                   token=member.token).startswith("refused ISU-3 (")
    mine = json.loads(dev.cli("pending", "--year", Y, "--json", "--token", member.token).stdout)
    assert {s["step"]: s["yours"] for s in mine["pending"]} == {  # the chair's (CC-5)
        "approve_workplan": False, "return_workplan": False}
    # CC-5: the chair records the members present; a code naming no one sitting is refused
    present = scripted.present(fold(parse_event(e.payload) for e in dev.stream(cycle_id(YEAR))),
                               datetime.now(UTC).date())
    assert refused(dev, "workplan", "approve", "--yes", "--year", Y, "--present", "XYZ",
                   token=chair.token).startswith("refused CC-5 (")
    assert "(CC-5)" in refused(dev, "workplan", "approve", "--yes", "--year", Y,
                               "--present", "NOR,,UN", token=chair.token)
    took = step(dev, chair, "workplan", "approve", "--yes", "--present", ",".join(present).lower())
    assert f"work plan sha256 {approved}" in took.stdout
    assert [e.payload["present"] for e in dev.stream(cycle_id(YEAR))
            if e.type == "WorkplanApprovedByCommittee"] == [list(present)]
    step(dev, chair, "workplan", "send-to-msp", "--yes")
    adopted = json.loads(step(dev, chair, "msp", "adopt", "--yes", "--json").stdout)
    assert (adopted["content_hash"], adopted["actor"], adopted["represents"]) == (
        approved, chair.name, president(YEAR).represents)

    timeline = dev.cli("cycle", "timeline", "--year", Y, env=WIDE).stdout
    # who took each step: their role, and the State (or body) they speak for
    assert f"{chair.name} (president, {president(YEAR).represents})" in timeline
    recorded = [(e.type, e.actor, e.role) for e in dev.stream(cycle_id(YEAR))
                if e.role != "engine"]  # the engine closes the year, on its own time
    by = {"isu": (isu.name, "isu"), "president": (chair.name, "president"),
          "member": (member.name, "committee_member")}
    assert recorded == [(kind, *by[who]) for kind, who in (
        ("CycleOpened", "isu"), ("CoordinatorsElected", "president"),
        ("PresidentDesignated", "president"), ("TermEndedEarly", "president"),
        ("IntersessionalMeetingConvened", "president"),
        ("IntersessionalMeetingHeld", "isu"), ("WorkplanDrafted", "isu"),
        ("WorkplanSubmittedToCommittee", "isu"), ("WorkplanReturnedForRevision", "president"),
        ("WorkplanDrafted", "isu"), ("WorkplanSubmittedToCommittee", "isu"),
        ("WorkplanApprovedByCommittee", "president"), ("WorkplanSubmittedToMSP", "president"),
        ("WorkplanAdoptedByMSP", "president"))]
