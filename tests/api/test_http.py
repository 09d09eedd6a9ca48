"""The HTTP API against real processes: ``intersessional dev`` and a uvicorn server, driven with
httpx. A year is taken to the Coordination Committee over HTTP with the scripted year's data;
then every mutation is tried without a token, with a bad or revoked one, by a role that never
takes it, by an auditor, with a malformed body and in the wrong phase — and each is refused as
problem+json with nothing recorded, read back from the ledger."""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from temporalio.client import WorkflowExecutionStatus

from contracts import cycle_id
from domain.commands import COMMANDS
from domain.convention import Role
from domain.kinds import CYCLE
from domain.steps import BY_STEP, Step
from stepping import REQUESTS as ALL_REQUESTS
from tests.api.conftest import YEAR, Api, to_the_committee

REQUESTS = ALL_REQUESTS[CYCLE.name]

PROBLEM = "application/problem+json"
FAKE_TOKEN = "isx_" + "A" * 43  # well-formed, held by no one


@pytest.fixture(scope="module")
def plan_hash(api: Api) -> str:
    """The year at the committee: the content hash of the work plan before it."""
    return to_the_committee(api)


@pytest.fixture
def unchanged(api: Api, plan_hash: str) -> Iterator[None]:
    """The test records nothing: after it, the ledger holds no new event but the engine's own
    (a reminder or a missed deadline, which depend on today's date)."""
    head = api.head()
    yield
    recorded = [(e.type, e.actor, e.role) for e in api.events(head) if e.role != Role.ENGINE]
    assert recorded == [], f"recorded by a refused request: {recorded}"


def valid_body(step: Step, plan_hash: str) -> dict[str, Any]:
    """A body the step's request model accepts (whether the rules would is another matter)."""
    if step is Step.OPEN_CYCLE:
        return {"year": YEAR + 1}
    fields = REQUESTS[step].model_fields
    if "content_hash" in fields:
        return {"content_hash": plan_hash, **{name: [] if name == "present" else "reasons given"
                                              for name in fields if name != "content_hash"}}
    if step is Step.HOLD_MEETING:
        return {"records_reference": "ISU/2027/IM"}
    if step is Step.DISPENSE_WITH_MEETING:
        return {"decided_by": "decision of the MSP"}
    return {}  # the rest need a model: an empty body gets as far as it can


def path_of(step: Step, year: int = YEAR) -> str:
    return "/cycles" if step is Step.OPEN_CYCLE else f"/cycles/{year}/{step.value}"


def allowed(step: Step) -> str:
    return "isu" if Role.ISU in BY_STEP[step].roles else "president"


def not_allowed(step: Step) -> str:
    roles = BY_STEP[step].roles
    return next(w for w, r in (("isu", Role.ISU), ("president", Role.PRESIDENT),
                               ("coordinator", Role.COORDINATOR)) if r not in roles)


MUTATIONS = [Step.OPEN_CYCLE, *COMMANDS]


