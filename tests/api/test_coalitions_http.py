"""Country coalitions over HTTP, against real processes (``intersessional dev`` and a uvicorn
server): Lao PDR with Australia from the committee's identification to its close, each step by
the person whose token is sent, read back from the ledger through the API and the dashboard;
and every refused mutation — no token, a role that never takes the step, a charter the rules
refuse (CK-1, CK-2, CK-5), a body naming its actor, a coalition the ledger does not hold —
answered as problem+json with nothing recorded."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from domain.coalitions import ThematicFocus
from domain.convention import Role
from domain.kinds import COALITION
from tests.api.conftest import Api
from tests.api.test_http import FAKE_TOKEN, assert_problem

CLEARANCE = "clearance-and-risk-reduction-education"
STRATEGY = {"reference": "NRA/NSD/2027",
            "sha256": hashlib.sha256(b"Lao PDR national strategy for UXO").hexdigest()}
STEPS = [name for name in COALITION.commands if name != COALITION.begins]


def charter(affected: str | None = "LAO", partner: str | None = "AUS",
            focus: list[str] | None = None, **more: Any) -> dict[str, Any]:
    given = {"affected_state": affected, "partner_state": partner,
             "focus": [CLEARANCE] if focus is None else focus, **more}
    return {"charter": {k: v for k, v in given.items() if v is not None}}


def identify(api: Api, body: dict[str, Any], who: str = "committee") -> str:
    with api.client(who) as http:
        answer = http.post("/coalitions", json=body)
    assert answer.status_code == 201, answer.text
    begun: dict[str, Any] = answer.json()
    assert begun["receipt"]["stream"] == begun["coalition"]
    assert begun["receipt"]["version"] == 1
    return str(begun["coalition"])


def take(api: Api, who: str, coalition: str, step: str, body: Any = None) -> dict[str, Any]:
    """``who`` takes ``step`` over HTTP; it must be recorded (201, a receipt)."""
    with api.client(who) as http:
        answer = (http.post(f"/coalitions/{coalition}/{step}") if body is None
                  else http.post(f"/coalitions/{coalition}/{step}", json=body))
    assert answer.status_code == 201, f"{step}: {answer.status_code} {answer.text}"
    receipt: dict[str, Any] = answer.json()
    assert receipt["stream"] == coalition
    return receipt


def read(api: Api, path: str) -> Any:
    with httpx.Client(base_url=api.url, timeout=30) as http:  # reading needs no token (G-1)
        answer = http.get(path)
    assert answer.status_code == 200, f"{path}: {answer.text}"
    return answer.json()


@pytest.fixture(scope="module")
def candidate(process_api: Api) -> str:
    """A coalition identified and not yet agreed to: Lao PDR with Australia as donor."""
    return identify(process_api, charter())


@pytest.fixture
def unchanged(process_api: Api, candidate: str) -> Iterator[None]:
    """The test records nothing: the ledger holds no new event but the engine's own."""
    head = process_api.head()
    yield
    recorded = [(e.type, e.actor) for e in process_api.events(head) if e.role != Role.ENGINE]
    assert recorded == [], f"recorded by a refused request: {recorded}"


OUTCOMES = {"challenges": ["contamination in Xieng Khouang"],
            "activities": ["technical survey"], "actors": ["UXO Lao", "ICRC"],
            "records_reference": "CCM/CW/LAO/2027/1"}
ACTIVITY = {"reference": "AUS-LAO-UXO-2025", "kind": "bilateral",
            "description": "Australia's clearance support to Lao PDR"}


def to_active(api: Api, cid: str, msp: int) -> None:
    """The delegates of Lao PDR and Australia take the coalition ``cid`` from its
    identification to its first progress report, to the MSP of ``msp``."""
    today = datetime.now(UTC).date()
    take(api, "lao", cid, "agree_to_co_coordinate")  # no body: the step takes no data
    take(api, "aus", cid, "agree_to_co_coordinate", {})
    assert read(api, f"/coalitions/{cid}")["phase"] == "formed"
    take(api, "lao", cid, "register_strategy", {"document": STRATEGY})
    take(api, "aus", cid, "admit_participant",
         {"participant": {"kind": "international_organisation", "name": "ICRC"}})
    take(api, "aus", cid, "admit_participant",
         {"participant": {"kind": "expert", "name": "GICHD"}})
    take(api, "lao", cid, "record_departure", {"name": "GICHD"})
    take(api, "lao", cid, "plan_workshop", {"workshop": {
        "place": "Vientiane", "starts": str(today), "ends": str(today)}})
    take(api, "lao", cid, "hold_workshop", {"outcomes": OUTCOMES})
    take(api, "aus", cid, "coordinate_activity", {"activity": ACTIVITY})
    take(api, "lao", cid, "report_progress", {"msp_year": msp, "summary": "survey begun"})


