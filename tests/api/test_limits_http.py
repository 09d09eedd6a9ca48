"""The limits over HTTP, against real processes (``intersessional dev`` and uvicorn): a 3 MB
work-plan title and 10 MB of reasons are refused with 413, whether the body says its length or
comes in chunks, and 64 MiB are refused having read no more than the limit and the sockets'
buffers (counted, not timed: the server stops reading, the client stops being able to send);
a title over its limit is a 422 naming the field and the limit; a step over 256 KiB is a 413
naming that limit. Each time nothing is recorded, the server logs no error, and the next valid
step of the year is recorded. (Seen: 3.3 MB of the 64 MiB taken with a length, 4.7 MB in
chunks.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.pages import FORMS
from domain.convention import Role, shipped_registry
from domain.limits import NAME, REQUEST_BYTES, SENTENCE, STEP_BYTES, TEXT, TITLE
from domain.workplan import MandateLetter, Workplan, WorkplanItem
from scenarios.scripted import election, first_presidency, meeting, presidency, workplan
from tests.api.conftest import YEAR, Api

PROBLEM = "application/problem+json"
MB = 1_000_000
HUGE = 64 * 1024 * 1024  # more than loopback's socket buffers can hold many times over
CHUNK = 64 * 1024


@pytest.fixture(scope="module")
def drafting(api: Api) -> Api:
    """The year over HTTP up to its first draft of the work plan (which the ISU may redraft)."""
    with api.client("isu") as http:
        opened = http.post("/cycles", json={"year": YEAR, "carried_presidencies": [
            first_presidency(YEAR).model_dump(mode="json")]})
    assert opened.status_code == 201, opened.text
    cal = api.state().calendar
    assert cal is not None
    api.step("president", "elect_coordinators", {
        "election": election(YEAR, api.state(), shipped_registry()).model_dump(mode="json")})
    api.step("president", "designate_president", {"presidency": presidency(
        YEAR, cal.opening_msp, cal.closing_msp).model_dump(mode="json")})
    api.step("president", "convene_meeting", {"meeting": meeting(YEAR).model_dump(mode="json")})
    api.step("isu", "hold_meeting", {"records_reference": f"ISU/{YEAR}/IM"})
    api.step("isu", "draft_workplan", {"workplan": plan(0).model_dump(mode="json")})
    return api


@pytest.fixture
def nothing_recorded(drafting: Api) -> Iterator[None]:
    """The refusals of the test record nothing (the engine's own reminders aside)."""
    head = drafting.head()
    yield
    recorded = [(e.type, e.actor) for e in drafting.events(head) if e.role != Role.ENGINE]
    assert recorded == [], f"recorded by a refused request: {recorded}"


def plan(n: int, items: tuple[WorkplanItem, ...] | None = None) -> Workplan:
    """The scripted work plan, made distinct by ``n`` (its staff cost), with ``items``."""
    scripted = workplan(YEAR + 1, f"{612000 + n}.00")
    return scripted.model_copy(update={"items": items}) if items else scripted


def with_title(title: str) -> dict[str, Any]:
    body = plan(0).model_dump(mode="json")
    body["items"][0]["title"] = title
    return {"workplan": body}


def post(api: Api, who: str, step: str, content: bytes | Iterator[bytes],
         length: int | None = None) -> httpx.Response:
    """``content`` posted as JSON to ``step`` of the year by ``who`` (saying its ``length``,
    if given): the answer."""
    headers = {"Content-Type": "application/json"}
    if length is not None:
        headers["Content-Length"] = str(length)
    with api.client(who) as http:
        return http.post(f"/cycles/{YEAR}/{step}", content=content, headers=headers)


class Counted:
    """:data:`HUGE` bytes of a JSON string, made as they are sent: how many were taken."""

    def __init__(self) -> None:
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"reasons": "'
        while self.sent < HUGE:
            self.sent += CHUNK
            yield b"r" * CHUNK


def chunks(body: bytes, size: int = CHUNK) -> Iterator[bytes]:
    """``body`` sent without a length, in chunks."""
    for start in range(0, len(body), size):
        yield body[start:start + size]


def problem(answer: httpx.Response, status: int, kind: str) -> str:
    assert answer.status_code == status, answer.text[:500]
    assert answer.headers["content-type"] == PROBLEM
    found = answer.json()
    assert (found["status"], found["type"]) == (status, f"/problems/{kind}")
    detail: str = found["detail"]
    return detail


def redraft_works(api: Api, n: int) -> None:
    """The next valid step of the year is recorded: the ISU redrafts the work plan."""
    again = plan(n)
    api.step("isu", "draft_workplan", {"workplan": again.model_dump(mode="json")})
    assert api.state().draft_hash == again.content_hash()


@pytest.fixture
def no_error_logged(drafting: Api) -> Iterator[None]:
    """The server logs no traceback, and answers no 500 or 503, while the test runs."""
    mark = len(drafting.output())
    yield
    logged = drafting.output()[mark:]
    assert "Traceback" not in logged
    assert '" 500 ' not in logged, logged
    assert '" 503 ' not in logged, logged


@pytest.mark.parametrize("sent", ["with-length", "chunked"])
def test_a_3_mb_work_plan_title_is_413_and_the_year_goes_on(
        drafting: Api, nothing_recorded: None, no_error_logged: None, sent: str) -> None:
    body = httpx.Request("POST", "/", json=with_title("t" * (3 * MB))).content
    answer = post(drafting, "isu", "draft_workplan",
                  body if sent == "with-length" else chunks(body))
    detail = problem(answer, 413, "too-large")
    assert f"at most 1 MiB ({REQUEST_BYTES:,} bytes)" in detail


@pytest.mark.usefixtures("nothing_recorded", "no_error_logged")
@pytest.mark.parametrize("sent", ["with-length", "chunked"])
def test_64_mib_are_refused_having_read_no_more_than_the_limit(drafting: Api, sent: str
                                                                ) -> None:
    """The server stops reading at the limit (or at once, for a length over it): the client
    could send only what the limit and the sockets' buffers took, a small part of the body.
    Read whole, every byte would have been taken."""
    body = Counted()
    answer = post(drafting, "isu", "draft_workplan", iter(body),
                  length=HUGE + 13 if sent == "with-length" else None)
    assert "at most 1 MiB" in problem(answer, 413, "too-large")
    assert body.sent < HUGE // 4, f"{body.sent:,} of {HUGE:,} bytes were taken"


def test_after_a_3_mb_title_the_next_draft_is_recorded(drafting: Api) -> None:
    body = httpx.Request("POST", "/", json=with_title("t" * (3 * MB))).content
    head = drafting.head()
    assert post(drafting, "isu", "draft_workplan", body).status_code == 413
    redraft_works(drafting, 1)
    recorded = [e.type for e in drafting.events(head) if e.role != Role.ENGINE]
    assert recorded == ["WorkplanDrafted"]


@pytest.mark.usefixtures("no_error_logged")
def test_10_mb_of_reasons_is_413_and_the_return_then_works(drafting: Api) -> None:
    """The draft goes to the committee; 10 MB of reasons for returning it are refused,
    with nothing recorded; the President's return with reasons of a sensible length is
    recorded."""
    submitted = drafting.state().draft_hash
    drafting.step("isu", "submit_workplan_to_committee", {"content_hash": submitted})
    head = drafting.head()
    for content in (body := httpx.Request("POST", "/", json={
            "content_hash": submitted, "reasons": "r" * (10 * MB)}).content), chunks(body):
        answer = post(drafting, "president", "return_workplan", content)
        assert "at most 1 MiB" in problem(answer, 413, "too-large")
    assert [e.type for e in drafting.events(head) if e.role != Role.ENGINE] == []
    drafting.step("president", "return_workplan", {"content_hash": submitted,
                                                   "reasons": "staff costs above last year",
                                                   "present": drafting.present()})
    assert drafting.state().workplan_status == "returned"
    redraft_works(drafting, 2)


@pytest.mark.usefixtures("no_error_logged")
def test_a_title_over_its_limit_is_422_naming_the_field_and_the_limit(
        drafting: Api, nothing_recorded: None) -> None:
    with drafting.client("isu") as http:
        answer = http.post(f"/cycles/{YEAR}/draft_workplan", json=with_title("t" * (TITLE + 1)))
    detail = problem(answer, 422, "invalid-request")
    assert (f"workplan.items[0].title is {TITLE + 1} characters long; it may be at most "
            f"{TITLE} characters.") in detail
    [error] = answer.json()["errors"]
    assert error["loc"] == ["body", "workplan", "items", 0, "title"]
    with drafting.client("president") as http:  # free text has its own limit: 10,000
        answer = http.post(f"/cycles/{YEAR}/return_workplan", json={
            "content_hash": "0" * 64, "reasons": "r" * 10_001})
    assert "reasons is 10,001 characters long; it may be at most 10,000 characters." in (
        problem(answer, 422, "invalid-request"))


@pytest.mark.usefixtures("no_error_logged")
def test_a_title_with_a_bidi_override_is_422_with_tx_1_and_the_next_draft_is_nfc(
        drafting: Api) -> None:
    """TX-1: a title that would show reversed (U+202E) is refused, naming the field and the
    rule, with nothing recorded; the next draft, its title typed decomposed (e + U+0301), is
    recorded in NFC."""
    head = drafting.head()
    with drafting.client("isu") as http:
        answer = http.post(f"/cycles/{YEAR}/draft_workplan",
                           json=with_title("Report to the MSP \u202egnitcerid"))
        control = http.post(f"/cycles/{YEAR}/draft_workplan",
                            json=with_title("Report to the MSP\x07"))
    detail = problem(answer, 422, "invalid-request")
    assert ("TX-1 (engine): workplan.items[0].title holds U+202E (RIGHT-TO-LEFT OVERRIDE), "
            "and a text may hold no control or bidirectional-override character.") in detail
    assert answer.json()["errors"][0]["loc"] == ["body", "workplan", "items", 0, "title"]
    assert "TX-1 (engine): workplan.items[0].title holds U+0007" in (
        problem(control, 422, "invalid-request"))
    assert [e.type for e in drafting.events(head) if e.role != Role.ENGINE] == []
    typed = "Pre\u0301parer la re\u0301union"
    drafting.step("isu", "draft_workplan", with_title(typed))
    recorded = plan(0).model_copy(update={"items": (
        plan(0).items[0].model_copy(update={"title": "Préparer la réunion"}),
        *plan(0).items[1:])})
    assert drafting.state().draft_hash == recorded.content_hash()
    assert [e.type for e in drafting.events(head) if e.role != Role.ENGINE] == [
        "WorkplanDrafted"]


@pytest.mark.usefixtures("no_error_logged")
def test_a_step_over_256_kib_is_413_naming_that_limit(drafting: Api,
                                                      nothing_recorded: None) -> None:
    """Forty items of 9,000 characters each: every field within its limit, the body within
    the API's, the whole step over what a step may carry."""
    items = tuple(WorkplanItem(title=f"Item {n}", letters=(MandateLetter.A,),
                               description="d" * 9_000) for n in range(40))
    body = httpx.Request("POST", "/", json={"workplan": plan(3, items).model_dump(
        mode="json")}).content
    assert STEP_BYTES < len(body) < REQUEST_BYTES
    detail = problem(post(drafting, "isu", "draft_workplan", body), 413, "too-large")
    assert detail.startswith("a step's input is ")
    assert detail.endswith(f"KiB as JSON; a step may carry at most {STEP_BYTES // 1024} KiB.")


def test_the_limits_are_in_the_openapi_document(api: Api) -> None:
    with api.client() as http:
        document = http.get("/openapi.json").json()
    item = document["components"]["schemas"]["WorkplanItem"]["properties"]
    assert item["title"]["maxLength"] == TITLE
    assert item["description"]["maxLength"] == TEXT
    route = document["paths"]["/cycles/{year}/draft_workplan"]["post"]
    assert "413" in route["responses"]


@pytest.mark.usefixtures("nothing_recorded", "no_error_logged")
def test_the_dashboard_says_a_limit_in_one_sentence(drafting: Api) -> None:
    with httpx.Client(base_url=drafting.url, timeout=30) as http:
        drafting.sign_in(http, "isu")
        too_long = http.post(f"/dashboard/{YEAR}/hold_meeting",
                             data={"records_reference": "r" * 201})
        huge = http.post(f"/dashboard/{YEAR}/hold_meeting",
                         data={"records_reference": "r" * (3 * MB)})
    assert too_long.status_code == 422
    assert ("Not taken: records_reference is 201 characters long; it may be at most 200 "
            "characters.") in too_long.text
    assert "at most 1 MiB" in problem(huge, 413, "too-large")


def test_the_dashboards_inputs_hold_no_more_than_their_fields() -> None:
    assert FORMS["cycle"]["return_workplan"].fields == (("reasons", True, TEXT),)
    assert FORMS["cycle"]["hold_meeting"].fields == (("records_reference", True, NAME),)
    assert FORMS["silence"]["break_silence"].fields == (("objection", True, SENTENCE),)
