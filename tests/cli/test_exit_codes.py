"""The exit codes and the error object (docs/CLI.md), through the installed ``intersessional``
as real processes: an unknown flag, a malformed date, a year with no cycle, an engine that is
down, a step a rule refuses, an unknown token. Each is one sentence on one line of stderr and
its documented exit code; with ``--json`` stdout is exactly one JSON document, valid against
docs/schemas/error.schema.json; nothing is recorded, and the next valid step still works."""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cli.output import Exit
from ledger import Ledger, create_ledger_engine
from scenarios.demo import demo_year
from settings import Settings
from tests.e2e.conftest import COMMAND, INTERSESSIONAL, Dev
from tests.ports import free_port

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "schemas" / "error.schema.json")
                    .read_text(encoding="utf-8"))
ADDED = re.compile(r"token: (isx_[A-Za-z0-9_-]{43})")
YEAR = demo_year(datetime.now(UTC).date())  # a year whose deadlines all lie ahead
UNKNOWN_TOKEN = "isx_" + "x" * 43


def said(result: subprocess.CompletedProcess[str], code: Exit) -> str:
    """The one line ``result`` wrote on stderr, having exited with ``code``."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0]
    assert "╭" not in lines[0]  # no box drawn round it
    assert "\x1b[" not in lines[0]  # no colour in a pipe
    return lines[0]


def error_object(result: subprocess.CompletedProcess[str], code: Exit) -> dict[str, Any]:
    """``result`` of a command run with ``--json``: its one sentence on stderr, and on stdout
    exactly one JSON document, the error object of ``code`` saying the same sentence."""
    line = said(result, code)
    document = json.loads(result.stdout)  # one document: anything more would not parse
    Draft202012Validator(SCHEMA).validate(document)
    error: dict[str, Any] = document["error"]
    assert (error["kind"], error["exit"]) == (code.name, int(code))
    assert error["message"] == line
    return error


class Here:
    """A data directory with a migrated ledger and one ISU person, and no engine: the
    commands run as processes against it."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.dead = f"127.0.0.1:{free_port()}"  # nothing listens there
        self.run("db", "upgrade")
        self.token = self.add("Ines Moreau")

    def run(self, *args: str, code: Exit = Exit.done, **more: str
            ) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
        env.update(INTERSESSIONAL_DATA_DIR=str(self.data_dir),
                   INTERSESSIONAL_TEMPORAL_ADDRESS=self.dead, **more)
        ran = subprocess.run([str(INTERSESSIONAL), *args], env=env, capture_output=True,
                             text=True, timeout=COMMAND, check=False)
        if code is Exit.done:
            assert ran.returncode == 0, ran.stdout + ran.stderr
        return ran

    def add(self, name: str) -> str:
        """The token of a new ISU person: a step that writes, so the next valid one."""
        added = ADDED.search(self.run("users", "add", name, "--role", "isu").stdout)
        assert added
        return added[1]

    def head(self) -> int:
        engine = create_ledger_engine(Settings(data_dir=self.data_dir).effective_ledger_url)
        try:
            return Ledger(engine).head()
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def here(tmp_path_factory: pytest.TempPathFactory) -> Here:
    return Here(tmp_path_factory.mktemp("exit-codes") / "data")


def test_an_unknown_flag_is_one_sentence_with_click_s_suggestion(here: Here) -> None:
    line = said(here.run("cycle", "status", "--yeer", "2027", code=Exit.usage), Exit.usage)
    assert line == ("intersessional cycle status: no such option: --yeer (did you mean "
                    "--year?); `intersessional cycle status --help` says how it is used.")
    error = error_object(here.run("cycle", "status", "--yeer", "2027", "--json",
                                  code=Exit.usage), Exit.usage)
    assert "rule_id" not in error
    missing = said(here.run("cycle", "status", code=Exit.usage), Exit.usage)
    assert "missing option '--year'" in missing
    assert said(here.run("cycle", "statuz", code=Exit.usage), Exit.usage).startswith(
        "intersessional cycle: no such command 'statuz'")
    # help is no error: the group alone and --help exit 0, on stdout
    for asked in (("cycle",), ("cycle", "status", "--help"), ()):
        shown = here.run(*asked)
        assert "Usage: intersessional" in shown.stdout


def test_a_malformed_date_is_one_sentence_and_nothing_is_read(here: Here) -> None:
    line = said(here.run("audit", "replay", "--as-of", "yesterday", code=Exit.usage),
                Exit.usage)
    assert line.startswith("--as-of 'yesterday' is not a date or date-time")
    error_object(here.run("audit", "replay", "--as-of", "yesterday", "--json",
                          code=Exit.usage), Exit.usage)


