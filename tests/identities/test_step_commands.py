"""The step commands (``cycle open``, ``elect``, ``workplan …``, ``msp …``, ``pending``) through
typer's CliRunner, without an engine: who sends a step comes from the token, and a missing,
unknown or revoked token, a malformed file or a field error is one sentence and exit 2 with
nothing sent to the engine (``connect`` is never called) and nothing recorded. Where a step is
well formed, ``stepping.take`` is replaced to see what would be sent."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

import runtime.temporal
import stepping
from attesting import Signer
from cli.app import app
from domain.kinds import Kind
from domain.steps import Step
from identities import People, Person
from ledger import Ledger
from ledger.records import Receipt
from scenarios.scripted import meeting, workplan
from tests.request_files import write_request

YEAR = 2027
PLAN = workplan(YEAR + 1, "612000.00")
HASH = PLAN.content_hash()


class Engine_:  # noqa: N801 - a stand-in, named after what it stands for
    """What the commands sent to the engine: ``connect`` calls, and the steps taken."""

    def __init__(self) -> None:
        self.connects = 0
        self.taken: list[tuple[int, Step, Person, stepping.StepRequest]] = []

    async def connect(self, _: object) -> object:
        self.connects += 1
        return self

    async def take(self, _: object, kind: Kind[Any], stream: str, *, step: str, person: Person,
                   request: stepping.StepRequest, recorded: object, signer: Signer) -> Receipt:
        stepping.command(kind, step, person, request)  # as stepping.take judges it first
        assert isinstance(signer, Signer)  # the CLI vouches for the person it authenticated
        year = int(stream.removeprefix(kind.prefix))
        self.taken.append((year, Step(step), person, request))
        return Receipt(event_id=uuid.uuid4(), stream=stream, version=2, position=7,
                       hash="ab" * 32, recorded_at="2026-11-23T09:00:00.000000Z")


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ledger_url: str) -> Engine_:
    """The settings point at the test's database; the engine is a stand-in that records."""
    monkeypatch.setenv("INTERSESSIONAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INTERSESSIONAL_LEDGER_URL", ledger_url)
    monkeypatch.delenv("INTERSESSIONAL_TOKEN", raising=False)
    engine = Engine_()
    monkeypatch.setattr(runtime.temporal, "connect", engine.connect)
    monkeypatch.setattr(stepping, "take", engine.take)
    return engine


