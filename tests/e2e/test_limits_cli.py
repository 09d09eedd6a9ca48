"""The limits through the command line, against a running ``intersessional dev``: a step's
file over 1 MiB, a work-plan title over its limit, reasons over theirs and a step over 256 KiB
each exit 2 with one sentence naming the limit; nothing is recorded, and the next valid step of
the year is."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from contracts import cycle_id
from domain.calendar import default_calendar
from domain.convention import shipped_registry
from domain.cycle import fold
from domain.events import parse_event
from domain.limits import REQUEST_BYTES, TEXT, TITLE
from domain.state import CycleState
from scenarios import scripted
from scenarios.demo import demo_year
from scenarios.scripted import election, first_presidency, meeting, presidency, president, workplan
from tests.e2e.conftest import Dev, refused
from tests.request_files import write_request

YEAR = demo_year(datetime.now(UTC).date()) + 1  # its own year: test_steps_cli takes the demo's
Y = str(YEAR)
ADDED = re.compile(r"token: (isx_[A-Za-z0-9_-]{43})")


def _token(dev: Dev, name: str, role: str, state: str | None = None) -> str:
    added = dev.cli("users", "add", name, "--role", role, *(["--state", state] if state else []))
    match = ADDED.search(added.stdout)
    assert match, added.stdout
    return match[1]


@pytest.fixture(scope="module")
def tokens(shared_dev: Dev, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The ISU and the President of ``YEAR``, and the year taken up to its first draft."""
    dev = shared_dev
    found = {"isu": _token(dev, "Ines Moreau", "isu"),
             "president": _token(dev, "Aroha Ngata", "president", president(YEAR).represents)}
    here = tmp_path_factory.mktemp("files")
    cal = default_calendar(YEAR)
    files = {
        "opening": write_request(here / "opening.json", {"carried_presidencies": [
            first_presidency(YEAR).model_dump(mode="json")]}),
        "election": write_request(here / "election.json", election(
            YEAR, CycleState(), shipped_registry()).model_dump(mode="json")),
        "presidency": write_request(here / "presidency.json", {"presidency": presidency(
            YEAR, cal.opening_msp, cal.closing_msp).model_dump(mode="json")}),
        "meeting": write_request(here / "meeting.json", meeting(YEAR).model_dump(mode="json")),
        "plan": write_request(here / "plan.json", workplan(YEAR + 1, "612000.00").model_dump(
            mode="json")),
    }
    for who, *args in (("isu", "cycle", "open", "--file", files["opening"]),
                       ("president", "elect", "--file", files["election"]),
                       ("president", "president", "designate", "--file", files["presidency"]),
                       ("president", "meeting", "convene", "--file", files["meeting"]),
                       ("isu", "meeting", "held", "--records", f"ISU/{YEAR}/IM"),
                       ("isu", "workplan", "draft", "--file", files["plan"])):
        dev.cli(*map(str, args), "--year", Y, "--token", found[who])
    return found


def _plan_file(path: Path, **item: Any) -> Path:
    body = workplan(YEAR + 1, "612000.00").model_dump(mode="json")
    body["items"][0].update(item)
    path.write_text(json.dumps({"workplan": body}), encoding="utf-8")
    return path


def _events(dev: Dev) -> list[str]:
    return [e.type for e in dev.stream(cycle_id(YEAR)) if e.role != "engine"]


def test_a_draft_over_a_limit_is_one_sentence_and_the_next_draft_is_recorded(
        shared_dev: Dev, tokens: dict[str, str], tmp_path: Path) -> None:
    dev, isu = shared_dev, tokens["isu"]
    before = _events(dev)

    huge = _plan_file(tmp_path / "huge.json", title="t" * 3_000_000)
    line = refused(dev, "workplan", "draft", "--year", Y, "--file", str(huge), token=isu)
    assert line == (f"{huge} is {huge.stat().st_size:,} bytes; a step's file may be at most "
                    f"1 MiB ({REQUEST_BYTES:,} bytes).")

    long = _plan_file(tmp_path / "long.json", title="t" * (TITLE + 1))
    line = refused(dev, "workplan", "draft", "--year", Y, "--file", str(long), token=isu)
    assert line == (f"{long} is not valid for drafting the work plan and budget: "
                    f"workplan.items[0].title is {TITLE + 1} characters long; it may be at most "
                    f"{TITLE} characters.")

    heavy = tmp_path / "heavy.json"  # every field within its limit, the whole over 256 KiB
    body = workplan(YEAR + 1, "612000.00").model_dump(mode="json")
    body["items"] = [{"title": f"item {n}", "letters": ["a"], "description": "d" * 9_000}
                     for n in range(40)]
    heavy.write_text(json.dumps({"workplan": body}), encoding="utf-8")
    line = refused(dev, "workplan", "draft", "--year", Y, "--file", str(heavy), token=isu)
    assert line.startswith("not sent: a step's input is ")
    assert line.endswith("KiB as JSON; a step may carry at most 256 KiB.")

    assert _events(dev) == before
    redraft = _plan_file(tmp_path / "redraft.json", title="Prepare the meeting, again")
    dev.cli("workplan", "draft", "--year", Y, "--file", str(redraft), "--token", isu)
    assert _events(dev) == [*before, "WorkplanDrafted"]


def test_reasons_over_their_limit_are_one_sentence_and_the_return_is_then_recorded(
        shared_dev: Dev, tokens: dict[str, str]) -> None:
    dev = shared_dev
    dev.cli("workplan", "submit", "--yes", "--year", Y, "--token", tokens["isu"])
    before = _events(dev)
    line = refused(dev, "workplan", "return", "--yes", "--year", Y, "--reasons", "r" * (TEXT + 1),
                   token=tokens["president"])
    assert line.endswith(f"--reasons: reasons is {TEXT + 1:,} characters long; it may be at "
                         f"most {TEXT:,} characters.")
    assert _events(dev) == before
    state = fold(parse_event(e.payload) for e in dev.stream(cycle_id(YEAR)))
    sitting = ",".join(scripted.present(state, datetime.now(UTC).date()))  # CC-5
    dev.cli("workplan", "return", "--yes", "--year", Y, "--reasons", "staff costs above last year",
            "--present", sitting, "--token", tokens["president"])
    assert _events(dev) == [*before, "WorkplanReturnedForRevision"]