def test_a_year_with_no_cycle_is_not_found(here: Here) -> None:
    before = here.head()
    line = said(here.run("cycle", "status", "--year", "2999", code=Exit.not_found),
                Exit.not_found)
    assert line.startswith("the ledger records no 2999 cycle")
    error_object(here.run("cycle", "status", "--year", "2999", "--json",
                          code=Exit.not_found), Exit.not_found)
    # read from the ledger alone: the engine being down does not change the answer
    error_object(here.run("pending", "--year", "2999", "--json", code=Exit.not_found),
                 Exit.not_found)
    assert here.head() == before


def test_an_engine_that_is_down_is_named_with_its_address(here: Here) -> None:
    before = here.head()
    step = ("cycle", "open", "--year", str(YEAR), "--token", here.token)
    line = said(here.run(*step, code=Exit.unreachable), Exit.unreachable)
    assert line == (f"no Temporal server answers at {here.dead}; start one with "
                    "`intersessional dev`, or set INTERSESSIONAL_TEMPORAL_ADDRESS to one that "
                    "runs.")
    error_object(here.run(*step, "--json", code=Exit.unreachable), Exit.unreachable)
    # the audit, which would start the embedded engine if the data directory held one
    checked = here.run("audit", "cross-check", "--json", code=Exit.unreachable)
    assert error_object(checked, Exit.unreachable)["message"].startswith(
        f"no Temporal server answers at {here.dead}, and ")
    assert here.head() == before
    here.add("Next Person")  # the next valid step still works


def test_an_unknown_token_is_refused_before_anything_is_sent(here: Here) -> None:
    before = here.head()
    step = ("cycle", "open", "--year", str(YEAR), "--token", UNKNOWN_TOKEN)
    assert "no one holds that token" in said(here.run(*step, code=Exit.usage), Exit.usage)
    error_object(here.run(*step, "--json", code=Exit.usage), Exit.usage)
    assert here.head() == before


def test_a_refused_step_names_its_rule_and_the_next_valid_step_is_taken(shared_dev: Dev
                                                                        ) -> None:
    shared_dev.ready()
    added = ADDED.search(shared_dev.cli("users", "add", "Ines Moreau", "--role", "isu").stdout)
    assert added
    token = {"INTERSESSIONAL_TOKEN": added[1]}
    shared_dev.cli("cycle", "open", "--year", str(YEAR), env=token)
    before = shared_dev.head()
    held = ("meeting", "held", "--year", str(YEAR), "--records", "ISU/IM")  # not in this phase
    refused = shared_dev.cli(*held, exit_code=Exit.refused, env=token)
    assert said(refused, Exit.refused).startswith("refused IM-1 (")
    assert refused.stdout == ""
    error = error_object(shared_dev.cli(*held, "--json", exit_code=Exit.refused, env=token),
                         Exit.refused)
    assert error["rule_id"] == "IM-1"
    assert error["message"].startswith(f"refused IM-1 ({error['source']}): ")
    unknown = shared_dev.cli(*held, "--json", exit_code=Exit.usage,
                             env={"INTERSESSIONAL_TOKEN": UNKNOWN_TOKEN})
    assert "no one holds that token" in error_object(unknown, Exit.usage)["message"]
    assert shared_dev.head() == before
    opened = json.loads(shared_dev.cli("cycle", "open", "--year", str(YEAR + 1), "--json",
                                       env=token).stdout)
    assert opened["position"] == before + 1


async def test_cross_check_json_with_the_engine_stopped_is_one_document(dev: Dev) -> None:
    """The audit starts the stopped dev engine's Temporal for the while; its banner goes to
    stderr, and stdout is the cross-check's one JSON document."""
    dev.start()
    await dev.client()
    dev.ready()
    added = ADDED.search(dev.cli("users", "add", "Ines Moreau", "--role", "isu").stdout)
    assert added
    dev.cli("cycle", "open", "--year", str(YEAR), env={"INTERSESSIONAL_TOKEN": added[1]})
    dev.interrupt()
    assert dev.wait_gone()
    checked = dev.cli("audit", "cross-check", "--year", str(YEAR), "--json")
    found = json.loads(checked.stdout)
    assert found["agrees"] is True, found
    assert found["years"] == [YEAR]
    assert found["rows"] >= 1


def test_a_ledger_database_that_is_down_is_unreachable(here: Here) -> None:
    """A PostgreSQL ledger where no server listens: a command reading it through the CLI's
    ledger (``cycle status``) and one reading it directly (``audit verify``) both say so in
    one sentence, exit 3."""
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing"
    for command in (("cycle", "status", "--year", "2030"), ("audit", "verify")):
        ran = here.run(*command, "--json", code=Exit.unreachable, INTERSESSIONAL_LEDGER_URL=url)
        message = error_object(ran, Exit.unreachable)["message"]
        assert message.startswith("no database answers for the ledger at postgresql+psycopg://")
    here.add("Another Person")  # the ledger the settings name by default still takes a step