def assert_the_dashboard_shows(api: Api, cid: str, msp: int) -> None:
    """The list, the coalition's page, and the page of the cycle whose MSP it reported to."""
    with httpx.Client(base_url=api.url) as http:
        listing = http.get("/dashboard/coalitions")
        page = http.get(f"/dashboard/coalitions/{cid}")
        with api.client("isu") as isu:
            opened = isu.post("/cycles", json={"year": msp})
        year_page = http.get(f"/dashboard/{msp}")
    assert listing.status_code == 200
    assert f'href="/dashboard/coalitions/{cid}"' in listing.text
    assert page.status_code == 200
    for shown in ("Lao People", "Australia", "active", STRATEGY["reference"], STRATEGY["sha256"],
                  "ICRC", "Vientiane", "contamination in Xieng Khouang", "AUS-LAO-UXO-2025",
                  "survey begun", "CountryWorkshopHeld", api.people["lao"].name):
        assert shown in page.text.replace("&#39;", "'"), shown
    assert opened.status_code in (201, 409), opened.text  # 409: another test opened it
    assert year_page.status_code == 200, year_page.text
    assert "survey begun" in year_page.text
    assert f'href="/dashboard/coalitions/{cid}"' in year_page.text


def test_lao_pdr_with_australia_from_identification_to_close(process_api: Api) -> None:
    api = process_api
    msp = datetime.now(UTC).year + 1  # the MSP of next year (CK-3: this year's or next)
    cid = identify(api, charter(partner_role="donor", focus=[CLEARANCE, "universalization"]))
    assert cid.startswith("coalition-lao-")
    assert [p["step"] for p in read(api, f"/coalitions/{cid}/pending")] == [
        "agree_to_co_coordinate", "close_coalition"]
    to_active(api, cid, msp)

    coalition = read(api, f"/coalitions/{cid}")
    assert (coalition["phase"], coalition["affected_state"], coalition["partner_state"],
            coalition["partner_role"]) == ("active", "LAO", "AUS", "donor")
    assert coalition["focus"] == [CLEARANCE, "universalization"]
    assert coalition["non_state_party"] is False
    assert coalition["agreed"] == ["LAO", "AUS"]
    assert coalition["strategy"] == STRATEGY
    state = coalition["state"]
    assert [p["name"] for p in state["participants"]] == ["ICRC"]
    assert state["workshops"][0]["outcomes"] == OUTCOMES
    assert state["activities"] == [ACTIVITY]
    assert state["reports"] == [{"msp_year": msp, "summary": "survey begun"}]
    assert {c["coalition"]: c["phase"] for c in read(api, "/coalitions")}[cid] == "active"
    assert {"coalition": cid, "affected_state": "LAO", "partner_state": "AUS",
            "msp_year": msp, "summary": "survey begun"} in read(
                api, f"/cycles/{msp}/coalition-reports")
    assert read(api, f"/cycles/{msp + 1}/coalition-reports") == []
    assert_the_dashboard_shows(api, cid, msp)

    take(api, "aus", cid, "close_coalition", {"reason": "objectives met"})
    closed = read(api, f"/coalitions/{cid}")
    assert (closed["phase"], closed["state"]["closed_because"]) == ("closed", "objectives met")
    assert read(api, f"/coalitions/{cid}/pending") == []
    timeline = read(api, f"/coalitions/{cid}/timeline")
    assert [(e["type"], e["actor"], e["role"]) for e in timeline][:3] == [
        ("CandidateIdentified", api.people["committee"].name, "committee_member"),
        ("CoCoordinationAgreed", api.people["lao"].name, "delegate"),
        ("CoCoordinationAgreed", api.people["aus"].name, "delegate")]
    assert (timeline[-1]["type"], timeline[-1]["summary"]) == ("CoalitionClosed",
                                                               "objectives met")
    assert [e["version"] for e in timeline] == list(range(1, 13))
    assert all(len(e["hash"]) == 64 for e in timeline)
    assert "LAO with AUS (donor)" in timeline[0]["summary"]

    head = api.head()  # closed: refused by the rules, as the domain refuses it
    with api.client("lao") as http:
        late = http.post(f"/coalitions/{cid}/report_progress",
                         json={"msp_year": msp, "summary": "again"})
    assert assert_problem(late, 409, "refused")["rule_id"] == "CK-3"
    assert [e.type for e in api.events(head) if e.role != Role.ENGINE] == []