@pytest.fixture
def tokens(engine: Engine) -> dict[str, str]:
    people = People(engine)
    made = {role: people.add(name, role, state)[1] for role, name, state in (
        ("isu", "Ines Moreau", None), ("president", "Aroha Ngata", "NZL"),
        ("committee_member", "Jean Roux", "ICRC"), ("auditor", "Ada Pruett", None))}
    revoked, made["revoked"] = people.add("Old Hand", "committee_member", "ICRC")
    people.revoke(revoked.id)
    return made


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def one_line(result: Result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in lines[0]
    return lines[0]


def refused(result: Result, engine: Engine, sent: Engine_, code: int = 1) -> str:
    """The one line of a refusal (exit 1; a usage error 2, nothing found 4: ``code``), after
    which nothing was sent or recorded."""
    assert result.exit_code == code, result.output
    assert (sent.connects, sent.taken) == (0, [])
    assert Ledger(engine).head() == 0
    return one_line(result)


STEPS = [("cycle", "open"), ("workplan", "approve", "--yes", "--hash", HASH),
         ("workplan", "return", "--yes", "--reasons", "too dear"),
         ("msp", "reject", "--yes", "--reason", "no"),
         ("meeting", "held", "--records", "ISU/2027/IM"), ("pending",)]
BAD_TOKENS = [None, "", "not-a-token", "isx_" + "A" * 43, "revoked"]
#: every step with every bad token; ``pending`` without one lists the steps, marking none
BAD = [(step, token) for step in STEPS for token in BAD_TOKENS
       if token or step != ("pending",)]


@pytest.mark.parametrize(("step", "token"), BAD,
                         ids=[f"{' '.join(s[:2])}-{t!r}"[:40] for s, t in BAD])
def test_a_step_without_a_valid_token_is_refused_before_the_engine(
        step: tuple[str, ...], token: str | None, tokens: dict[str, str], engine: Engine,
        sent: Engine_) -> None:
    given = tokens.get(token, token) if token else token
    result = run(*step, "--year", str(YEAR), *(["--token", given] if given is not None else []))
    line = refused(result, engine, sent, code=2)  # a token wrong: usage
    if not given:
        assert "--token or INTERSESSIONAL_TOKEN" in line
    else:
        assert "not authenticated" in line
        assert given not in line  # a token is never repeated
        assert ("revoked" in line) is (token == "revoked")


def test_a_refusal_in_the_language_asked_for_and_its_paragraph_on_request(
        tokens: dict[str, str], engine: Engine, sent: Engine_) -> None:
    step = ("workplan", "approve", "--year", str(YEAR), "--hash", HASH, "--token",
            tokens["auditor"])
    french = run("--lang", "fr", *step)
    line = refused(french, engine, sent)
    assert line.startswith("refusé ISU-3 (2MSP P4.4(h)) : ") or line.startswith(
        "refusé ISU-3 (2MSP P4.4(h)): ")
    assert "Ada Pruett a agi en tant que auditeur" in line
    spanish = run(*step, env={"INTERSESSIONAL_LANGUAGE": "es"})
    assert refused(spanish, engine, sent).startswith("rechazado ISU-3")
    explained = run("--lang", "zh", "--explain", *step)
    assert explained.exit_code == 1
    lines = explained.output.strip().splitlines()
    assert lines[0].startswith("被拒绝 ISU-3 (2MSP P4.4(h)): ")
    assert lines[1] == "该规则所依据的段落："
    assert lines[2].strip().startswith("[zh] 2MSP P4.4(h): (h) 向每次缔约国会议")
    assert (sent.connects, sent.taken) == (0, [])
    assert Ledger(engine).head() == 0
    wrong = run("--lang", "xx", *step)
    assert wrong.exit_code == 2
    assert "unknown language 'xx'" in wrong.output
    assert run("--lang", "en", *step).output.startswith("refused ISU-3")  # the next one works


def test_the_token_comes_from_the_environment_and_the_role_from_the_token(
        tokens: dict[str, str], engine: Engine, sent: Engine_) -> None:
    auditor = run("workplan", "approve", "--yes", "--year", str(YEAR), "--hash", HASH,
                  env={"INTERSESSIONAL_TOKEN": tokens["auditor"]})
    line = refused(auditor, engine, sent)
    assert line.startswith("refused ISU-3 (2MSP P")
    assert "Ada Pruett acted as auditor" in line
    isu = run("msp", "adopt", "--yes", "--year", str(YEAR),  # before a read
              "--token", tokens["isu"])
    assert "refused ISU-3" in refused(isu, engine, sent)
    opening = run("cycle", "open", "--year", str(YEAR), "--token", tokens["president"])
    assert refused(opening, engine, sent).startswith("refused ISU-2 (")

    done = run("workplan", "approve", "--yes", "--year", str(YEAR), "--hash", HASH, "--json",
               env={"INTERSESSIONAL_TOKEN": tokens["committee_member"]})
    assert done.exit_code == 0, done.output
    ((year, step, person, request),) = sent.taken
    assert (year, step, person.name, request.model_dump()) == (
        YEAR, Step.APPROVE_WORKPLAN, "Jean Roux",
        {"content_hash": HASH, "present": (), "by_silence": None})
    body = json.loads(done.output)
    assert (body["position"], body["stream"], body["content_hash"]) == (7, "cycle-2027", HASH)
    assert (body["actor"], body["role"], body["represents"]) == (
        "Jean Roux", "committee_member", "ICRC")


def test_present_is_sent_as_codes_each_once(tokens: dict[str, str], engine: Engine,
                                            sent: Engine_) -> None:
    """CC-5: ``--present`` in capitals, each once; a list with a hole is one sentence with the
    rule, nothing sent (a code naming no one sitting is refused on the ledger's committee:
    tests/e2e/test_steps_cli.py)."""
    chair = {"INTERSESSIONAL_TOKEN": tokens["president"]}
    holed = run("workplan", "return", "--yes", "--year", str(YEAR), "--hash", HASH,
                "--reasons", "dear", "--present", "NZL,,ICRC", env=chair)
    assert "(CC-5)" in refused(holed, engine, sent, code=2)  # a malformed list
    done = run("workplan", "return", "--yes", "--year", str(YEAR), "--hash", HASH,
               "--reasons", "dear", "--present", " nzl, ICRC ,NZL", "--json", env=chair)
    assert done.exit_code == 0, done.output
    ((_, step, _, request),) = sent.taken
    assert (step, request.model_dump()) == (Step.RETURN_WORKPLAN, {
        "content_hash": HASH, "reasons": "dear", "present": ("NZL", "ICRC"), "by_silence": None})


def test_files_are_toml_or_json_holding_the_document_or_the_request(
        tmp_path: Path, tokens: dict[str, str], sent: Engine_) -> None:
    plan = PLAN.model_dump(mode="json")
    for path in (write_request(tmp_path / "plan.toml", plan),
                 write_request(tmp_path / "plan.json", {"workplan": plan})):
        done = run("workplan", "draft", "--year", str(YEAR), "--file", str(path), "--token",
                   tokens["isu"])
        assert done.exit_code == 0, done.output
        assert f"work plan sha256 {HASH}" in one_line(done)
        assert "Ines Moreau, isu" in done.output
    held = meeting(YEAR)
    write_request(tmp_path / "meeting.json", held.model_dump(mode="json"))
    by_file = run("meeting", "convene", "--year", str(YEAR), "--file",
                  str(tmp_path / "meeting.json"), "--token", tokens["president"])
    by_flags = run("meeting", "convene", "--year", str(YEAR), "--first-day",
                   str(held.first_day), "--last-day", str(held.last_day),
                   "--back-to-back-with", "APMBC", "--token", tokens["president"])
    assert (by_file.exit_code, by_flags.exit_code) == (0, 0), by_file.output + by_flags.output
    drafted = [r for _, s, _, r in sent.taken if s is Step.DRAFT_WORKPLAN]
    convened = [r for _, s, _, r in sent.taken if s is Step.CONVENE_MEETING]
    assert [getattr(r, "workplan") for r in drafted] == [PLAN, PLAN]  # noqa: B009
    assert [getattr(r, "meeting") for r in convened] == [held, held]  # noqa: B009


MALFORMED: list[tuple[str, Any, str]] = [
    ("plan.toml", "for_year = 2028\nitems = [", "is not valid TOML"),
    ("plan.json", '{"for_year": 2028,', "is not valid JSON"),
    ("plan.yaml", "for_year: 2028", "neither a .toml nor a .json"),
    ("absent.toml", None, "cannot be read: No such file"),
    ("plan.json", [1, 2], "holds a JSON list"),
    ("plan.json", {**PLAN.model_dump(mode="json"), "for_year": "next"},
     "workplan.for_year: Input should be a valid integer"),
    ("plan.toml", {"workplan": {**PLAN.model_dump(mode="json"), "budget": [
        {"label": "Staff", "amount": "1.005", "currency": "CHF"}]}}, "more than two decimal"),
    ("plan.json", {"workplan": PLAN.model_dump(mode="json"),
                   "actor": {"name": "Someone Else", "role": "isu"}},
     "actor: Extra inputs are not permitted"),
]


@pytest.mark.parametrize("case", MALFORMED, ids=[m[2].split(":")[0] for m in MALFORMED])
def test_a_malformed_file_is_one_sentence_and_nothing_is_sent(
        case: tuple[str, Any, str], tmp_path: Path, tokens: dict[str, str], engine: Engine,
        sent: Engine_) -> None:
    name, content, said = case
    path = tmp_path / name
    if isinstance(content, dict):
        write_request(path, content)
    elif content is not None:
        path.write_text(content if isinstance(content, str) else json.dumps(content),
                        encoding="utf-8")
    result = run("workplan", "draft", "--year", str(YEAR), "--file", str(path), "--token",
                 tokens["isu"])
    line = refused(result, engine, sent, code=2)
    assert said in line
    assert str(path) in line


@pytest.mark.parametrize(("args", "said"), [
    (("workplan", "approve", "--yes", "--hash", "abc"), "--hash: String should match pattern"),
    (("msp", "adopt", "--yes", "--hash", HASH.upper()), "--hash: String should match pattern"),
    (("workplan", "return", "--yes", "--reasons", ""), "--reasons: String should have at least 1"),
    (("meeting", "convene", "--first-day", "2027-06-31", "--last-day", "2027-07-01"),
     "meeting.first_day: Input should be a valid date"),
    (("meeting", "convene", "--first-day", "2027-06-07"), "--first-day and --last-day"),
    (("meeting", "dispense",), "--decided-by: String should have at least 1"),
])
def test_a_field_error_in_the_options_is_one_sentence(
        args: tuple[str, ...], said: str, tokens: dict[str, str], engine: Engine,
        sent: Engine_) -> None:
    result = run(*args, "--year", str(YEAR), "--token", tokens["president"])
    assert said in refused(result, engine, sent, code=2)


def test_opening_takes_a_file_whose_year_agrees(tmp_path: Path, tokens: dict[str, str],
                                                engine: Engine, sent: Engine_) -> None:
    path = write_request(tmp_path / "opening.toml", {"year": YEAR + 1})
    result = run("cycle", "open", "--year", str(YEAR), "--file", str(path), "--token",
                 tokens["isu"])
    assert "says year = 2028, and the command 2027" in refused(result, engine, sent, code=2)


def test_a_title_with_a_bidi_override_is_exit_2_with_tx_1_and_the_next_draft_is_sent(
        tmp_path: Path, tokens: dict[str, str], engine: Engine, sent: Engine_) -> None:
    """TX-1 from the CLI: a work plan whose title would show reversed is refused in one line
    naming the field and the rule, with nothing sent; the same plan, its title typed
    decomposed, is then sent in NFC."""
    plan = PLAN.model_dump(mode="json")
    plan["items"][0]["title"] = "Report to the MSP \u202egnitcerid"
    path = write_request(tmp_path / "plan.json", {"workplan": plan})
    result = run("workplan", "draft", "--year", str(YEAR), "--file", str(path), "--token",
                 tokens["isu"])
    line = refused(result, engine, sent, code=2)  # not sent: judged before sending
    assert "TX-1 (engine): workplan.items[0].title holds U+202E (RIGHT-TO-LEFT OVERRIDE)" in line
    plan["items"][0]["title"] = "Pre\u0301parer la re\u0301union"
    write_request(path, {"workplan": plan})
    done = run("workplan", "draft", "--year", str(YEAR), "--file", str(path), "--token",
               tokens["isu"])
    assert done.exit_code == 0, done.output
    [(_, step, _, request)] = sent.taken
    assert step is Step.DRAFT_WORKPLAN
    assert getattr(request, "workplan").items[0].title == "Préparer la réunion"  # noqa: B009


def test_by_silence_is_sent_as_the_procedure_named(tokens: dict[str, str], engine: Engine,
                                                   sent: Engine_) -> None:
    """CC-5 by silence procedure: the chair names the procedure; the engine judges it."""
    chair = {"INTERSESSIONAL_TOKEN": tokens["president"]}
    done = run("workplan", "approve", "--yes", "--year", str(YEAR), "--hash", HASH, "--by-silence",
               "silence-2027-1", "--json", env=chair)
    assert done.exit_code == 0, done.output
    ((_, step, _, request),) = sent.taken
    assert (step, request.model_dump()["by_silence"]) == (Step.APPROVE_WORKPLAN,
                                                         "silence-2027-1")


def test_a_decision_on_the_work_plan_at_no_terminal_needs_yes(
        tokens: dict[str, str], engine: Engine, sent: Engine_) -> None:
    """No terminal can ask for the confirmation (a script, a pipe): without ``--yes`` the
    decision is refused in one sentence, exit 2, nothing sent; with it, it is sent."""
    member = {"INTERSESSIONAL_TOKEN": tokens["committee_member"]}
    for args in (("workplan", "approve"), ("workplan", "submit"), ("msp", "adopt"),
                 ("workplan", "adopt"), ("msp", "reject", "--reason", "no")):
        asked = run(*args, "--year", str(YEAR), "--hash", HASH, env=member)
        if args[:2] != ("workplan", "approve"):  # a member's role takes none of these
            assert "refused" in refused(asked, engine, sent)
            continue
        line = refused(asked, engine, sent, code=2)
        assert "recorded only once confirmed" in line
        assert "give --yes" in line
        assert "nothing was recorded" in line
    done = run("workplan", "approve", "--yes", "--year", str(YEAR), "--hash", HASH, env=member)
    assert done.exit_code == 0, done.output
    assert [step for _, step, _, _ in sent.taken] == [Step.APPROVE_WORKPLAN]


def test_workplan_show_says_there_is_none_yet(engine: Engine, sent: Engine_) -> None:
    result = run("workplan", "show", "--year", str(YEAR))
    assert "records no work plan of the 2027 cycle yet" in refused(result, engine, sent,
                                                                   code=4)
