"""``intersessional notices``: what is owed, sent and unsent, read from the ledger's database on
both backends; ``--send`` sends the pending ones through a real SMTP server (aiosmtpd), once,
and a server that refuses a mailbox for good leaves that notice unsent, saying why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from cli.app import app
from identities import People
from ledger import notices
from ledger.notices import NO_ADDRESS, Notice
from tests.backends import ledger_database
from tests.identities.conftest import ledger_url  # noqa: F401 - the fixture, shared
from tests.mailbox import MailServer, mail_server

EVENT = "00000000-0000-4000-8000-000000000007"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with ledger_database(request.param, tmp_path) as eng:
        yield eng


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    with mail_server() as server:
        yield server


@pytest.fixture
def kept(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
         ledger_url: str) -> list[Notice]:  # noqa: F811 - the fixture imported above
    """Settings at the test's database; a reminder owed to Petra (pending) and to the ISU, who
    has no address (unsent)."""
    monkeypatch.setenv("INTERSESSIONAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INTERSESSIONAL_LEDGER_URL", ledger_url)
    people = People(engine)
    petra, _ = people.add("Petra Presidenta", "president", "NOR", "petra@example.org")
    isu, _ = people.add("Isabel Unit", "isu", None)
    planned = []
    for person in (petra, isu):
        key = notices.key(EVENT, person.id, "reminder")
        planned.append(Notice(
            key=key, message_id=notices.message_id(key, "ccm.example.org"), stream="cycle-2027",
            event_id=EVENT, kind="reminder", person_id=person.id, recipient=person.email,
            subject="Reminder: the intersessional meeting is due by 2027-06-30",
            body="Dear …", status="pending" if person.email else "unsent",
            reason=None if person.email else NO_ADDRESS, created_at=notices.now()))
    return notices.keep(engine, planned)


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["notices", *args])


def _smtp_at(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("INTERSESSIONAL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("INTERSESSIONAL_SMTP_PORT", str(port))
    monkeypatch.setenv("INTERSESSIONAL_SMTP_STARTTLS", "false")
    monkeypatch.setenv("INTERSESSIONAL_SMTP_FROM", "isu@ccm.example.org")


def test_the_notices_are_listed_pending_and_unsent_with_why(kept: list[Notice]) -> None:
    listed = run("--json")
    assert listed.exit_code == 0, listed.output
    shown = {n["person"]: (n["status"], n["reason"]) for n in json.loads(listed.output)}
    assert shown == {"Petra Presidenta": ("pending", None),
                     "Isabel Unit": ("unsent", "no e-mail address")}
    unsent = run("--status", "unsent", "--json")
    assert [n["person"] for n in json.loads(unsent.output)] == ["Isabel Unit"]
    table = run()
    assert table.exit_code == 0, table.output
    assert "Isabel" in table.output
    assert "unsent" in table.output
    wrong = run("--status", "lost")
    assert wrong.exit_code == 2
    assert wrong.output.strip() == ("'lost' is not a status of a notice: choose pending, sent "
                                    "or unsent.")


def test_without_a_server_sending_is_refused_and_the_notice_stays(engine: Engine,
                                                                  kept: list[Notice]) -> None:
    refused = run("--send")
    assert refused.exit_code == 2
    assert "no SMTP server is set" in refused.output
    assert notices.get(engine, kept[0].key) == kept[0]


def test_send_sends_each_pending_notice_once(engine: Engine, kept: list[Notice],
                                             smtp: MailServer,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    smtp.stop()  # down first: the attempt is noted, the notice stays pending
    _smtp_at(monkeypatch, smtp.port)
    down = run("--send")
    assert down.exit_code == 3  # the mail server is unreachable
    assert f"127.0.0.1:{smtp.port} could not be reached" in down.output
    tried = notices.get(engine, kept[0].key)
    assert tried is not None
    assert (tried.status, tried.attempts) == ("pending", 1)
    smtp.start()
    sent = run("--send")
    assert sent.exit_code == 0, sent.output
    [message] = smtp.inbox.messages
    assert (str(message["To"]), message["Message-ID"]) == ("petra@example.org",
                                                            kept[0].message_id)
    assert message["Auto-Submitted"] == "auto-generated"
    again = run("--send")
    assert again.exit_code == 0
    assert len(smtp.inbox.messages) == 1  # sent is sent: never again
    done = notices.get(engine, kept[0].key)
    assert done is not None
    assert (done.status, done.attempts, done.reason) == ("sent", 2, None)


def test_a_mailbox_refused_for_good_is_unsent_saying_why(engine: Engine, kept: list[Notice],
                                                         smtp: MailServer,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    smtp.inbox.unknown.add("petra@example.org")
    _smtp_at(monkeypatch, smtp.port)
    assert run("--send").exit_code == 0
    refused = notices.get(engine, kept[0].key)
    assert refused is not None
    assert refused.status == "unsent"
    assert "no such mailbox" in (refused.reason or "")
    assert smtp.inbox.messages == []