def assert_problem(answer: httpx.Response, status: int, kind: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    body: dict[str, Any] = answer.json()
    assert body["status"] == status
    assert body["type"] == f"/problems/{kind}"
    assert body["title"]
    assert body["detail"]
    return body


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("step", MUTATIONS, ids=str)
@pytest.mark.parametrize("header", [None, f"Bearer {FAKE_TOKEN}", "Bearer not-a-token",
                                    "Basic dXNlcjpwYXNz", "Bearer"],
                         ids=["no-token", "unknown-token", "malformed-token", "basic", "empty"])
def test_a_mutation_without_a_valid_token_is_401(api: Api, plan_hash: str, step: Step,
                                                 header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    with httpx.Client(base_url=api.url, timeout=30) as http:
        answer = http.post(path_of(step), json=valid_body(step, plan_hash), headers=headers)
    body = assert_problem(answer, 401, "unauthenticated")
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert FAKE_TOKEN not in body["detail"]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("step", MUTATIONS, ids=str)
def test_a_revoked_token_is_401(api: Api, plan_hash: str, step: Step) -> None:
    with api.client("revoked") as http:
        answer = http.post(path_of(step), json=valid_body(step, plan_hash))
    assert "revoked" in assert_problem(answer, 401, "unauthenticated")["detail"]
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("step", MUTATIONS, ids=str)
@pytest.mark.parametrize("who", ["wrong-role", "auditor"])
def test_a_role_that_never_takes_the_step_is_403(api: Api, plan_hash: str, step: Step,
                                                 who: str) -> None:
    person = "auditor" if who == "auditor" else not_allowed(step)
    with api.client(person) as http:
        answer = http.post(path_of(step), json=valid_body(step, plan_hash))
        garbled = http.post(path_of(step), content=b'{"content_hash": ',
                            headers={"content-type": "application/json"})
    body = assert_problem(answer, 403, "not-permitted")
    assert body["rule_id"] == BY_STEP[step].rule_id
    assert body["source"]
    assert body["detail"].startswith(f"{body['rule_id']} (")
    assert api.people[person].name in body["detail"]
    assert_problem(garbled, 403, "not-permitted")  # the role is judged before the body


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("step", MUTATIONS, ids=str)
@pytest.mark.parametrize("body", ["malformed", "not-utf-8", "not-an-object", "missing-field",
                                  "actor"])
def test_a_malformed_body_is_422(api: Api, plan_hash: str, step: Step, body: str) -> None:
    with api.client(allowed(step)) as http:
        if body == "malformed":
            answer = http.post(path_of(step), content=b'{"year": 20',
                               headers={"content-type": "application/json"})
        elif body == "not-utf-8":
            answer = http.post(path_of(step), content=b'{"year": "\xff\xfe"}',
                               headers={"content-type": "application/json"})
        elif body == "not-an-object":
            answer = http.post(path_of(step), json=["year", YEAR])
        elif body == "missing-field":
            # an empty body must stay invalid for every step, or posting it would take the step
            assert REQUESTS[step].model_json_schema().get("required"), step
            answer = http.post(path_of(step), json={})
        else:  # the actor never comes from the body, whatever it claims
            actor = {"name": "Someone Else", "role": "president", "represents": "NOR"}
            answer = http.post(path_of(step), json={**valid_body(step, plan_hash),
                                                    "actor": actor})
    problem = assert_problem(answer, 422, "invalid-request")
    assert problem["errors"], problem
    if body == "actor":
        assert ["body", "actor"] in [e["loc"] for e in problem["errors"]]


@pytest.mark.usefixtures("unchanged")
def test_no_token_is_judged_before_a_malformed_body(api: Api) -> None:
    with httpx.Client(base_url=api.url) as http:
        answer = http.post(f"/cycles/{YEAR}/approve_workplan", content=b"{",
                           headers={"content-type": "application/json"})
    assert_problem(answer, 401, "unauthenticated")


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(("who", "step", "rule"), [
    ("president", Step.SEND_WORKPLAN_TO_MSP, "ISU-3"),
    ("president", Step.ADOPT_WORKPLAN, "ISU-3"),
    ("isu", Step.HOLD_MEETING, "IM-1"),
    ("president", Step.ELECT_COORDINATORS, "CO-2"),
    ("isu", Step.OPEN_CYCLE, "ISU-2"),
])
def test_a_step_in_the_wrong_phase_is_409_with_its_rule(api: Api, plan_hash: str, who: str,
                                                        step: Step, rule: str) -> None:
    body = valid_body(step, plan_hash)
    if step is Step.ELECT_COORDINATORS:
        body = {"election": {"msp_year": YEAR - 1, "terms": []}}
    if step is Step.OPEN_CYCLE:  # the calendar of another year: refused before any workflow
        body = {"year": YEAR + 2, "calendar": {
            "year": YEAR, "opening_msp": "2026-09-07", "closing_msp": "2027-09-06",
            "committee_due": "2027-07-26"}}
    with api.client(who) as http:
        answer = http.post(path_of(step), json=body)
    problem = assert_problem(answer, 409, "refused")
    assert problem["rule_id"] == rule, problem
    assert problem["detail"].startswith(f"{rule} ({problem['source']}): ")


@pytest.mark.usefixtures("unchanged")
def test_a_step_of_a_year_the_engine_does_not_hold_is_404(api: Api, plan_hash: str) -> None:
    with api.client("president") as http:
        answer = http.post("/cycles/2031/approve_workplan", json={"content_hash": plan_hash})
        read = http.get("/cycles/2031")
    assert "2031" in assert_problem(answer, 404, "no-such-cycle")["detail"]
    assert_problem(read, 404, "no-such-cycle")


def test_the_year_reads_back_with_the_actor_from_each_token(api: Api, plan_hash: str) -> None:
    with httpx.Client(base_url=api.url) as http:  # reading needs no token (G-1)
        cycle = http.get(f"/cycles/{YEAR}").json()
        pending = http.get(f"/cycles/{YEAR}/pending").json()
        timeline = http.get(f"/cycles/{YEAR}/timeline").json()
        committee = http.get(f"/cycles/{YEAR}/committee", params={"on": "2027-03-01"}).json()
    assert (cycle["phase"], cycle["workplan_status"]) == ("workplan", "with_committee")
    assert cycle["workplan_hash"] == plan_hash
    assert [p["step"] for p in pending] == ["approve_workplan", "return_workplan"]
    assert all(p["due"] == "2027-07-26" for p in pending)
    people = [(e["type"], e["actor"], e["role"]) for e in timeline if e["role"] != "engine"]
    isu, chair = api.people["isu"].name, api.people["president"].name
    assert people == [
        ("CycleOpened", isu, "isu"), ("CoordinatorsElected", chair, "president"),
        ("PresidentDesignated", chair, "president"),
        ("IntersessionalMeetingConvened", chair, "president"),
        ("IntersessionalMeetingHeld", isu, "isu"), ("WorkplanDrafted", isu, "isu"),
        ("WorkplanSubmittedToCommittee", isu, "isu")]
    assert all(later["prev_hash"] == earlier["hash"]
               for earlier, later in itertools.pairwise(timeline))
    seats = {s["represents"]: s for s in committee["seats"]}
    assert {"ICRC", "UN", "CMC"} <= set(seats)
    assert any(s["paragraph"] == "P3.2(a)" for s in committee["seats"])  # the President


def test_me_is_the_tokens_holder(api: Api) -> None:
    with api.client("president") as http:
        me = http.get("/me").json()
    with httpx.Client(base_url=api.url) as http:
        anonymous = http.get("/me")
    assert (me["name"], me["role"], me["represents"]) == (
        api.people["president"].name, "president", api.people["president"].represents)
    assert "approve_workplan" in me["steps"]
    assert "open_cycle" not in me["steps"]
    assert_problem(anonymous, 401, "unauthenticated")


@pytest.mark.parametrize(("path", "status"), [
    ("/cycles/abc", 422), ("/cycles/1999", 422), ("/cycles/2027/pending/x", 404),
    ("/cycles/2031/timeline", 404), ("/cycles/2027/committee?on=someday", 422)])
def test_bad_reads_are_problems_too(api: Api, path: str, status: int) -> None:
    with httpx.Client(base_url=api.url) as http:
        answer = http.get(path)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert answer.json()["status"] == status


def test_the_openapi_document_is_valid_and_documents_every_step(api: Api) -> None:
    with httpx.Client(base_url=api.url) as http:
        doc = http.get("/openapi.json").json()
    schemathesis.openapi.from_dict(doc).validate()  # against the OpenAPI meta-schema
    assert doc["components"]["securitySchemes"]["token"] == {
        "type": "http", "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["token"]["description"]}
    bodies = set()
    for step in MUTATIONS:
        operation = doc["paths"][path_of(step, 0).replace("/0/", "/{year}/")]["post"]
        assert operation["security"] == [{"token": []}]
        assert {"401", "403", "409", "422"} <= set(operation["responses"])
        assert PROBLEM in operation["responses"]["403"]["content"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        bodies.add(schema)
        assert "actor" not in doc["components"]["schemas"][schema.rsplit("/", 1)[1]][
            "properties"]
    assert len(bodies) == len(MUTATIONS)  # each step documents its own body
    assert "rule_id" in doc["components"]["schemas"]["Problem"]["properties"]


@pytest.mark.usefixtures("unchanged")
def test_the_dashboard_takes_no_step_without_a_session_or_from_another_site(api: Api) -> None:
    with httpx.Client(base_url=api.url) as http:
        anonymous = http.post(f"/dashboard/{YEAR}/approve_workplan")
        bad = http.post("/signin", data={"token": FAKE_TOKEN, "next": "/"})
        api.sign_in(http, "president")
        elsewhere = http.post(f"/dashboard/{YEAR}/approve_workplan",
                              headers={"origin": "https://elsewhere.example"})
        with httpx.Client(base_url=api.url) as auditing:
            api.sign_in(auditing, "auditor")
            auditor = auditing.post(f"/dashboard/{YEAR}/approve_workplan")
        unconfirmed = http.post(f"/dashboard/{YEAR}/approve_workplan",  # no confirmation
                                data={"content_hash": "0" * 64})
        other_text = http.post(f"/dashboard/{YEAR}/approve_workplan",  # not the plan it holds
                               data={"content_hash": "0" * 64, "confirmed_sha256": "0" * 64})
    assert anonymous.status_code == 401
    assert "Sign in" in anonymous.text
    assert bad.status_code == 401
    assert "set-cookie" not in bad.headers
    assert elsewhere.status_code == 403
    assert auditor.status_code == 403
    assert "ISU-3 (2MSP P4.4(h))" in auditor.text
    assert unconfirmed.status_code == 400
    assert "confirmed its SHA-256 on the confirmation page" in unconfirmed.text
    assert other_text.status_code == 409
    assert f"you confirmed the work plan with SHA-256 {'0' * 64}" in other_text.text


def test_signing_in_sets_a_strict_http_only_cookie(api: Api) -> None:
    with httpx.Client(base_url=api.url) as http:
        answer = http.post("/signin", data={"token": api.tokens["president"],
                                            "next": f"/dashboard/{YEAR}"})
        page = http.get(f"/dashboard/{YEAR}")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/dashboard/{YEAR}"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" not in cookie  # plain http, and no proxy said otherwise
    assert cookie.startswith("intersessional_session=iss_")  # a session's id, not the token
    assert api.tokens["president"].lower() not in cookie
    assert api.people["president"].name in page.text
    assert 'action="/dashboard/2027/approve_workplan/confirm"' in page.text
    # CC-5: the committee sitting today, one box a seat, the chair's ticked
    chair = api.state().presidencies[0].state
    assert f'name="present" value="{chair}" checked' in page.text
    assert page.text.count('name="present" value="ICRC"') == 2  # approve, return


@pytest.mark.usefixtures("unchanged")
def test_present_is_a_list_of_codes(api: Api, plan_hash: str) -> None:
    with api.client("president") as http:
        answer = http.post(f"/cycles/{YEAR}/approve_workplan",
                           json={"content_hash": plan_hash, "present": "CHE,NOR"})
    problem = assert_problem(answer, 422, "invalid-request")
    assert ["body", "present"] in [e["loc"][:2] for e in problem["errors"]]


def test_the_president_approves_over_http_and_the_next_return_is_refused(
        api: Api, plan_hash: str) -> None:
    """The chair records the committee's decision with the members present (CC-5): the
    members sitting today, as ``GET /cycles/{year}/committee`` seats them."""
    with api.client("president") as http:
        committee = http.get(f"/cycles/{YEAR}/committee").json()
    present = list(dict.fromkeys(s["represents"] for s in committee["seats"]
                                 if s["sits_as"] == "member"))
    assert committee["chair"] in present
    head = api.head()
    api.step("president", "approve_workplan", {"content_hash": plan_hash, "present": present})
    approved = [e for e in api.events(head) if e.type == "WorkplanApprovedByCommittee"]
    assert [e.payload["present"] for e in approved] == [present]
    with api.client("president") as http:
        again = http.post(f"/cycles/{YEAR}/return_workplan",
                          json={"content_hash": plan_hash, "reasons": "too late"})
    assert assert_problem(again, 409, "refused")["rule_id"] == "ISU-3"
    assert api.state().workplan_status == "approved"


async def completed(api: Api, year: int) -> None:
    """Until the engine has closed the year and its workflow has completed."""
    client = await api.dev.client()
    handle = client.get_workflow_handle(cycle_id(year))
    async with asyncio.timeout(30):
        while (await handle.describe()).status is WorkflowExecutionStatus.RUNNING:
            await asyncio.sleep(0.1)


def test_a_step_on_a_cycle_that_has_run_and_closed_is_409_not_404(
        api: Api, plan_hash: str) -> None:
    if api.state().workplan_status == "with_committee":  # run alone, without the test above
        api.step("president", "approve_workplan", {"content_hash": plan_hash})
    api.step("president", "send_workplan_to_msp", {"content_hash": plan_hash})
    api.step("president", "adopt_workplan", {"content_hash": plan_hash})
    asyncio.run(completed(api, YEAR))
    head = api.head()
    with api.client("president") as http:
        answer = http.post(f"/cycles/{YEAR}/adopt_workplan", json={"content_hash": plan_hash})
    problem = assert_problem(answer, 409, "refused")
    assert problem["rule_id"] == "ISU-3"
    assert [e.type for e in api.events(head) if e.role != Role.ENGINE] == []


def test_the_dashboard_records_the_members_ticked_present(api: Api) -> None:
    """CC-5 from the dashboard: the committee sitting today as boxes, the chair's ticked; the
    boxes ticked are the members present the approval records. A year of its own (ten on,
    when the same State presides), so that the years above keep their course."""
    year = YEAR + 10
    plan = to_the_committee(api, year)
    chair = api.people["president"].represents
    with api.client() as http:
        api.sign_in(http, "president")
        page = http.get(f"/dashboard/{year}")
        assert f'name="present" value="{chair}" checked' in page.text
        head = api.head()
        # two of seventeen: under the seeds' profile the committee has no quorum (CC-5)
        short = http.post(f"/dashboard/{year}/approve_workplan",
                          data={"content_hash": plan, "confirmed_sha256": plan,
                                "present": [chair, "ICRC"]})
        assert "CC-5" in short.text
        assert api.head() == head  # nothing recorded
        boxes = re.findall(r'name="present" value="([A-Z]+)"', page.text)
        taken = http.post(f"/dashboard/{year}/approve_workplan",
                          data={"content_hash": plan, "confirmed_sha256": plan,
                                "present": boxes})
    assert taken.status_code == 303, taken.text
    assert [e.payload["present"] for e in api.events(head)
            if e.type == "WorkplanApprovedByCommittee"] == [list(dict.fromkeys(boxes))]
