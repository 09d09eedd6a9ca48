"""A year whose workflow was terminated with Temporal's own client, read and stepped through the
HTTP API and the dashboard: the ledger is the authority. The year reads as the ledger records
it (never ``not_opened`` with no events); a step the rules would take is a 503 naming the
repair, with ``Retry-After``, and records nothing; a step they refuse is still their 409; a
year the ledger never recorded is still a 404."""

from __future__ import annotations

import html
from typing import Any

from contracts import cycle_id
from tests.api.conftest import YEAR, Api, to_the_committee
from tests.api.test_http import assert_problem

STREAM = cycle_id(YEAR)
SENTENCE = (f"{STREAM} is open in the ledger but its workflow is not running (terminated); "
            "`intersessional engine recover` restarts it from the ledger.")


def _read(api: Api) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    with api.client() as http:
        cycle, pending = http.get(f"/cycles/{YEAR}"), http.get(f"/cycles/{YEAR}/pending")
    assert cycle.status_code == 200, cycle.text
    assert pending.status_code == 200, pending.text
    return cycle.json(), pending.json()


async def test_a_terminated_year_reads_from_the_ledger_and_names_the_repair(api: Api) -> None:
    plan_hash = to_the_committee(api)
    cycle, pending = _read(api)
    recorded = len(api.events())
    assert (cycle["phase"], cycle["event_count"]) == ("workplan", recorded)

    client = await api.dev.client()
    await client.get_workflow_handle(STREAM).terminate(reason="an operator's mistake")

    # read: the ledger's phase, events and open steps, as before the workflow was lost
    after, still_pending = _read(api)
    assert (after["phase"], after["event_count"]) == ("workplan", recorded)
    assert after["state"] == cycle["state"]
    assert still_pending == pending
    assert "approve_workplan" in {s["step"] for s in pending}

    head = api.head()
    with api.client("president") as http:
        approve = http.post(f"/cycles/{YEAR}/approve_workplan",
                            json={"content_hash": plan_hash, "present": api.present()})
        adopt = http.post(f"/cycles/{YEAR}/adopt_workplan", json={"content_hash": plan_hash})
        unknown = http.post("/cycles/2031/approve_workplan", json={"content_hash": plan_hash})
    with api.client("isu") as http:
        reopen = http.post("/cycles", json={"year": YEAR})
    # the rules would take it: 503, the sentence that names the repair, nothing recorded
    assert assert_problem(approve, 503, "workflow-not-running")["detail"] == SENTENCE
    assert int(approve.headers["retry-after"]) > 0
    assert assert_problem(reopen, 503, "workflow-not-running")["detail"] == SENTENCE
    # the rules refuse it on the ledger's state (ISU-3: the MSP decides on a plan sent to it)
    assert assert_problem(adopt, 409, "refused")["rule_id"] == "ISU-3"
    assert "2031" in assert_problem(unknown, 404, "no-such-cycle")["detail"]
    assert api.head() == head

    # the dashboard: the ledger's state on the page, the sentence for a step it cannot take
    with api.client() as http:
        api.sign_in(http, "president")
        page = http.get(f"/dashboard/{YEAR}")
        taken = http.post(f"/dashboard/{YEAR}/approve_workplan",
                          data={"content_hash": plan_hash, "confirmed_sha256": plan_hash,
                                "present": api.present()})
    assert page.status_code == 200
    assert 'action="/dashboard/2027/approve_workplan/confirm"' in page.text
    assert taken.status_code == 503
    assert SENTENCE in html.unescape(taken.text)
    assert api.head() == head

    # the problem's type is documented where it points
    with api.client() as http:
        described = http.get("/problems/workflow-not-running").json()
    assert "intersessional engine recover" in described["description"]