def test_a_coalition_for_a_non_state_party_is_allowed_and_marked(process_api: Api) -> None:
    cid = identify(process_api, charter("VNM", "AUS", [CLEARANCE]), who="president")
    assert cid.startswith("coalition-vnm-")
    assert read(process_api, f"/coalitions/{cid}")["non_state_party"] is True
    assert {c["coalition"]: c["non_state_party"]
            for c in read(process_api, "/coalitions")}[cid] is True
    with httpx.Client(base_url=process_api.url) as http:
        page = http.get(f"/dashboard/coalitions/{cid}")
    assert "extends to a non-State Party" in page.text


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("step", ["identify_candidate", *STEPS])
@pytest.mark.parametrize("header", [None, f"Bearer {FAKE_TOKEN}", "Basic dXNlcjpwYXNz"],
                         ids=["no-token", "unknown-token", "basic"])
def test_a_step_without_a_valid_token_is_401(process_api: Api, candidate: str, step: str,
                                             header: str | None) -> None:
    path = "/coalitions" if step == "identify_candidate" else f"/coalitions/{candidate}/{step}"
    headers = {"Authorization": header} if header else {}
    with httpx.Client(base_url=process_api.url, timeout=30) as http:
        answer = http.post(path, json=charter(), headers=headers)
    assert_problem(answer, 401, "unauthenticated")
    assert answer.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("step", ["identify_candidate", *STEPS])
@pytest.mark.parametrize("who", ["isu", "auditor"])
def test_a_role_that_never_takes_the_step_is_403_before_the_body(
        process_api: Api, candidate: str, step: str, who: str) -> None:
    path = "/coalitions" if step == "identify_candidate" else f"/coalitions/{candidate}/{step}"
    with process_api.client(who) as http:
        answer = http.post(path, json=charter())
        garbled = http.post(path, content=b'{"charter": ',
                            headers={"content-type": "application/json"})
    problem = assert_problem(answer, 403, "not-permitted")
    assert problem["rule_id"] == COALITION.by_step[step].rule_id
    assert problem["detail"].startswith(f"{problem['rule_id']} (7MSP")
    assert process_api.people[who].name in problem["detail"]
    assert_problem(garbled, 403, "not-permitted")


@pytest.mark.usefixtures("unchanged")
def test_a_delegate_identifies_no_candidate(process_api: Api) -> None:
    with process_api.client("lao") as http:
        answer = http.post("/coalitions", json=charter())
    assert assert_problem(answer, 403, "not-permitted")["rule_id"] == "CK-7"


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(("body", "rule", "says"), [
    (charter(affected=None), "CK-2", "names no affected State"),
    (charter(partner=None), "CK-2", "names no donor or lead State"),
    (charter("LAO", "LAO"), "CK-2", "cannot co-coordinate with itself"),
    (charter("LAO", "IRQ"), "CK-2", "not recorded as a donor State"),
    (charter("AUS", "GBR"), "CK-1", "not recorded as affected"),
    (charter("XXX", "AUS"), "CK-1", "XXX is not recorded as affected"),
    (charter(focus=["victim-assistance"]), "CK-5", ", ".join(f.value for f in ThematicFocus)),
    (charter(focus=[]), "CK-5", "at least one thematic area"),
], ids=["no-affected-state", "no-partner", "itself", "not-a-donor", "not-affected",
        "unknown-state", "focus-outside-ck5", "no-focus"])
def test_a_charter_the_rules_refuse_is_409_with_its_rule(process_api: Api, body: dict[str, Any],
                                                        rule: str, says: str) -> None:
    with process_api.client("committee") as http:
        answer = http.post("/coalitions", json=body)
    problem = assert_problem(answer, 409, "refused")
    assert problem["rule_id"] == rule
    assert problem["source"]
    assert says in problem["detail"]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(("path", "body"), [
    ("/coalitions", {**charter(), "actor": {"name": "X", "role": "president"}}),
    ("/coalitions", {"charter": {**charter()["charter"], "non_state_party": True}}),
    ("/coalitions", {"charter": {"affected_state": "LAO", "focus": CLEARANCE}}),
    ("/coalitions", {"charter": {"affected_state": "LAO", "focus": [CLEARANCE],
                                 "partner_role": "sponsor"}}),
    ("/coalitions", {}),
    ("{candidate}/agree_to_co_coordinate", {"actor": {"name": "X", "role": "delegate"}}),
    ("{candidate}/close_coalition", {"reason": ""}),
    ("{candidate}/register_strategy", {"document": {"reference": "R", "sha256": "abc"}}),
], ids=["actor", "ck8-typed-in", "focus-not-a-list", "partner-role", "empty",
        "agree-with-actor", "empty-reason", "not-a-digest"])
