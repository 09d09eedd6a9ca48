"""The silence procedure (an extension, SP-1 … SP-4) over HTTP, against real processes: the
President circulates two texts a few seconds ahead; a State Party's delegate breaks silence on
one (over the API, and another from the dashboard) and, after the deadline, the engine has
recorded it not adopted and the other adopted; the President withdraws the first. Every refused
mutation is answered as problem+json with nothing recorded."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from domain.convention import Role
from domain.kinds import SILENCE
from tests.api.conftest import Api
from tests.api.test_http import FAKE_TOKEN, assert_problem

STEPS = [name for name in SILENCE.commands if name != SILENCE.begins]
WAIT = 30.0  # seconds for the engine to record an outcome after its deadline
#: seconds before the deadline of the text objected to: room for the five requests taken before
#: it (each a step through the engine), on a machine busy with other tests (pytest-xdist)
WINDOW = 20.0


def text(reference: str) -> dict[str, str]:
    return {"reference": reference, "sha256": hashlib.sha256(reference.encode()).hexdigest()}


def circulation(seconds: float, subject: str = "Venue of the next MSP") -> dict[str, Any]:
    deadline = datetime.now(UTC) + timedelta(seconds=seconds)
    return {"subject": subject, "text": text(f"CCM/MSP/DEC/{subject}"),
            "deadline": deadline.isoformat()}


def circulate(api: Api, body: dict[str, Any]) -> str:
    with api.client("president") as http:
        answer = http.post("/silence", json=body)
    assert answer.status_code == 201, answer.text
    begun: dict[str, Any] = answer.json()
    assert begun["receipt"]["stream"] == begun["procedure"]
    return str(begun["procedure"])


def read(api: Api, path: str) -> Any:
    with httpx.Client(base_url=api.url, timeout=30) as http:
        answer = http.get(path)
    assert answer.status_code == 200, f"{path}: {answer.text}"
    return answer.json()


def phase_after(api: Api, procedure: str, phases: set[str]) -> dict[str, Any]:
    """The procedure once it is in one of ``phases`` (within :data:`WAIT` after the latest
    deadline this module sets, :data:`WINDOW` ahead)."""
    deadline = time.monotonic() + WINDOW + WAIT
    while True:
        found: dict[str, Any] = read(api, f"/silence/{procedure}")
        if found["phase"] in phases or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


@pytest.fixture(scope="module")
def open_procedure(process_api: Api) -> str:
    """A text under silence for an hour: what refused requests are sent to."""
    return circulate(process_api, circulation(3600, "Dates of the intersessional meeting"))


@pytest.fixture
def unchanged(process_api: Api, open_procedure: str) -> Iterator[None]:
    head = process_api.head()
    yield
    recorded = [(e.type, e.actor) for e in process_api.events(head) if e.role != Role.ENGINE]
    assert recorded == [], f"recorded by a refused request: {recorded}"


def test_silence_broken_then_not_adopted_and_silence_kept_then_adopted(process_api: Api
                                                                       ) -> None:
    api = process_api
    year = datetime.now(UTC).year
    broken = circulate(api, circulation(WINDOW, "Venue of the next MSP"))
    kept = circulate(api, circulation(3, "Budget of the ISU"))
    assert broken.startswith(f"silence-{year}-")
    assert kept.startswith(f"silence-{year}-")
    assert broken != kept
    with api.client("lao") as http:
        objected = http.post(f"/silence/{broken}/break_silence",
                             json={"objection": "Vientiane offers to host"})
        twice = http.post(f"/silence/{broken}/break_silence", json={"objection": "again"})
    assert objected.status_code == 201, objected.text
    assert objected.json()["stream"] == broken
    assert assert_problem(twice, 409, "refused")["rule_id"] == "SP-2"
    with httpx.Client(base_url=api.url) as http:  # Australia objects from the dashboard
        api.sign_in(http, "aus")
        page = http.get(f"/dashboard/silence/{broken}")
        from_page = http.post(f"/dashboard/silence/{broken}/break_silence",
                              data={"objection": "the costs are not known"})
    assert f'action="/dashboard/silence/{broken}/break_silence"' in page.text
    assert from_page.status_code == 303, from_page.text

    assert_broken_before_the_deadline(api, broken)

    adopted = phase_after(api, kept, {"adopted"})
    assert adopted["phase"] == "adopted"
    not_adopted = phase_after(api, broken, {"not_adopted"})
    assert not_adopted["phase"] == "not_adopted"
    timeline = read(api, f"/silence/{broken}/timeline")
    assert [(e["type"], e["role"]) for e in timeline] == [
        ("TextCirculated", "president"), ("SilenceBroken", "delegate"),
        ("SilenceBroken", "delegate"), ("DecisionNotAdopted", "engine")]
    assert timeline[1]["actor"] == api.people["lao"].name
    assert timeline[2]["actor"] == api.people["aus"].name
    assert "silence broken by LAO, AUS" in timeline[-1]["summary"]
    assert read(api, f"/silence/{kept}/timeline")[-1]["type"] == "DecisionAdoptedBySilence"

    head = api.head()
    with api.client("aus") as http:  # the deadline has passed
        late = http.post(f"/silence/{broken}/break_silence", json={"objection": "too late"})
    assert assert_problem(late, 409, "refused")["rule_id"] == "SP-2"
    assert [e.type for e in api.events(head) if e.role != Role.ENGINE] == []

    with api.client("president") as http:
        withdrawn = http.post(f"/silence/{broken}/withdraw_text",
                              json={"reason": "no consensus on the venue"})
    assert withdrawn.status_code == 201, withdrawn.text
    assert read(api, f"/silence/{broken}")["phase"] == "withdrawn"
    assert read(api, f"/silence/{broken}/pending") == []

    listed = {p["procedure"]: p for p in read(api, "/silence")}
    assert (listed[broken]["phase"], listed[kept]["phase"]) == ("withdrawn", "adopted")
    assert_the_dashboard_shows(api, broken, kept)


def assert_broken_before_the_deadline(api: Api, broken: str) -> None:
    under = read(api, f"/silence/{broken}")
    assert (under["phase"], under["circulation"], under["objected_by"]) == (
        "silence_broken", 1, ["LAO", "AUS"])
    assert under["objections"][0] == {"state": "LAO", "objection": "Vientiane offers to host"}
    assert under["text"] == text("CCM/MSP/DEC/Venue of the next MSP")
    assert [p["step"] for p in read(api, f"/silence/{broken}/pending")] == [
        "break_silence", "recirculate_text", "withdraw_text"]


def assert_the_dashboard_shows(api: Api, broken: str, kept: str) -> None:
    with httpx.Client(base_url=api.url) as http:
        listing = http.get("/dashboard/silence")
        page = http.get(f"/dashboard/silence/{broken}")
    assert listing.status_code == 200
    assert f'href="/dashboard/silence/{kept}"' in listing.text
    assert "Extension" in listing.text
    assert page.status_code == 200
    for shown in ("Venue of the next MSP", text("CCM/MSP/DEC/Venue of the next MSP")["sha256"],
                  "withdrawn", "Vientiane offers to host", "the costs are not known",
                  "DecisionNotAdopted", "no consensus on the venue", "Australia"):
        assert shown in page.text, shown


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("step", ["circulate_text", *STEPS])
def test_a_step_without_a_token_is_401(process_api: Api, open_procedure: str, step: str
                                       ) -> None:
    path = "/silence" if step == "circulate_text" else f"/silence/{open_procedure}/{step}"
    with httpx.Client(base_url=process_api.url) as http:
        answer = http.post(path, json=circulation(60))
        unknown = http.post(path, json={}, headers={"Authorization": f"Bearer {FAKE_TOKEN}"})
    assert_problem(answer, 401, "unauthenticated")
    assert_problem(unknown, 401, "unauthenticated")


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(("who", "step"), [
    ("isu", "circulate_text"), ("lao", "circulate_text"),
    ("president", "break_silence"), ("lao", "withdraw_text"), ("auditor", "recirculate_text"),
])
def test_a_role_that_never_takes_the_step_is_403_before_the_body(
        process_api: Api, open_procedure: str, who: str, step: str) -> None:
    path = "/silence" if step == "circulate_text" else f"/silence/{open_procedure}/{step}"
    with process_api.client(who) as http:
        answer = http.post(path, json=circulation(60))
        garbled = http.post(path, content=b"{", headers={"content-type": "application/json"})
    problem = assert_problem(answer, 403, "not-permitted")
    assert problem["rule_id"] == SILENCE.by_step[step].rule_id
    assert problem["source"] == "extension"
    assert_problem(garbled, 403, "not-permitted")


@pytest.mark.usefixtures("unchanged")
def test_steps_the_rules_refuse_are_409(process_api: Api, open_procedure: str) -> None:
    with process_api.client("president") as http:
        past = http.post("/silence", json=circulation(-60))
    with process_api.client("usa") as http:  # not a State Party
        usa = http.post(f"/silence/{open_procedure}/break_silence", json={"objection": "no"})
    assert assert_problem(past, 409, "refused")["rule_id"] == "SP-1"
    problem = assert_problem(usa, 409, "refused")
    assert problem["rule_id"] == "SP-2"
    assert "not one" in problem["detail"]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(("who", "path", "body"), [
    ("president", "/silence", {**circulation(60), "actor": {"name": "X", "role": "president"}}),
    ("president", "/silence", {**circulation(60), "deadline": "2031-01-01T00:00:00"}),
    ("president", "/silence", {"subject": "s", "text": text("t")}),
    ("lao", "{open}/break_silence", {"objection": "", "actor": {"name": "X",
                                                                "role": "delegate"}}),
    ("president", "{open}/withdraw_text", {}),
], ids=["actor", "naive-deadline", "no-deadline", "actor-and-empty", "no-reason"])
def test_a_malformed_body_is_422(process_api: Api, open_procedure: str, who: str, path: str,
                                 body: dict[str, Any]) -> None:
    with process_api.client(who) as http:
        answer = http.post(path.replace("{open}", f"/silence/{open_procedure}"), json=body)
    problem = assert_problem(answer, 422, "invalid-request")
    if "actor" in body:
        assert ["body", "actor"] in [e["loc"] for e in problem["errors"]]


@pytest.mark.usefixtures("unchanged")
def test_a_procedure_the_ledger_does_not_hold_is_404(process_api: Api) -> None:
    with process_api.client("lao") as http:
        step = http.post("/silence/silence-2026-999/break_silence", json={"objection": "no"})
        reads = [http.get(f"/silence/silence-2026-999{tail}")
                 for tail in ("", "/pending", "/timeline")]
        page = http.get("/dashboard/silence/silence-2026-999")
    for answer in (step, *reads):
        assert "silence-2026-999" in assert_problem(answer, 404, "no-such-procedure")["detail"]
    assert page.status_code == 404


def test_the_open_procedure_reads_back(process_api: Api, open_procedure: str) -> None:
    found = read(process_api, f"/silence/{open_procedure}")
    assert (found["phase"], found["subject"], found["circulation"], found["objected_by"]) == (
        "under_silence", "Dates of the intersessional meeting", 1, [])
    assert datetime.fromisoformat(found["deadline"]) > datetime.now(UTC)
    with httpx.Client(base_url=process_api.url) as http:
        doc = http.get("/openapi.json").json()
    for path, method in (("/silence", "post"), ("/silence/{procedure}/break_silence", "post"),
                         ("/silence/{procedure}", "get")):
        assert doc["paths"][path][method]["description"].startswith("**Extension**"), path


def test_a_deadline_far_beyond_a_year_is_refused_and_nothing_recorded(process_api: Api) -> None:
    """SP-1: "9999-12-31T23:59:59-23:59" (a moment UTC cannot even hold) is no silence
    between two meetings: refused with the rule, before any workflow starts."""
    head = process_api.head()
    with process_api.client("president") as http:
        answer = http.post("/silence", json={"subject": "Far away", "text": text("far"),
                                             "deadline": "9999-12-31T23:59:59-23:59"})
    assert answer.status_code == 409, answer.text
    assert answer.json()["rule_id"] == "SP-1"
    assert "more than a year" in answer.json()["detail"]
    assert process_api.head() == head
