"""The silence procedure through the command line — a documented extension (SP-1 … SP-4, later
practice, not in the seed papers) — against one running ``intersessional dev``: the President
circulates a text; a State Party's delegate breaks silence and, at the deadline, the engine
records the decision as not adopted; a second text, circulated with ``--in 15s`` and met with
silence, is adopted at its deadline. A non-State Party's delegate cannot break silence."""

from __future__ import annotations

import hashlib
import json
import re
import time
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.e2e.conftest import Dev, refused
from tests.e2e.processes import Someone, by, hold_office, register, together

OUTCOME = 30.0  # seconds after its deadline for a procedure's outcome to be recorded
#: long enough for two commands (a refusal, an objection) to be taken before it, each a
#: process of its own that spends seconds starting on a busy machine
WINDOW = "45s"  # four xdist workers on two cores: a command may take seconds to start


@pytest.fixture(scope="module")
def people(shared_dev: Dev, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Someone]:
    """The President (for New Zealand, whose presidency the record holds), and the delegates
    of Lao PDR (a State Party) and Viet Nam (not one)."""
    hold_office(shared_dev, tmp_path_factory.mktemp("office"), "NZL", [])
    chair, lao, vnm = register(shared_dev, ("Aroha Ngata", "president", "NZL"),
                               ("Khamla Vongsa", "delegate", "LAO"),
                               ("Nguyen Van An", "delegate", "VNM"))
    return {"chair": chair, "lao": lao, "vnm": vnm}


def test_the_help_says_it_is_an_extension() -> None:
    shown = CliRunner().invoke(app, ["silence", "--help"], env={"COLUMNS": "300"})
    assert shown.exit_code == 0, shown.output
    assert "a documented extension (later practice, not in the seed papers" in " ".join(
        shown.output.split())


def _outcome(dev: Dev, procedure: str, until: float) -> str:
    """The type of the event the engine records at ``procedure``'s deadline, once there."""
    while True:
        last = dev.stream(procedure)[-1].type
        if last.startswith("Decision"):
            return last
        assert time.monotonic() < until, f"{procedure}: no outcome recorded; last {last}"
        time.sleep(0.2)


def test_silence_broken_is_not_adopted_and_silence_kept_is_adopted(
        shared_dev: Dev, people: dict[str, Someone], tmp_path: Path) -> None:
    dev, chair, lao = shared_dev, people["chair"], people["lao"]
    draft = tmp_path / "draft-decision.txt"
    draft.write_text("The Meeting decides to hold the 15MSP in Geneva.\n", encoding="utf-8")
    circulated = dev.cli(*by(chair, "silence", "circulate", "--subject", "Dates of the 15MSP",
                             "--reference", "CCM/MSP/2027/SP.1", "--file", str(draft),
                             "--in", WINDOW, "--json"))
    first = json.loads(circulated.stdout)
    procedure, deadline = first["id"], datetime.fromisoformat(first["deadline"])
    assert re.fullmatch(r"silence-\d{4}-1", procedure)
    assert (first["step"], first["role"]) == ("circulate_text", "president")

    line = refused(dev, "silence", "break", "--procedure", procedure, "--objection", "no",
                   token=people["vnm"].token)
    assert line.startswith("refused SP-2 (extension): ")
    broken = dev.cli(*by(lao, "silence", "break", "--procedure", procedure, "--objection",
                         "the dates clash with the APMBC meeting"))
    assert "by Khamla Vongsa, delegate for Lao People's Democratic Republic (LAO)" in (
        broken.stdout)
    assert datetime.fromisoformat(dev.stream(procedure)[-1].occurred_at) < deadline  # in time

    second = dev.cli(*by(chair, "silence", "circulate", "--subject", "ISU budget 2028",
                         "--reference", "CCM/MSP/2027/SP.2", "--sha256", "ab" * 32,
                         "--in", "15s")).stdout.splitlines()[0]  # within WINDOW: no wait added
    assert re.fullmatch(r"silence-\d{4}-2", second)

    until = time.monotonic() + (deadline - datetime.now(deadline.tzinfo)).total_seconds()
    assert _outcome(dev, procedure, until + OUTCOME) == "DecisionNotAdopted"
    assert _outcome(dev, second, time.monotonic() + OUTCOME) == "DecisionAdoptedBySilence"

    text, adopted, listed = together(dev, ["silence", "status", "--procedure", procedure],
                                     ["silence", "status", "--procedure", second, "--json"],
                                     ["silence", "list", "--json"])
    lines = text.stdout.splitlines()
    assert lines[0] == f"{procedure}: not adopted (a documented extension: SP-1 … SP-4)"
    digest = hashlib.sha256(draft.read_bytes()).hexdigest()
    assert f"  text: CCM/MSP/2027/SP.1 (sha256 {digest}), circulation 1" in lines
    assert "  silence broken by LAO (SP-2): the dates clash with the APMBC meeting" in lines
    status = json.loads(adopted.stdout)
    assert (status["phase"], status["objections"], status["text"]["sha256"]) == (
        "adopted", [], "ab" * 32)
    assert json.loads(listed.stdout) == [
        {"id": procedure, "phase": "not_adopted", "subject": "Dates of the 15MSP"},
        {"id": second, "phase": "adopted", "subject": "ISU budget 2028"}]
    assert [e.type for e in dev.stream(procedure)] == [
        "TextCirculated", "SilenceBroken", "DecisionNotAdopted"]
    assert dev.stream(procedure)[-1].role == "engine"
