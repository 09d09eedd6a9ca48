"""``--json`` everywhere (issue 22): every command but the servers and walk-throughs takes it
and has a schema in ``docs/schemas/``; the schemas are what ``scripts/json_schemas.py``
writes; and every reading command, run as a real process on the demo's data — with the engine
running and again with it stopped — writes exactly one JSON document on stdout that its
schema accepts (the error object, for a command that needs the engine when it is stopped).
Besides the demo's years, the data holds a coalition, a silence procedure and an exported
bundle, so that their commands read something: listed, shown, verified.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from cli.app import COMMANDS, loaded
from ledger import Ledger, create_ledger_engine
from settings import Settings
from tests.cli.demo_data import DemoDev, engine_on, environment, left, made_demo, ran
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schemas"
EXEMPT = {"worker", "dev", "api", "demo", "tour"}  # servers and walk-throughs
COMMAND = 60.0


def walked(command: Any, words: list[str]) -> Iterator[tuple[str, Any]]:
    """Every leaf command under ``command``, named by its words joined by ``-``."""
    if hasattr(command, "commands"):  # a group
        for name, sub in command.commands.items():
            yield from walked(sub, [*words, name])
    else:
        yield "-".join(words), command


def every_command() -> dict[str, Any]:
    return {name: command for top in COMMANDS if top not in EXEMPT
            for name, command in walked(loaded(top), [top])}


def test_every_command_takes_json_and_has_a_schema() -> None:
    found = every_command()
    assert len(found) > 60  # the walk reached into the groups
    lacking = [name for name, command in found.items()
               if not any("--json" in p.opts for p in command.params)]
    assert not lacking, f"commands without --json: {lacking}"
    unschemed = [name for name in found if not (SCHEMAS / f"{name}.schema.json").is_file()]
    assert not unschemed, f"commands without a schema in docs/schemas/: {unschemed}"
    listed = (SCHEMAS / "README.md").read_text(encoding="utf-8")
    assert all(f"[{name}.schema.json]" in listed for name in found)


def test_the_schemas_are_current() -> None:
    ran = subprocess.run([sys.executable, str(ROOT / "scripts" / "json_schemas.py")],
                         capture_output=True, text=True, cwd=ROOT, timeout=COMMAND, check=False)
    assert ran.returncode == 0, ran.stderr


def _registry() -> Registry:
    documents = [json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")]
    return Registry().with_resources(
        (d["$id"], Resource.from_contents(d)) for d in documents if "$id" in d)


REGISTRY = _registry()


def valid(name: str, document: Any) -> None:
    """``document`` as ``docs/schemas/<name>.schema.json`` describes it."""
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema, registry=REGISTRY,
                         format_checker=Draft202012Validator.FORMAT_CHECKER).validate(document)


def test_a_broken_shape_is_caught() -> None:
    """The schemas are strict enough to tell: a missing field, a wrong type, one too many."""
    good = {"year": 2027, "events": []}
    valid("cycle-timeline", good)
    broken: dict[str, Any]
    for broken in ({"events": []}, {"year": "2027", "events": []},
                   {**good, "extra": 1}, {"year": 2027, "events": [{"position": 1}]}):
        with pytest.raises(ValidationError):
            valid("cycle-timeline", broken)


@dataclass
class Demo:
    """The demo's data (``<root>/demo``), its year, a person of the ISU's token, and what the
    fixture put on its record besides: a coalition, a silence procedure, an exported bundle."""

    root: Path
    year: int
    token: str
    person: int
    last: int  # the latest cycle the demo left
    coalition: str
    silence: str

    @property
    def data(self) -> Path:
        return self.root / "demo"

    @property
    def bundle(self) -> Path:
        return self.root / "bundle.zip"


def one_document(args: list[str], done: subprocess.CompletedProcess[str]) -> Any:
    """stdout as exactly one JSON document (``json.loads`` refuses anything after it)."""
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError as error:
        pytest.fail(f"intersessional {' '.join(args)} --json wrote no single JSON document "
                    f"on stdout ({error}), exit {done.returncode}:\n{done.stdout!r}\n"
                    f"stderr:\n{done.stderr}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("json-outputs")
    data = made_demo(root)
    years = sorted(int(s.removeprefix("cycle-")) for s in _streams(data))
    args = ["users", "add", "Ada Json", "--role", "isu", "--json"]
    added = ran(args, environment(data))
    assert added.returncode == 0, added.stderr
    document = one_document(args, added)
    valid("users-add", document)
    with engine_on(data) as dev:
        coalition, silence = on_the_record(dev, left(data)["PRESIDENT_STATE"])
        exported = ["audit", "export", "--from-year", str(years[0]), "--to-year",
                    str(years[-1]), "--out", str(root / "bundle.zip"), "--json"]
        valid("audit-export", one_document(exported, dev.cli(*exported)))
    return Demo(root, years[0], document["token"], document["person"]["id"], years[-1],
                coalition, silence)


def on_the_record(dev: DemoDev, presiding: str) -> tuple[str, str]:
    """A coalition opened by a committee member (the README's: Iraq sits on the committee
    the demo elected) and a silence procedure circulated by the President in office, its
    deadline a month away: their ids."""
    member = dev.add("Ana Díaz", "committee_member", "IRQ")
    chair = dev.add("Rosa Chair", "president", presiding)
    args = ["coalition", "open", "--affected", "LAO", "--donor", "AUS", "--focus",
            "clearance-and-risk-reduction-education", "--token", member, "--json"]
    opened = one_document(args, dev.cli(*args))
    valid("coalition-open", opened)
    args = ["silence", "circulate", "--subject", "Dates of the next MSP", "--reference",
            "CCM/MSP/SP.1", "--sha256", "ab" * 32, "--in", "30d", "--token", chair, "--json"]
    circulated = one_document(args, dev.cli(*args))
    valid("silence-circulate", circulated)
    return opened["id"], circulated["id"]


def _streams(data: Path) -> list[str]:
    engine = create_ledger_engine(Settings(data_dir=data).effective_ledger_url)
    try:
        return Ledger(engine).streams("cycle-")
    finally:
        engine.dispose()


def reading(demo: Demo) -> dict[str, list[str]]:
    """Every reading command, by its schema's name, with its arguments."""
    y, token = str(demo.year), ["--token", demo.token]
    return {
        "cycle-status": ["cycle", "status", "--year", y],
        "cycle-timeline": ["cycle", "timeline", "--year", y],
        "pending": ["pending", "--year", y, *token],
        "tasks": ["tasks", *token],
        "workplan-show": ["workplan", "show", "--year", y],
        "audit-verify": ["audit", "verify"],
        "audit-replay": ["audit", "replay", "--year", y],
        "audit-cross-check": ["audit", "cross-check", "--year", y],
        "db-verify": ["db", "verify"],
        "keys-list": ["keys", "list"],
        "users-list": ["users", "list"],
        "notices": ["notices"],
        "coalition-list": ["coalition", "list"],
        "coalition-status": ["coalition", "status", "--coalition", demo.coalition],
        "silence-list": ["silence", "list"],
        "silence-status": ["silence", "status", "--procedure", demo.silence],
        "audit-verify-bundle": ["audit", "verify-bundle", str(demo.bundle)],
        "states": ["states"],
        "mandates": ["mandates"],
        "history-schema": ["history", "schema"],
        "engine-recover": ["engine", "recover", "--dry-run"],
    }


