"""The API with no engine to ask: a uvicorn server whose Temporal address answers nothing, over
a migrated ledger holding one opened year. It still starts, reads what the ledger holds — the
year's cycle, its pending steps, its page — and answers every step for the engine with a 503
problem — never a 500 — recording nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.conftest import YEAR, Api, engineless


@pytest.fixture(scope="module")
def lonely(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """An API server whose engine is not running, over a ledger holding the opening of the
    :data:`YEAR` cycle (``tests.api.conftest.engineless``)."""
    with engineless(tmp_path_factory.mktemp("lonely")) as server:
        yield server


@pytest.mark.parametrize(("method", "path", "who", "body"), [
    ("GET", "/health", None, None), ("POST", "/cycles", "isu", {"year": YEAR + 1}),
    ("POST", f"/cycles/{YEAR}/hold_meeting", "isu", {"records_reference": "ISU/2027/IM"}),
])
def test_what_needs_the_engine_is_503(lonely: Api, method: str, path: str, who: str | None,
                                      body: dict[str, object] | None) -> None:
    with lonely.client(who) as http:
        answer = http.request(method, path, json=body)
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "/problems/engine-unavailable"
    assert lonely.head() == 1


def test_what_the_ledger_holds_is_still_read(lonely: Api) -> None:
    """The year's cycle reads from the ledger, the authority, with no engine to ask."""
    with lonely.client("auditor") as http:
        me, timeline, page = http.get("/me"), http.get(f"/cycles/{YEAR}/timeline"), http.get(
            f"/dashboard/{YEAR}")
        cycle, pending = http.get(f"/cycles/{YEAR}"), http.get(f"/cycles/{YEAR}/pending")
        committee, unknown = http.get(f"/cycles/{YEAR}/committee"), http.get("/cycles/2031")
    assert me.status_code == 200
    assert me.json()["role"] == "auditor"
    assert [e["type"] for e in timeline.json()] == ["CycleOpened"]
    assert cycle.status_code == 200, cycle.text
    assert (cycle.json()["phase"], cycle.json()["event_count"]) == ("election", 1)
    assert {s["step"] for s in pending.json()} == {"elect_coordinators", "designate_president"}
    assert committee.status_code == 200
    assert page.status_code == 200
    assert "election" in page.text
    assert unknown.status_code == 404
    assert unknown.json()["type"] == "/problems/no-such-cycle"
    assert lonely.head() == 1
