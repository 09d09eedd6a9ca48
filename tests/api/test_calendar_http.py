"""A person's private calendar, the people's addresses and the pending notices, over HTTP: a
uvicorn server over a ledger holding the opened :data:`YEAR` cycle (no engine needed to read).

The President's feed parses back with ``icalendar`` and holds the deadlines of the steps that
wait for them, under UIDs that stay the same from one fetch to the next; a wrong secret is a 404
that reveals nothing; only the ISU sees everyone's address; the front page shows the notices
still pending, and to whom only to the ISU."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from icalendar import Calendar

from identities import People, new_calendar
from ledger import Ledger, create_ledger_engine, notices
from ledger.notices import Notice
from tests.api.conftest import YEAR, Api, engineless
from tests.workflows.test_notices import SUBJECT


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The server, the President with an address and a calendar (its secret as the token
    ``calendar``), and one notice to them kept pending (the mail server was down)."""
    with engineless(tmp_path_factory.mktemp("calendar")) as server:
        engine = create_ledger_engine(server.dev.settings.effective_ledger_url)
        try:
            president = server.people["president"]
            People(engine).set_email(president.id, "petra@example.org")
            server.tokens["calendar"] = new_calendar(engine, president.id)
            key = notices.key("00000000-0000-4000-8000-000000000001", president.id, "reminder")
            notices.keep(engine, [Notice(
                key=key, message_id=notices.message_id(key, "ccm.example.org"),
                stream=f"cycle-{YEAR}", event_id="00000000-0000-4000-8000-000000000001",
                kind="reminder", person_id=president.id, recipient="petra@example.org",
                subject=SUBJECT, body="…", status="pending", created_at=notices.now())])
            notices.tried(engine, key, "[Errno 111] Connection refused")
        finally:
            engine.dispose()
        yield server


def _events(ics: bytes) -> dict[str, tuple[str, date]]:
    calendar = Calendar.from_ical(ics.decode("utf-8"))
    return {str(e["UID"]): (str(e["SUMMARY"]), e.decoded("DTSTART"))
            for e in calendar.walk("VEVENT")}


def test_the_feed_holds_the_deadlines_that_wait_for_the_person(served: Api) -> None:
    with httpx.Client(base_url=served.url) as http:
        first = http.get(f"/calendar/{served.tokens['calendar']}.ics")
        again = http.get(f"/calendar/{served.tokens['calendar']}.ics")
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("text/calendar")
    assert "no-store" in first.headers["cache-control"]
    events = _events(first.content)
    summaries = sorted(summary for summary, _ in events.values())
    assert summaries == [
        f"recording the designation of the next President ({YEAR} cycle)",
        f"recording the election of coordinators ({YEAR} cycle)"]
    due = served.state().calendar
    assert due is not None
    assert {day for _, day in events.values()} == {due.opening_msp}
    assert all(uid.startswith(f"cycle-{YEAR}/") and uid.endswith("@intersessional.ccm")
               for uid in events)
    assert _events(again.content) == events  # the same UIDs: a client updates, not duplicates


@pytest.mark.parametrize("secret", ["ics_" + "A" * 43, "isx_" + "A" * 43, "nothing"])
def test_a_wrong_secret_is_404_and_reveals_nothing(served: Api, secret: str) -> None:
    head = served.head()
    with httpx.Client(base_url=served.url) as http:
        answer = http.get(f"/calendar/{secret}.ics")
        token = http.get(f"/calendar/{served.tokens['president']}.ics")  # a token is no secret
    for refused in (answer, token):
        assert refused.status_code == 404
        assert refused.json()["type"] == "/problems/no-such-calendar"
        assert refused.json()["detail"] == "no calendar has that address."
        assert "Petra" not in refused.text
    assert served.head() == head


def test_only_the_isu_sees_everyones_address(served: Api) -> None:
    with served.client("isu") as http:
        everyone = http.get("/people")
    with served.client("president") as http:
        refused, me = http.get("/people"), http.get("/me")
    assert everyone.status_code == 200, everyone.text
    assert {p["name"]: p["email"] for p in everyone.json()}["Petra Presidenta"] == (
        "petra@example.org")
    assert refused.status_code == 403
    assert "petra@example.org" not in refused.text
    assert me.json()["email"] == "petra@example.org"


def test_the_front_page_shows_the_notice_pending(served: Api) -> None:
    with httpx.Client(base_url=served.url) as http:
        anyone = http.get("/").text
        served.sign_in(http, "isu")
        isu = http.get("/").text
    for page in (anyone, isu):
        assert "Notices waiting to be sent" in page
        assert "1 notice is kept" in page
        assert SUBJECT in page
        assert "Connection refused" in page
    assert "petra@example.org" not in anyone
    assert "petra@example.org" in isu


def test_a_sent_notice_is_no_longer_shown(served: Api) -> None:
    engine = create_ledger_engine(served.dev.settings.effective_ledger_url)
    try:
        [pending] = notices.listed(engine, "pending")
        notices.sent(engine, pending.key)
        assert Ledger(engine).head() == 1  # the record is untouched by any of it
    finally:
        engine.dispose()
    with httpx.Client(base_url=served.url) as http:
        assert "Notices waiting to be sent" not in http.get("/").text
