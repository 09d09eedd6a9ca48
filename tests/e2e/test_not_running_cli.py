"""A year whose workflow was terminated with Temporal's own client, through the command line:
``cycle status`` and ``pending`` read the ledger (the authority), with the engine up and with
it down; a step the rules would take exits 3 with the one sentence that names the repair, a
step they refuse exits 2 with its rule, a year never recorded is one line and exit 2 — and
nothing is recorded."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contracts import cycle_id
from domain.calendar import default_calendar
from scenarios.demo import demo_year
from scenarios.scripted import first_presidency, presidency, president, workplan
from tests.e2e.conftest import Dev, refused
from tests.request_files import write_request

YEAR = demo_year(datetime.now(UTC).date())  # a year whose deadlines all lie ahead: no reminders
Y = str(YEAR)
STREAM = cycle_id(YEAR)
TOKEN = re.compile(r"isx_[A-Za-z0-9_-]{43}")
SENTENCE = (f"{STREAM} is open in the ledger but its workflow is not running (terminated); "
            "`intersessional engine recover` restarts it from the ledger.")


def _not_running(dev: Dev, *args: str) -> None:
    """``intersessional *args`` exits 5 (out of step) with the sentence on stderr, recording
    nothing."""
    before = dev.head()
    done = dev.cli(*args, exit_code=5)
    assert done.stdout == ""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines == [f"not recorded: {SENTENCE}"], lines
    assert dev.head() == before


def _status(dev: Dev, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    status = json.loads(dev.cli("cycle", "status", "--year", Y, "--json").stdout)
    pending = json.loads(dev.cli("pending", "--year", Y, "--json", "--token", token).stdout)
    return status, pending


async def test_a_terminated_year_from_the_command_line(running: Dev, tmp_path: Path) -> None:
    client = await running.client()
    running.ready()
    isu, chair = (TOKEN.findall(running.cli("users", "add", name, "--role", role, *extra)
                                .stdout)[0]
                  for name, role, extra in (
                      ("Ines Moreau", "isu", ()),
                      ("Aroha Ngata", "president", ("--state", president(YEAR).represents))))
    opening = write_request(tmp_path / "opening.toml", {"carried_presidencies": [
        first_presidency(YEAR).model_dump(mode="json")]})
    running.cli("cycle", "open", "--year", Y, "--file", str(opening), "--token", isu)
    status, pending = _status(running, chair)
    assert (status["phase"], status["state"]["event_count"]) == ("election", 1)

    await client.get_workflow_handle(STREAM).terminate(reason="an operator's mistake")

    assert _status(running, chair) == (status, pending)  # the ledger's, as before
    assert {s["step"]: s["yours"] for s in pending["pending"]} == {
        "elect_coordinators": True, "designate_president": True}

    cal = default_calendar(YEAR)
    designated = write_request(tmp_path / "presidency.json", {"presidency": presidency(
        YEAR, cal.opening_msp, cal.closing_msp).model_dump(mode="json")})
    _not_running(running, "president", "designate", "--year", Y, "--file", str(designated),
                 "--token", chair)
    _not_running(running, "cycle", "open", "--year", Y, "--token", isu)
    line = refused(running, "workplan", "approve", "--yes", "--year", Y, "--hash",
                   workplan(YEAR + 1, "612000.00").content_hash(), token=chair)
    assert line.startswith("refused ISU-3 (")  # as the rules refuse it on the ledger's state
    assert refused(running, "workplan", "approve", "--yes", "--year", Y,  # no plan in the ledger
                   token=chair).startswith("refused ISU-3 (")
    unknown = refused(running, "cycle", "status", "--year", "2031", exit_code=4)
    assert unknown == ("the ledger records no 2031 cycle; `intersessional cycle open --year "
                       "2031` opens it.")
    assert [e.type for e in running.stream(STREAM)] == ["CycleOpened"]

    # with the engine down, the year still reads from the ledger; a step cannot be sent
    running.interrupt()
    assert _status(running, chair) == (status, pending)
    table = running.cli("cycle", "status", "--year", Y, env={"COLUMNS": "200"})
    assert f"the {YEAR} cycle: phase election, 1 event(s) recorded" in table.stdout
    assert "no Temporal server answers at" in refused(
        running, "president", "designate", "--year", Y, "--file", str(designated), token=chair,
        exit_code=3)
