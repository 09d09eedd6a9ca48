"""A country coalition through the command line (issue 7), against one running
``intersessional dev``: the Coordination Committee opens one for Lao PDR with Australia as its
donor, the two States' delegates agree, Lao PDR registers its strategy, participants join, a
country workshop is planned and held, an activity is coordinated, progress is reported — and
``coalition status`` shows it all, read from the ledger. A coalition without an affected State
(CK-2), a focus outside the committee's areas (CK-5) and the donor registering the strategy
(CK-3) are refused with the rule's id, and record nothing."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.elections import Term
from tests.e2e.conftest import Dev, refused
from tests.e2e.processes import Someone, by, hold_office, register, together

CLEARANCE = "clearance-and-risk-reduction-education"
CID = "coalition-lao-1"  # the module's ledger holds no other Lao PDR coalition


@pytest.fixture(scope="module")
def people(shared_dev: Dev, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Someone]:
    """A committee member (for Iraq, a coordinator this year and next), the delegates of Lao
    PDR and Australia, a President (for New Zealand, presiding) — as the record says."""
    year = datetime.now(UTC).year
    hold_office(shared_dev, tmp_path_factory.mktemp("office"), "NZL", [Term(
        state="IRQ", mandate="cooperation-assistance", first_year=year, last_year=year + 1)])
    member, lao, aus, chair = register(
        shared_dev, ("Jean Roux", "committee_member", "IRQ"),
        ("Khamla Vongsa", "delegate", "LAO"), ("Ann Smith", "delegate", "AUS"),
        ("Aroha Ngata", "president", "NZL"))
    return {"member": member, "lao": lao, "aus": aus, "chair": chair}


def test_no_affected_state_or_a_focus_outside_ck5_is_refused_with_the_rule(
        shared_dev: Dev, people: dict[str, Someone]) -> None:
    dev = shared_dev
    no_affected = refused(dev, "coalition", "open", "--donor", "AUS", "--focus", CLEARANCE,
                          token=people["member"].token)
    assert no_affected.startswith("refused CK-2 (7MSP ¶5): ")
    assert "names no affected State" in no_affected
    outside = refused(dev, "coalition", "open", "--affected", "LAO", "--donor", "AUS",
                      "--focus", "victim-assistance", token=people["chair"].token)
    assert outside.startswith("refused CK-5 (7MSP ¶6): 'victim-assistance' is not one of")
    ledger = dev.ledger()
    try:
        assert ledger.streams("coalition-") == []
    finally:
        ledger.engine.dispose()


def test_a_coalition_from_identification_to_its_progress_report(
        shared_dev: Dev, people: dict[str, Someone], tmp_path: Path) -> None:
    dev, member, lao, aus = shared_dev, people["member"], people["lao"], people["aus"]
    c = ("--coalition", CID)
    opened = dev.cli(*by(member, "coalition", "open", "--affected", "LAO", "--donor", "AUS",
                         "--focus", CLEARANCE))
    assert opened.stdout.splitlines()[0] == CID
    assert "by Jean Roux, committee member for Iraq (IRQ)" in opened.stdout

    agreed = together(dev, by(lao, "coalition", "agree", *c),
                      by(aus, "coalition", "agree", *c, "--json"))
    assert "by Khamla Vongsa, delegate for Lao People's Democratic Republic (LAO)" in (
        agreed[0].stdout)
    receipt = json.loads(agreed[1].stdout)
    assert (receipt["id"], receipt["step"], receipt["actor"], receipt["role"],
            receipt["represents"]) == (CID, "agree_to_co_coordinate", "Ann Smith", "delegate",
                                       "AUS")

    strategy = tmp_path / "lao-national-strategy.pdf"
    strategy.write_bytes(b"%PDF-1.7 Safe Path Forward III, 2021-2030\n")
    digest = hashlib.sha256(strategy.read_bytes()).hexdigest()
    line = refused(dev, "coalition", "strategy", *c, "--reference", "LAO/NRA/SPF-III",
                   "--file", str(strategy), token=aus.token)
    assert line.startswith("refused CK-3 (7MSP ¶3): registering the national strategy "
                           "document is for a delegate of LAO; Ann Smith speaks for AUS.")
    registered = dev.cli(*by(lao, "coalition", "strategy", *c, "--reference",
                             "LAO/NRA/SPF-III", "--file", str(strategy)))
    assert f"sha256 {digest}" in registered.stdout

    today = datetime.now(UTC).date().isoformat()  # a workshop is held once it has begun
    together(dev, by(aus, "coalition", "join", *c, "--kind", "international_organisation",
                     "--name", "ICRC"),
             by(lao, "coalition", "join", *c, "--kind", "operator", "--name", "UXO Lao"),
             by(lao, "coalition", "join", *c, "--kind", "expert", "--name", "GICHD"),
             by(lao, "coalition", "workshop", "plan", *c, "--place", "Vientiane", "--starts",
                today, "--ends", today))
    year = str(datetime.now(UTC).year)
    together(dev, by(lao, "coalition", "workshop", "held", *c, "--challenge",
                     "contamination in Xieng Khouang", "--challenge", "survey capacity",
                     "--activity", "technical survey", "--actor", "UXO Lao", "--actor",
                     "ICRC", "--records", "CCM/CW/LAO/1"),
             by(aus, "coalition", "activity", *c, "--reference", "AUS-LAO-UXO-2025", "--kind",
                "bilateral", "--description", "Australia's clearance support to Lao PDR"),
             by(lao, "coalition", "report", *c, "--msp-year", year, "--summary",
                "survey begun in two provinces"))

    shown, text, listed = together(dev, ["coalition", "status", *c, "--json"],
                                   ["coalition", "status", *c],
                                   ["coalition", "list", "--json"])
    status = json.loads(shown.stdout)
    assert status["phase"] == "active"
    assert [(s["state"], s["as"], s["agreed"]) for s in status["co_coordinators"]] == [
        ("LAO", "affected State", True), ("AUS", "donor State", True)]
    assert status["non_state_party"] is False
    assert status["focus"] == [CLEARANCE]
    assert status["strategy"] == {"reference": "LAO/NRA/SPF-III", "sha256": digest}
    assert sorted((p["kind"], p["name"]) for p in status["participants"]) == [
        ("expert", "GICHD"), ("international_organisation", "ICRC"), ("operator", "UXO Lao")]
    [workshop] = status["workshops"]
    assert (workshop["place"], workshop["starts"]) == ("Vientiane", today)
    assert workshop["outcomes"] == {
        "challenges": ["contamination in Xieng Khouang", "survey capacity"],
        "activities": ["technical survey"], "actors": ["UXO Lao", "ICRC"],
        "records_reference": "CCM/CW/LAO/1"}
    assert [a["reference"] for a in status["activities"]] == ["AUS-LAO-UXO-2025"]
    assert status["reports"] == [{"msp_year": int(year),
                                  "summary": "survey begun in two provinces"}]
    assert status["events"] == 11
    lines = text.stdout.splitlines()
    assert lines[0] == f"{CID}: active"
    for expected in ("  co-coordinator: Australia (AUS), donor State: agreed (CK-2)",
                     "  participant (CK-4): UXO Lao (operator)",
                     f"  strategy (CK-3): LAO/NRA/SPF-III (sha256 {digest})",
                     f"  progress reported to the MSP of {year}: survey begun in two provinces"):
        assert expected in lines, text.stdout
    assert "extends to a non-State Party" not in text.stdout

    recorded = dev.stream(CID)
    office = len(dev.stream(f"cycle-{datetime.now(UTC).year + 1}"))  # the record (people)
    assert len(recorded) == dev.head() - office == 11  # the refusals recorded nothing
    assert Counter(e.type for e in recorded) == Counter({
        "CandidateIdentified": 1, "CoCoordinationAgreed": 2, "StrategyDocumentRegistered": 1,
        "ParticipantJoined": 3, "CountryWorkshopPlanned": 1, "CountryWorkshopHeld": 1,
        "ExistingActivityCoordinated": 1, "ProgressReported": 1})
    assert {(e.actor, e.role) for e in recorded} == {
        ("Jean Roux", "committee_member"), ("Khamla Vongsa", "delegate"),
        ("Ann Smith", "delegate")}
    assert json.loads(listed.stdout) == [
        {"id": CID, "phase": "active", "co_coordinators": ["LAO", "AUS"]}]
