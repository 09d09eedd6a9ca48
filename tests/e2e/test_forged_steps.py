"""Steps sent around the API and the CLI, straight to Temporal's frontend with Temporal's own
CLI, as anyone who can reach its port could: unsigned, signed by a key the deployment does not
publish, replayed from the ledger, vouching for other data or for a later moment — each refused
with its rule id, nothing recorded, and the next step taken through the entry points recorded.
Real processes: `intersessional dev`, the `temporal` binary."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import text

from attesting import Signer
from contracts import cycle_id
from domain import commands as c
from domain.convention import Actor, Role, shipped_registry
from scenarios.scripted import ISU, election, first_presidency, presidency, president
from tests.cycles import cycle_state, open_cycle, take_step
from tests.e2e.conftest import TASK_QUEUE, Dev

TEMPORAL = Path(sys.executable).parent / "temporal"
STEP = 30.0
YEAR = 2051


def temporal(dev: Dev, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TEMPORAL), *args, "--address", dev.address,
                           "--namespace", "default"], capture_output=True, text=True,
                          timeout=30, check=False)


def update(dev: Dev, name: str, command: Any) -> str:
    """``temporal workflow update execute`` of ``name`` with ``command``; what it said. It
    must fail."""
    payload = command if isinstance(command, str) else command.model_dump_json()
    done = temporal(dev, "workflow", "update", "execute", "--workflow-id", cycle_id(YEAR),
                    "--name", name, "--input", payload)
    assert done.returncode != 0, done.stdout
    return done.stdout + done.stderr


async def test_steps_sent_around_the_entry_points_are_refused(running: Dev) -> None:
    dev = running
    dev.ready()
    client = await dev.client()
    async with asyncio.timeout(STEP):
        await open_cycle(client, c.OpenCycle(year=YEAR, actor=ISU, carried_presidencies=(
            first_presidency(YEAR),)), TASK_QUEUE)
        state = await cycle_state(client, YEAR)
        await take_step(client, YEAR, c.ElectCoordinators(
            actor=president(YEAR), election=election(YEAR, state, shipped_registry())))
    head = dev.head()
    cal = state.calendar
    assert cal is not None
    designation = c.DesignatePresident(
        actor=president(YEAR), presidency=presidency(YEAR, cal.opening_msp, cal.closing_msp))
    invented = designation.model_copy(update={"actor": Actor(
        name="A. Nobody", role=Role.PRESIDENT, represents="ATL")})

    # unsigned, as the attacker of issue 19 sent it
    assert "AT-1" in update(dev, "designate_president", invented)
    # signed, but by a key the deployment does not publish
    stranger = Signer.of(dev.data_dir.parent / "stranger" / "key.pem")
    forged = stranger.attest(invented, stream=cycle_id(YEAR), step="designate_president",
                             version=2)
    assert "AT-1" in update(dev, "designate_president", forged)
    # the election's own attestation, taken from the ledger and sent again with a designation
    with dev.ledger().engine.connect() as conn:
        statement, key_id, signature = conn.execute(text(
            "SELECT a.statement, a.key_id, a.signature FROM attestations a JOIN events e "
            "ON e.event_id = a.event_id WHERE e.stream = :s AND e.version = 2"),
            {"s": cycle_id(YEAR)}).one()
    replayed = json.loads(designation.model_dump_json())
    replayed["attestation"] = {"statement": json.loads(statement), "key_id": key_id,
                               "signature": signature}
    assert "AT-2" in update(dev, "designate_president", json.dumps(replayed))
    # a true attestation of one designation, sent with another presidency
    deployment = Signer.of(dev.settings.effective_attestation_key)
    vouched = deployment.attest(designation, stream=cycle_id(YEAR),
                                step="designate_president", version=2)
    other = vouched.presidency.model_copy(update={"meeting": "an invented meeting"})
    assert "AT-2" in update(dev, "designate_president",
                            vouched.model_copy(update={"presidency": other}))
    # and a true one, for a version the stream has not reached
    ahead = deployment.attest(designation, stream=cycle_id(YEAR),
                              step="designate_president", version=5)
    assert "AT-2" in update(dev, "designate_president", ahead)
    assert dev.head() == head, "nothing was recorded"

    # a year begun straight through Temporal, as the engine, begins nothing
    started = temporal(dev, "workflow", "start", "--type", "AnnualCycle", "--task-queue",
                       TASK_QUEUE, "--workflow-id", cycle_id(YEAR + 1), "--input", json.dumps(
                           {"year": YEAR + 1, "actor": {"name": "intersessional engine",
                                                         "role": "engine"}}))
    assert started.returncode == 0, started.stderr
    failed = temporal(dev, "workflow", "result", "--workflow-id", cycle_id(YEAR + 1))
    assert "AT-1" in failed.stdout + failed.stderr
    assert dev.head() == head
    assert dev.stream(cycle_id(YEAR + 1)) == []

    async with asyncio.timeout(STEP):
        receipt = await take_step(client, YEAR, designation)
    assert receipt.version == 3
    audit = json.loads(dev.cli("audit", "verify", "--json").stdout)
    assert audit["attestations"]["problems"] == []
    assert audit["attestations"]["attested"] == 3
