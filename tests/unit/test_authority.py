"""Authority from the record (issue 19): a role is held on a day only where the recorded
presidencies, terms and committee seats give it — each refusal names its rule and who holds
the seat that day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain import coalition, cycle, silence
from domain import coalition_events as ce
from domain import silence_events as se
from domain.authority import (
    Citing,
    Record,
    authorise,
    check_committee_member,
    check_coordinator,
    check_delegate,
    check_isu,
    check_president,
    check_president_designate,
    needs_record,
)
from domain.coalition_state import CoalitionState
from domain.coalitions import CoalitionCharter, CountryWorkshop, Document, ThematicFocus
from domain.committee import Presidency
from domain.convention import Actor, Role
from domain.elections import Term
from domain.errors import RuleViolation
from domain.rules import RULES
from domain.silence_state import SilenceState
from domain.state import CycleState
from domain.steps import Step
from tests.unit.cycle_factory import at, event_for

DAY = date(2027, 3, 1)
SITTING = Presidency(state="NZL", meeting="MSP of 2026", designated_on=date(2025, 9, 1),
                     presides_from=date(2026, 9, 1))
NEXT = Presidency(state="ESP", meeting="MSP of 2027", designated_on=date(2026, 9, 1),
                  presides_from=date(2027, 9, 1))
EARLIER = Presidency(state="PHL", meeting="MSP of 2025", designated_on=date(2024, 9, 1),
                     presides_from=date(2025, 9, 1))  # left open-ended; NZL took over
TERMS = (Term(state="LAO", mandate="clearance", first_year=2027, last_year=2028),
         Term(state="AUS", mandate="cooperation-assistance", first_year=2026, last_year=2027),
         Term(state="CHE", mandate="general-status", first_year=2027, last_year=2028),
         Term(state="NOR", mandate="clearance", first_year=2025, last_year=2026))
RECORD = Record(terms=TERMS, presidencies=(EARLIER, SITTING, NEXT))


def who(role: Role, represents: str | None) -> Actor:
    return Actor(name=f"a {role.value}", role=role, represents=represents)


def refused(check: object, *args: object) -> RuleViolation:
    with pytest.raises(RuleViolation) as excinfo:
        check(*args)  # type: ignore[operator]
    violation = excinfo.value
    assert violation.rule_id in RULES
    assert violation.message.endswith(".")
    return violation


def test_the_president_is_the_representative_of_the_state_presiding_that_day() -> None:
    """CO-3: the President of the most recent meeting — NZL, not PHL whose presidency was
    left open-ended, and not ESP before its presidency begins."""
    check_president("CO-3", who(Role.PRESIDENT, "NZL"), DAY, RECORD.presidencies)
    for other in ("PHL", "ESP", "LAO", None):
        violation = refused(check_president, "CO-3", who(Role.PRESIDENT, other), DAY,
                            RECORD.presidencies)
        assert violation.rule_id == "CO-3"
        assert "NZL holds the presidency of the MSP of 2026 on 2027-03-01" in violation.message
    check_president("CO-3", who(Role.PRESIDENT, "ESP"), date(2027, 9, 1), RECORD.presidencies)
    assert "ESP holds" in refused(check_president, "CO-3", who(Role.PRESIDENT, "NZL"),
                                  date(2027, 9, 1), RECORD.presidencies).message


def test_a_record_naming_no_presidency_gives_no_one_the_presidency() -> None:
    """No hole: with no presidency on the record that day, no ``president`` may act."""
    violation = refused(check_president, "CO-3", who(Role.PRESIDENT, "NZL"), DAY, ())
    assert "names no presidency in office on 2027-03-01" in violation.message
    assert "carried_presidencies" in violation.message
    before = refused(check_president, "CO-3", who(Role.PRESIDENT, "PHL"), date(2025, 1, 1),
                     RECORD.presidencies)
    assert "no presidency" in before.message


def test_the_president_designate_is_the_state_designated_and_not_yet_in_office() -> None:
    check_president_designate("CO-3", who(Role.PRESIDENT_DESIGNATE, "ESP"), DAY,
                              RECORD.presidencies)
    violation = refused(check_president_designate, "CO-3",
                        who(Role.PRESIDENT_DESIGNATE, "NZL"), DAY, RECORD.presidencies)
    assert "ESP (for the MSP of 2027) is President-designate on 2027-03-01" in violation.message
    after = refused(check_president_designate, "CO-3", who(Role.PRESIDENT_DESIGNATE, "ESP"),
                    date(2027, 9, 2), RECORD.presidencies)
    assert "no State is President-designate" in after.message


def test_a_committee_member_sits_on_the_committee_that_day() -> None:
    """CC-3: the President, the coordinators in office, the President-designate and the
    organisations sit; a State whose term is over does not."""
    for sitting in ("NZL", "ESP", "LAO", "AUS", "CHE", "ICRC", "UN", "CMC"):
        check_committee_member("CC-3", who(Role.COMMITTEE_MEMBER, sitting), DAY, RECORD)
    violation = refused(check_committee_member, "CC-3", who(Role.COMMITTEE_MEMBER, "NOR"),
                        DAY, RECORD)
    assert violation.rule_id == "CC-3"
    assert "NOR does not sit on the Coordination Committee on 2027-03-01" in violation.message
    assert "NZL, CHE, LAO, AUS, ESP, ICRC, UN, CMC" in violation.message
    # NOR sat while its clearance term ran
    check_committee_member("CK-7", who(Role.COMMITTEE_MEMBER, "NOR"), date(2026, 6, 1), RECORD)


def test_a_coordinator_holds_an_elected_term_for_the_mandate_covering_the_day() -> None:
    """CK-7: the clearance and cooperation-and-assistance coordinators in office that year."""
    mandates = ("clearance", "cooperation-assistance")
    for holder in ("LAO", "AUS"):
        check_coordinator("CK-7", who(Role.COORDINATOR, holder), DAY, RECORD, mandates)
    for outsider, why in (("CHE", "general status is not the workshop's mandate"),
                          ("NOR", "its clearance term ended in 2026"),
                          ("THA", "never elected")):
        violation = refused(check_coordinator, "CK-7", who(Role.COORDINATOR, outsider), DAY,
                            RECORD, mandates)
        assert violation.rule_id == "CK-7", why
        assert "the coordinators that day are LAO (Clearance and risk reduction), AUS " \
               "(Cooperation and assistance)" in violation.message
    late = refused(check_coordinator, "CK-7", who(Role.COORDINATOR, "AUS"), date(2028, 2, 1),
                   RECORD, mandates)
    assert "holds no elected term" in late.message


def test_the_isu_acts_as_the_isu_and_a_delegate_for_their_own_state() -> None:
    check_isu(who(Role.ISU, None))
    assert refused(check_isu, who(Role.ISU, "CHE")).rule_id == "ISU-1"
    check_delegate("CK-2", "agreeing", who(Role.DELEGATE, "LAO"), ("LAO", "NOR"))
    violation = refused(check_delegate, "CK-2", "agreeing", who(Role.DELEGATE, "THA"),
                        ("LAO", None, "NOR"))
    assert violation.message == "agreeing is for a delegate of LAO or NOR; a delegate speaks " \
                                "for THA."


def test_authorise_reads_the_role_and_cites_the_rule_the_kind_names() -> None:
    citing = Citing(president="CO-3", committee="CK-7", coordinator="CK-7",
                    mandates=("clearance",))
    assert refused(authorise, who(Role.COMMITTEE_MEMBER, "THA"), DAY, RECORD,
                   citing).rule_id == "CK-7"
    assert refused(authorise, who(Role.COORDINATOR, "AUS"), DAY, RECORD,
                   citing).rule_id == "CK-7"  # cooperation is not among the mandates here
    assert refused(authorise, who(Role.PRESIDENT, "ESP"), DAY, RECORD).rule_id == "CO-3"
    assert refused(authorise, who(Role.COORDINATOR, "LAO"), DAY, RECORD).rule_id == "CO-3"
    for free in (who(Role.DELEGATE, "THA"), who(Role.ENGINE, None), who(Role.AUDITOR, None)):
        authorise(free, DAY, Record())
        assert not needs_record(free)
    assert all(needs_record(who(r, None)) for r in (Role.PRESIDENT, Role.COMMITTEE_MEMBER,
                                                     Role.COORDINATOR,
                                                     Role.PRESIDENT_DESIGNATE))


AT = datetime(2027, 3, 1, 10, tzinfo=UTC)
CHARTER = CoalitionCharter(affected_state="LAO", partner_state="NOR",
                           focus=(ThematicFocus.CLEARANCE_AND_RISK_REDUCTION_EDUCATION,))


def test_a_coalition_judges_its_steps_on_the_record() -> None:
    """CK-7 for the identification and the workshop, CC-3 and CO-3 to close."""
    state = CoalitionState()
    identify = ce.IdentifyCandidate(actor=who(Role.COMMITTEE_MEMBER, "NOR"), charter=CHARTER)
    assert refused(coalition.authority, state, identify, RECORD, AT).rule_id == "CK-7"
    coalition.authority(state, identify.model_copy(update={
        "actor": who(Role.COMMITTEE_MEMBER, "LAO")}), RECORD, AT)
    plan = ce.PlanWorkshop(actor=who(Role.COORDINATOR, "CHE"), workshop=CountryWorkshop(
        place="Vientiane", starts=date(2027, 5, 1), ends=date(2027, 5, 2)))
    assert refused(coalition.authority, state, plan, RECORD, AT).rule_id == "CK-7"
    coalition.authority(state, plan.model_copy(update={"actor": who(Role.COORDINATOR, "AUS")}),
                        RECORD, AT)
    close = ce.CloseCoalition(actor=who(Role.PRESIDENT, "PHL"), reason="done")
    assert refused(coalition.authority, state, close, RECORD, AT).rule_id == "CO-3"
    by_member = close.model_copy(update={"actor": who(Role.COMMITTEE_MEMBER, "NOR")})
    assert refused(coalition.authority, state, by_member, RECORD, AT).rule_id == "CC-3"


def test_a_silence_procedure_is_circulated_by_the_state_presiding() -> None:
    text = se.CirculateText(actor=who(Role.PRESIDENT, "ESP"), subject="a decision",
                            text=Document(reference="d/1", sha256="a" * 64),
                            deadline=datetime(2027, 3, 10, tzinfo=UTC))
    violation = refused(silence.authority, SilenceState(), text, RECORD, AT)
    assert violation.rule_id == "CO-3"
    assert "NZL holds the presidency" in violation.message
    silence.authority(SilenceState(), text.model_copy(update={
        "actor": who(Role.PRESIDENT, "NZL")}), RECORD, AT)


def test_the_cycle_judges_authority_on_the_record_it_holds() -> None:
    """CO-3 in the annual cycle: CHE presides (SITTING, carried in); a ``president`` of PHL,
    designated but not yet in office, cannot convene the meeting; after PHL takes office, CHE
    can no longer act as President."""
    state = CycleState()
    for day, step in enumerate((Step.OPEN_CYCLE, Step.ELECT_COORDINATORS,
                                Step.DESIGNATE_PRESIDENT)):
        state = cycle.apply(state, event_for(step, state, at(day)))
    convening = event_for(Step.CONVENE_MEETING, state, at(3))
    by_phl = convening.model_copy(update={"actor": who(Role.PRESIDENT, "PHL")})
    violation = refused(cycle.apply, state, by_phl)
    assert violation.rule_id == "CO-3"
    assert "CHE holds the presidency of the 12MSP on 2024-09-05" in violation.message
    convened = cycle.apply(state, convening)
    assert convened.meeting is not None
    after = convening.model_copy(update={"occurred_at": datetime(2025, 9, 2, tzinfo=UTC)})
    assert "PHL holds the presidency of the 13MSP" in refused(cycle.apply, state,
                                                              after).message
    isu = event_for(Step.HOLD_MEETING, convened, at(4))
    cycle.apply(convened, isu)
    assert refused(cycle.apply, convened, isu.model_copy(update={
        "actor": who(Role.ISU, "CHE")})).rule_id == "ISU-1"