def test_a_malformed_body_is_422(process_api: Api, candidate: str, path: str,
                                 body: dict[str, Any]) -> None:
    who = "committee" if path == "/coalitions" else "lao"
    with process_api.client(who) as http:
        answer = http.post(path.replace("{candidate}", f"/coalitions/{candidate}"), json=body)
    problem = assert_problem(answer, 422, "invalid-request")
    assert problem["errors"], problem
    if "actor" in body:
        assert ["body", "actor"] in [e["loc"] for e in problem["errors"]]


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(("who", "step", "body", "rule"), [
    ("lao", "register_strategy", {"document": STRATEGY}, "CK-3"),  # not formed yet
    ("usa", "agree_to_co_coordinate", {}, "CK-2"),  # the USA co-coordinates nothing here
    ("lao", "report_progress", {"msp_year": 2027, "summary": "early"}, "CK-3"),
])
def test_a_step_the_rules_refuse_now_is_409(process_api: Api, candidate: str, *, who: str,
                                            step: str, body: dict[str, Any], rule: str) -> None:
    with process_api.client(who) as http:
        answer = http.post(f"/coalitions/{candidate}/{step}", json=body)
    problem = assert_problem(answer, 409, "refused")
    assert problem["rule_id"] == rule
    assert problem["detail"].startswith(f"{rule} (")


@pytest.mark.usefixtures("unchanged")
def test_a_coalition_the_ledger_does_not_hold_is_404(process_api: Api) -> None:
    with process_api.client("lao") as http:
        step = http.post("/coalitions/coalition-lao-999/agree_to_co_coordinate", json={})
        reads = [http.get(f"/coalitions/coalition-lao-999{tail}")
                 for tail in ("", "/pending", "/timeline")]
        page = http.get("/dashboard/coalitions/coalition-lao-999")
        bad = http.get("/coalitions/Coalition-LAO-1")
    for answer in (step, *reads):
        assert "coalition-lao-999" in assert_problem(answer, 404, "no-such-coalition")["detail"]
    assert page.status_code == 404
    assert "no coalition coalition-lao-999" in page.text
    assert_problem(bad, 422, "invalid-request")
    with httpx.Client(base_url=process_api.url) as http:
        kind = http.get("/problems/no-such-coalition")
    assert kind.json()["title"] == "No such coalition"


def test_the_candidate_reads_back_with_its_open_steps(process_api: Api, candidate: str) -> None:
    coalition = read(process_api, f"/coalitions/{candidate}")
    assert (coalition["phase"], coalition["co_coordinators"], coalition["agreed"]) == (
        "candidate", ["LAO", "AUS"], [])
    pending = read(process_api, f"/coalitions/{candidate}/pending")
    assert [(p["step"], p["rule_id"]) for p in pending] == [
        ("agree_to_co_coordinate", "CK-2"), ("close_coalition", "CK-2")]
    assert pending[0]["roles"] == ["delegate"]
    timeline = read(process_api, f"/coalitions/{candidate}/timeline")
    assert [e["type"] for e in timeline] == ["CandidateIdentified"]
    assert all(later["prev_hash"] == earlier["hash"]
               for earlier, later in itertools.pairwise(timeline))
    with process_api.client("lao") as http:
        me = http.get("/me").json()
    assert (me["role"], me["steps"]) == ("delegate", [])
    assert "agree_to_co_coordinate" in me["coalition_steps"]
    assert me["silence_steps"] == ["break_silence"]


def test_a_delegate_agrees_from_the_dashboard_and_a_second_time_is_refused(
        process_api: Api) -> None:
    api = process_api
    cid = identify(api, charter())
    with httpx.Client(base_url=api.url) as http:
        anonymous = http.get(f"/dashboard/coalitions/{cid}")
        api.sign_in(http, "lao")
        page = http.get(f"/dashboard/coalitions/{cid}")
        agreed = http.post(f"/dashboard/coalitions/{cid}/agree_to_co_coordinate")
        again = http.post(f"/dashboard/coalitions/{cid}/agree_to_co_coordinate")
        elsewhere = http.post(f"/dashboard/coalitions/{cid}/close_coalition",
                              data={"reason": "x"},
                              headers={"origin": "https://elsewhere.example"})
        not_offered = http.post(f"/dashboard/coalitions/{cid}/register_strategy")
        api.sign_in(http, "usa")
        usa_page = http.get(f"/dashboard/coalitions/{cid}")
    action = f'action="/dashboard/coalitions/{cid}/agree_to_co_coordinate"'
    assert anonymous.status_code == 200
    assert action not in anonymous.text  # not signed in: no form
    assert action in page.text
    assert action not in usa_page.text  # the USA co-coordinates nothing here
    assert agreed.status_code == 303
    assert agreed.headers["location"] == f"/dashboard/coalitions/{cid}"
    assert read(api, f"/coalitions/{cid}")["agreed"] == ["LAO"]
    assert again.status_code == 409
    assert "Refused: CK-2 (7MSP" in again.text
    assert "LAO has already agreed" in again.text
    assert elsewhere.status_code == 403
    assert not_offered.status_code == 404
    assert read(api, f"/coalitions/{cid}")["event_count"] == 2
