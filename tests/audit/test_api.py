"""The read-only audit routes, in-process (FastAPI's TestClient runs the app's lifespan) over a
copy of the five years' ledger and the time-skipping server that holds their histories."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from identities import People
from ledger import Ledger, create_ledger_engine
from ledger.checkpoints import all_checkpoints
from scenarios.simulation import ADOPTED, COALITION, WITHDRAWN
from settings import Settings
from tests.audit.conftest import World
from tests.audit.tamper import forge


@pytest.fixture
def audited(world: World, world_copy: Settings) -> Iterator[tuple[TestClient, Settings]]:
    settings = world_copy.model_copy(update={
        "temporal_address": world.client.service_client.config.target_host})
    engine = create_ledger_engine(settings.effective_ledger_url)
    _, token = People(engine).add("Aldo Auditor", "auditor")
    with TestClient(create_app(settings)) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client, settings
    engine.dispose()


def test_verify_replay_and_cross_check_answer_an_auditor(audited: tuple[TestClient, Settings]
                                                         ) -> None:
    client, settings = audited
    ledger = Ledger(create_ledger_engine(settings.effective_ledger_url))
    verified = client.get("/audit/verify").json()
    assert verified["problem"] is None
    assert verified["root_hash"] == all_checkpoints(ledger.engine)[-1].root_hash
    moment = ledger.read_stream("cycle-2029")[3].recorded_at
    replayed = client.get("/audit/cycles/2029", params={"as_of": moment}).json()
    assert replayed["as_of"] == moment
    assert [e["version"] for e in replayed["events"]][:4] == [1, 2, 3, 4]
    assert replayed["later"] == len(ledger.read_stream("cycle-2029")) - len(replayed["events"])
    page = client.get("/audit/report", params={"from_year": 2027, "to_year": 2031})
    assert page.headers["content-type"].startswith("text/html")
    assert verified["root_hash"] in page.text
    assert "Review of the intersessional programme, 2027–2031" in page.text
    assert client.get("/audit/report", params={"from_year": 2019, "to_year": 2020}
                      ).status_code == 404
    checked = client.get("/audit/cross-check", params={"year": [2028, 2029]}).json()
    assert (checked["years"], checked["differences"]) == ([2028, 2029], [])
    assert checked["rows"] == checked["recordings"] > 0


def test_audit_routes_need_a_token_and_name_what_is_wrong(audited: tuple[TestClient, Settings]
                                                          ) -> None:
    client, settings = audited
    anonymous = client.get("/audit/verify", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    assert client.get("/audit/cycles/2019").status_code == 404
    naive = client.get("/audit/cycles/2028", params={"as_of": "2028-03-01T00:00:00"})
    assert naive.status_code == 422
    position = forge(create_ledger_engine(settings.effective_ledger_url), "cycle-2028", 3)
    verified = client.get("/audit/verify").json()
    assert verified["problem"]["position"] == position
    refused = client.get("/audit/cycles/2028")
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert f"altered at position {position}" in refused.json()["detail"]


def test_a_coalition_and_a_procedure_replay_for_an_auditor(
        audited: tuple[TestClient, Settings]) -> None:
    client, settings = audited
    ledger = Ledger(create_ledger_engine(settings.effective_ledger_url))
    recorded = ledger.read_stream(COALITION)
    moment = recorded[1].recorded_at  # one State has agreed: still a candidate
    candidate = client.get(f"/audit/coalitions/{COALITION}", params={"as_of": moment}).json()
    assert (candidate["stream"], candidate["kind"], candidate["phase"]) == (
        COALITION, "coalition", "candidate")
    assert candidate["state"]["agreed"] == ["LAO"]
    assert candidate["later"] == len(recorded) - 2
    ended = client.get(f"/audit/silence-procedures/{WITHDRAWN}").json()
    assert (ended["phase"], ended["signed"], ended["chained_only"]) == ("withdrawn", 4, 0)
    assert [e["type"] for e in ended["events"]] == [
        "TextCirculated", "SilenceBroken", "DecisionNotAdopted", "TextWithdrawn"]
    for path in (f"/audit/coalitions/{ADOPTED}", "/audit/silence-procedures/silence-2027-9"):
        assert client.get(path).status_code == 404
    position = forge(create_ledger_engine(settings.effective_ledger_url), COALITION, 5)
    refused = client.get(f"/audit/coalitions/{COALITION}")
    assert refused.status_code == 409
    assert f"altered at position {position}" in refused.json()["detail"]