#: the reading commands that ask the engine itself (the others read the ledger, or start the
#: embedded engine from the data directory, as the audit does)
ENGINE = {"engine-recover", "cycle-schedule", "cycle-open"}


def run_all(commands: dict[str, list[str]], env: dict[str, str], engine_up: bool
            ) -> dict[str, Any]:
    """Each command with --json: one document on stdout, valid against its schema — or, for
    one that needs the engine while it is stopped, against the error object's. The
    documents, by name."""
    with ThreadPoolExecutor(4) as pool:
        done = dict(zip(commands, pool.map(lambda a: ran([*a, "--json"], env),
                                           commands.values()), strict=True))
    documents = {}
    for name, result in done.items():
        args = commands[name]
        documents[name] = one_document(args, result)
        if not engine_up and name in ENGINE:
            assert result.returncode == 3, f"{args} exited {result.returncode}, engine stopped"
            valid("error", documents[name])
            assert documents[name]["error"]["kind"] == "unreachable", documents[name]
            continue
        assert result.returncode == 0, (f"intersessional {' '.join(args)} --json exited "
                                        f"{result.returncode}:\n{result.stderr}")
        valid(name, documents[name])
    return documents


def on_record(demo: Demo, read: dict[str, Any]) -> None:
    """The coalition, the silence procedure and the bundle the fixture made, as read: listed,
    each status its own, the bundle intact."""
    assert [c["id"] for c in read["coalition-list"]] == [demo.coalition]
    assert [p["id"] for p in read["silence-list"]] == [demo.silence]
    assert (read["coalition-status"]["id"], read["coalition-status"]["events"]) == (
        demo.coalition, 1)
    assert (read["silence-status"]["id"], read["silence-status"]["phase"]) == (
        demo.silence, "under_silence")
    assert read["audit-verify-bundle"]["intact"] is True, read["audit-verify-bundle"]


