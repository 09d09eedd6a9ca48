"""Real processes for the HTTP API: ``intersessional dev`` (the e2e :class:`Dev`, reused) and a
uvicorn process serving ``api.app:create_app`` against it, with the people of one year
registered in the ledger's database and their tokens at hand.

One engine and one server per test module (starting both takes a few seconds); teardown stops
both, whatever the tests did.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from contracts import cycle_id
from domain.commands import OpenCycle
from domain.convention import shipped_registry
from domain.decide import opening
from domain.elections import Term
from domain.state import CycleState
from identities import People, Person
from ledger import Ledger, NewEvent, StoredEvent, create_ledger_engine, upgrade
from scenarios import scripted
from scenarios.scripted import election, first_presidency, meeting, presidency, president, workplan
from tests.e2e.conftest import STARTUP, Dev, group_alive
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2027
STEP = 30.0  # seconds for one request that takes a step
#: who is registered: key -> (name, role, represents)
PEOPLE = {
    "isu": ("Isabel Unit", "isu", None),
    "president": ("Petra Presidenta", "president", president(YEAR).represents),
    "auditor": ("Aldo Auditor", "auditor", None),
    "coordinator": ("Chloé Coordinator", "coordinator", "CHL"),
    "revoked": ("Rémi Revoked", "president", president(YEAR).represents),
}
#: who takes the steps of a country coalition or a silence procedure (:func:`process_api`)
PROCESS_PEOPLE = {
    "committee": ("Ana Díaz", "committee_member", "IRQ"),
    "lao": ("Khamphone Sivongsa", "delegate", "LAO"),
    "aus": ("Jane Carter", "delegate", "AUS"),
    "usa": ("Sam Lee", "delegate", "USA"),  # a State that is not a party (SP-2)
}


@dataclass
class Api:
    """The dev engine, the API server on ``port``, and the tokens of :data:`PEOPLE`."""

    dev: Dev
    port: int
    tokens: dict[str, str] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, who: str | None = None) -> httpx.Client:
        """An HTTP client of the server, with the bearer token of ``who``, if given."""
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=STEP)

    def sign_in(self, http: httpx.Client, who: str) -> None:
        """Sign ``who`` in to the dashboard with their token: ``http`` holds the session's
        cookie from then on."""
        answer = http.post(f"{self.url}/signin", data={"token": self.tokens[who], "next": "/"})
        assert answer.status_code == 303, answer.text
        assert http.cookies.get("intersessional_session")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log else ""

    def start(self) -> None:
        """uvicorn serving the app factory, with the dev engine's INTERSESSIONAL_* settings."""
        self.log = self.dev.data_dir.parent / "api.log"
        self._log = self.log.open("wb")
        env = {**self.dev.env, "INTERSESSIONAL_API_PORT": str(self.port)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self) -> None:
        """Until ``/health`` answers 200 (Temporal and the ledger) and the dev process has
        started its worker (after migrating the ledger, ``people`` included)."""
        assert self.process is not None
        deadline = time.monotonic() + STARTUP
        while True:
            for process, name, out in ((self.process, "the API server", self.output),
                                       (self.dev.process, "intersessional dev",
                                        self.dev.output)):
                if process.poll() is not None:
                    pytest.fail(f"{name} exited with {process.returncode}:\n{out()}")
            with contextlib.suppress(httpx.TransportError):
                if (httpx.get(f"{self.url}/health", timeout=2).status_code == 200
                        and "worker_started" in self.dev.output()):
                    return
            if time.monotonic() > deadline:
                pytest.fail(f"the API was not ready within {STARTUP:.0f} s:\n{self.output()}\n"
                            f"{self.dev.output()}")
            time.sleep(0.1)

    def register(self, who: Mapping[str, tuple[str, str, str | None]] = PEOPLE) -> None:
        """Register ``who`` (:data:`PEOPLE`) in the ledger's database; revoke ``revoked``."""
        engine = create_ledger_engine(self.dev.settings.effective_ledger_url)
        try:
            people = People(engine)
            for key, (name, role, represents) in who.items():
                self.people[key], self.tokens[key] = people.add(name, role, represents)
            if "revoked" in who:
                people.revoke(self.people["revoked"].id)
        finally:
            engine.dispose()

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=10)
            if group_alive(self.process.pid):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        if self._log:
            self._log.close()

    def events(self, after: int = 0) -> list[StoredEvent]:
        """Every event the ledger holds after position ``after``."""
        ledger = Ledger(create_ledger_engine(self.dev.settings.effective_ledger_url))
        try:
            return ledger.read_after(after, limit=100_000)
        finally:
            ledger.engine.dispose()

    def head(self) -> int:
        ledger = Ledger(create_ledger_engine(self.dev.settings.effective_ledger_url))
        try:
            return ledger.head()
        finally:
            ledger.engine.dispose()

    def state(self, year: int = YEAR) -> CycleState:
        with self.client() as http:
            answer = http.get(f"/cycles/{year}")
        assert answer.status_code == 200, answer.text
        return CycleState.model_validate(answer.json()["state"])

    def present(self, year: int = YEAR) -> list[str]:
        """The members sitting today, as the chair records them present (CC-5)."""
        return list(scripted.present(self.state(year), datetime.now(UTC).date()))

    def step(self, who: str, step: str, body: dict[str, Any], year: int = YEAR
             ) -> dict[str, Any]:
        """``who`` takes ``step`` over HTTP; it must be recorded (201, a receipt)."""
        with self.client(who) as http:
            answer = http.post(f"/cycles/{year}/{step}", json=body)
        assert answer.status_code == 201, f"{step}: {answer.status_code} {answer.text}"
        receipt: dict[str, Any] = answer.json()
        assert receipt["stream"] == cycle_id(year)
        return receipt