def test_every_reading_command_with_the_engine_running(demo: Demo) -> None:
    with engine_on(demo.data) as dev:
        commands = reading(demo) | {
            "cycle-schedule": ["cycle", "schedule", "--on", "09-07"],
            "cycle-open": ["cycle", "open", "--year", str(demo.last + 1), "--token", demo.token]}
        on_record(demo, run_all(commands, dev.env, engine_up=True))


def test_every_reading_command_with_the_engine_stopped(demo: Demo) -> None:
    commands = reading(demo) | {
        "cycle-open": ["cycle", "open", "--year", str(demo.year), "--token", demo.token]}
    # the engine's address: nothing listens there now
    env = environment(demo.data, INTERSESSIONAL_TEMPORAL_ADDRESS=f"127.0.0.1:{free_port()}")
    on_record(demo, run_all({k: v for k, v in commands.items() if k not in ENGINE}, env,
                            engine_up=False))
    run_all({k: v for k, v in commands.items() if k in ENGINE}, env, engine_up=False)


def test_the_writing_commands_on_a_copy(demo: Demo, tmp_path: Path) -> None:
    """What the commands that write say of what they wrote, on a copy of the demo's data."""
    data = tmp_path / "data"
    shutil.copytree(demo.data, data, ignore=shutil.ignore_patterns("*.log"))
    env = environment(data)
    y, token, person = str(demo.year), ["--token", demo.token], str(demo.person)
    text = tmp_path / "note.txt"
    text.write_text("A note for the record.\n", encoding="utf-8")
    first = {
        "db-upgrade": ["db", "upgrade"],
        "db-checkpoint": ["db", "checkpoint"],
        "db-snapshot": ["db", "snapshot"],
        "db-keygen": ["db", "keygen", "--out", str(tmp_path / "keys" / "signing.pem")],
        "db-backup": ["db", "backup", str(tmp_path / "backup")],
        "engine-certs": ["engine", "certs", "--out", str(tmp_path / "certs")],
        "documents-upload": ["documents", "upload", str(text), *token],
        "audit-export": ["audit", "export", "--from-year", y, "--to-year", y,
                         "--out", str(tmp_path / "bundle.zip")],
        "audit-report": ["audit", "report", "--from-year", y, "--to-year", y,
                         "--out", str(tmp_path / "report.html"),
                         "--tables-json", str(tmp_path / "tables.json")],
        "users-set-email": ["users", "set-email", person, "ada@example.org"],
        "users-calendar-url": ["users", "calendar-url", person],
        "users-language": ["users", "language", person, "fr"],
        "keys-rotate": ["keys", "rotate"],
    }
    for name, args in first.items():  # one after another: they write the same database
        run_all({name: args}, env, engine_up=False)
    sha = json.loads(ran(["documents", "upload", str(text), *token, "--json"], env).stdout)
    then = {"audit-verify-bundle": ["audit", "verify-bundle", str(tmp_path / "bundle.zip")],
            "documents-get": ["documents", "get", sha["sha256"], "--out",
                              str(tmp_path / "back.txt")],
            "users-revoke": ["users", "revoke", person]}
    for name, args in then.items():
        run_all({name: args}, env, engine_up=False)
    assert (tmp_path / "back.txt").read_bytes() == text.read_bytes()
    people = {p["id"]: p for p in json.loads(ran(["users", "list", "--json"], env).stdout)}
    assert people[demo.person]["language"] == "fr"