def to_the_committee(api: Api, year: int = YEAR) -> str:
    """Over HTTP, with the scripted year's data: the ISU opens ``year``, the President records
    the election and the designation and convenes the meeting, the ISU records it held, drafts
    the work plan and submits it to the Coordination Committee. The plan's content hash."""
    with api.client("isu") as http:
        opened = http.post("/cycles", json={"year": year, "carried_presidencies": [
            first_presidency(year).model_dump(mode="json")]})
    assert opened.status_code == 201, opened.text
    state = api.state(year)
    cal = state.calendar
    assert cal is not None
    api.step("president", "elect_coordinators", {
        "election": election(year, state, shipped_registry()).model_dump(mode="json")}, year)
    api.step("president", "designate_president", {"presidency": presidency(
        year, cal.opening_msp, cal.closing_msp).model_dump(mode="json")}, year)
    api.step("president", "convene_meeting",
             {"meeting": meeting(year).model_dump(mode="json")}, year)
    api.step("isu", "hold_meeting", {"records_reference": f"ISU/{year}/IM"}, year)
    plan = workplan(year + 1, "612000.00")
    api.step("isu", "draft_workplan", {"workplan": plan.model_dump(mode="json")}, year)
    api.step("isu", "submit_workplan_to_committee", {"content_hash": plan.content_hash()}, year)
    return plan.content_hash()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """``intersessional dev`` and the API server, both running, with :data:`PEOPLE`."""
    base = tmp_path_factory.mktemp("api")
    dev = Dev(data_dir=base / "data", temporal_port=free_port(), ui_port=free_port())
    server = Api(dev=dev, port=free_port())
    try:
        dev.start()
        server.start()
        server.wait_ready()
        server.register()
        yield server
    finally:
        server.stop()
        dev.kill()


@pytest.fixture(scope="module")
def process_api(api: Api) -> Api:
    """The API with :data:`PROCESS_PEOPLE` registered too: a committee member, and the
    delegates of Lao PDR, Australia and the United States."""
    api.register(PROCESS_PEOPLE)
    hold_office(api)
    return api


#: what the first year the engine keeps carries in for :data:`PROCESS_PEOPLE`: IRQ's term as a
#: coordinator of cooperation and assistance, elected at the MSP of YEAR − 2 (on the committee)
IRQ_TERM = Term(state="IRQ", mandate="cooperation-assistance", first_year=YEAR - 1,
                last_year=YEAR)


def hold_office(api: Api) -> None:
    """The ISU opens YEAR with the presidency in office (the President's State) and IRQ's term
    carried in: the record a coalition's and a silence procedure's steps are judged on."""
    with api.client("isu") as http:
        opened = http.post("/cycles", json={"year": YEAR, "carried_presidencies": [
            first_presidency(YEAR).model_dump(mode="json")], "carried_terms": [
            IRQ_TERM.model_dump(mode="json")]})
    assert opened.status_code == 201, opened.text


@contextlib.contextmanager
def engineless(base: Path) -> Iterator[Api]:
    """An API server whose engine is not running (Dev never started), the ledger migrated and
    holding the opening of the :data:`YEAR` cycle with the presidency in office,
    :data:`PEOPLE` registered."""
    dev = Dev(data_dir=base / "data", temporal_port=free_port(), ui_port=free_port())
    dev.data_dir.mkdir(parents=True)
    engine = create_ledger_engine(dev.settings.effective_ledger_url)
    upgrade(engine)
    # the presidency in office carried in, as the workflow's opening carries it
    opened = opening(OpenCycle(year=YEAR, actor=scripted.ISU), (), (first_presidency(YEAR),),
                     datetime.now(UTC))
    Ledger(engine).append(cycle_id(YEAR), [NewEvent(
        event_id=uuid.uuid4(), type=opened.type, schema_version=opened.schema_version,
        payload=opened.model_dump(mode="json"), actor=opened.actor.name,
        role=opened.actor.role.value, occurred_at=opened.occurred_at)], 0)
    engine.dispose()
    server = Api(dev=dev, port=free_port())
    server.register()
    server.start()
    try:
        deadline = time.monotonic() + STARTUP
        while True:
            with contextlib.suppress(httpx.TransportError):
                httpx.get(f"{server.url}/openapi.json", timeout=2).raise_for_status()
                break
            assert server.process is not None
            assert server.process.poll() is None, server.output()
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.1)
        yield server
    finally:
        server.stop()
