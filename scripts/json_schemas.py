"""The JSON Schemas (draft 2020-12) of what every command prints with ``--json``, written to
``docs/schemas/`` (``--write``) or checked against it (``--check``, as
``tests/cli/test_json_outputs.py`` does): one ``<command words joined by ->.schema.json`` each,
``common.schema.json`` for the shapes many share (a step's receipt, a person, an event) and
``error.schema.json`` for the error object (``cli.output.error_document``).

A shape printed from a pydantic model (``model_dump(mode="json")``) is generated from that model
(:class:`pydantic.TypeAdapter`, serialization mode) and made strict: every property it dumps is
required, no other is allowed. The shapes the commands put together themselves are written
here by hand, next to the command they belong to (``cli/``).

    .venv/bin/python scripts/json_schemas.py --write
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from attesting.keyring import KeyEntry, Keyring
from audit.bundle_format import Manifest
from audit.crosscheck import CrossCheck
from audit.offline import BundleReport
from audit.verification import Verification
from cli.output import Exit
from contracts import Receipt
from domain.attachments import Attachment
from domain.attestation import Attestation
from domain.coalition_state import CoalitionState
from domain.mandates import Mandate
from domain.procedure import PendingStep
from domain.silence_state import SilenceState
from domain.state import CycleState
from domain.workplan import Workplan
from domain.workplan_changes import Changes
from identities import Person
from ledger.attention import Attention
from ledger.notices import Notice
from ledger.problems import Report
from ledger.records import StoredEvent
from reading.on_day import OnDay
from reading.tasks import Task
from recovery.repair import Repaired
from recovery.survey import Standing

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "schemas"
BASE = "https://intersessional.example/schemas/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
S = dict[str, Any]

STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
NULL = {"type": "null"}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
#: the error object's schema is the `errors` change's to keep (exit codes, cli/common.py): the
#: one here is written only where there is none, and never checked against the file
ERROR = "error.schema.json"


def nullable(schema: S) -> S:
    return {"anyOf": [schema, NULL]}


def array(items: S) -> S:
    return {"type": "array", "items": items}


def obj(required: S, optional: S | None = None, *, extra: bool = False) -> S:
    """An object with ``required`` properties, ``optional`` ones, and (unless ``extra``) no
    other."""
    found: S = {"type": "object", "properties": {**required, **(optional or {})},
                "required": list(required)}
    if not extra:
        found["additionalProperties"] = False
    return found


def common(name: str) -> S:
    return {"$ref": f"common.schema.json#/$defs/{name}"}


def strict(schema: Any) -> Any:
    """Every object a model dumps has all its properties, and no other: each is required."""
    if isinstance(schema, dict):
        found = {k: strict(v) for k, v in schema.items()}
        if isinstance(found.get("properties"), dict) and found.get("type") == "object":
            found["required"] = list(found["properties"])
            found.setdefault("additionalProperties", False)
        return found
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


class Schema:
    """One file: its ``$defs`` gathered from the models it names."""

    def __init__(self) -> None:
        self.defs: S = {}

    def model(self, shape: Any) -> S:
        """The schema of ``shape`` (a model, a dataclass, a type) as it is dumped to JSON."""
        found = TypeAdapter(shape).json_schema(mode="serialization",
                                               ref_template="#/$defs/{model}")
        for name, definition in strict(found.pop("$defs", {})).items():
            if self.defs.setdefault(name, definition) != definition:
                raise SystemExit(f"two shapes named {name}: give one a name of its own")
        return strict(found)  # type: ignore[no-any-return]

    def resolve(self, schema: S) -> S:
        """``schema``, or the definition it refers to."""
        return self.defs[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema

    def with_(self, shape: Any, required: S, optional: S | None = None) -> S:
        """``shape``'s object with properties added (``{"intact": …, **model_dump()}``)."""
        found = dict(strict(self.resolve(self.model(shape))))
        found["properties"] = {**found["properties"], **required, **(optional or {})}
        found["required"] = [*found["required"], *required]
        found.pop("title", None)
        return found

    def document(self, name: str, body: S, description: str) -> S:
        return {"$schema": DRAFT, "$id": f"{BASE}{name}.schema.json", "title": name,
                "description": description, **body,
                **({"$defs": dict(sorted(self.defs.items()))} if self.defs else {})}


# the shapes many commands share ----------------------------------------------------------

def _common() -> tuple[S, str]:
    s = Schema()
    receipt = s.with_(Receipt, {"step": STRING, "actor": STRING, "role": STRING,
                                "represents": nullable(STRING)},
                      {"year": INTEGER, "id": STRING, "content_hash": SHA256,
                       "sentence": STRING, "attestation": nullable(s.model(Attestation)),
                       "deadline": STRING, "sha256": SHA256})
    receipt["oneOf"] = [{"required": ["year"]}, {"required": ["id"]}]
    receipt["description"] = ("A recorded step (cli.taking.report): where it was recorded, "
                              "what, by whom; a cycle's by its year, a process's by its id.")
    s.defs.update(receipt=receipt, person=s.model(Person), event=s.model(StoredEvent))
    return (s.document("common", {}, "Shapes many commands' documents share."),
            "a step's receipt, a person, an event")


def _error() -> tuple[S, str]:
    kinds = [e.name for e in Exit if e is not Exit.done]
    body = obj({"error": obj({"kind": {"enum": kinds}, "exit": {"enum": [
        int(Exit[k]) for k in kinds]}, "message": STRING},
        {"rule_id": STRING, "source": STRING})})
    return (Schema().document("error", body, "The error object a command prints with --json "
                              "when it fails (cli.output.error_document)."),
            "the error object: kind, exit code, message (and a refusal's rule)")


# one builder per command: (its body, what it holds) -----------------------------------------
Built = tuple[S, str]


def _receipt(s: Schema) -> Built:
    return common("receipt"), "the step's receipt"


def _db_upgrade(s: Schema) -> Built:
    return obj({"ledger": STRING, "revision": nullable(STRING)}), \
        "the ledger (its URL, password hidden) and its schema's revision"


def _db_keygen(s: Schema) -> Built:
    return obj({"signing_key": STRING, "public_key": STRING, "key_id": STRING,
                "attestation_key": STRING, "keyring": STRING}), \
        "the paths of the keys written and the signing key's id"


def _db_checkpoint(s: Schema) -> Built:
    return obj({"tree_size": INTEGER, "root_hash": STRING, "taken_at": STRING,
                "key_id": STRING, "signature": STRING}), "the signed checkpoint"


def _db_snapshot(s: Schema) -> Built:
    return obj({"taken": INTEGER, "every": INTEGER}), \
        "how many snapshots were taken, and every how many events of a stream"


def _db_verify(s: Schema) -> Built:
    return s.with_(Report, {"intact": BOOLEAN, "signing_key": STRING}), \
        "whether the ledger is intact, what was checked, the first problem"


def _copy(nullable_: bool = False) -> S:
    found = obj({"file": STRING, "source": STRING, "copied_at": STRING, "bytes": INTEGER,
                 "sha256": SHA256}, {"head_position": INTEGER, "last_hash": nullable(STRING)})
    return nullable(found) if nullable_ else found


def _manifest() -> S:
    return obj({"format": STRING, "taken_at": STRING, "temporal": _copy(True),
                "ledger": _copy()})


def _db_backup(s: Schema) -> Built:
    return {**_manifest(), "properties": {"directory": STRING, **_manifest()["properties"]},
            "required": ["directory", *_manifest()["required"]]}, \
        "the backup's directory and manifest (each copy's size and SHA-256)"


def _db_restore(s: Schema) -> Built:
    return obj({"directory": STRING, "manifest": _manifest(),
                "set_aside": {"type": "object", "additionalProperties": STRING}}), \
        "the manifest restored and where the databases replaced were kept"


def _audit_verify(s: Schema) -> Built:
    return s.with_(Verification, {"intact": BOOLEAN}), \
        "the ledger's verification: chains, checkpoints, signatures, attestations"


def _audit_replay(s: Schema) -> Built:
    states = {"anyOf": [s.model(CycleState), s.model(CoalitionState), s.model(SilenceState)]}
    stream = obj({"as_of": nullable(STRING), "phase": STRING, "signed": INTEGER,
                  "chained_only": INTEGER, "later": INTEGER, "state": states,
                  "events": array(common("event"))},
                 {"year": INTEGER, "coalition": STRING, "silence": STRING})
    stream["oneOf"] = [{"required": [k]} for k in ("year", "coalition", "silence")]
    return {"anyOf": [stream, s.model(OnDay)]}, \
        "a process as of a moment (state, events, how many signed) or the machinery on a day"


def _audit_cross_check(s: Schema) -> Built:
    return s.with_(CrossCheck, {"agrees": BOOLEAN}), \
        "the ledger against Temporal's histories: what was compared, every difference"


def _written() -> S:
    return obj({"path": STRING, "bytes": INTEGER, "sha256": SHA256})


def _audit_export(s: Schema) -> Built:
    body = _written()
    body["properties"]["manifest"] = s.model(Manifest)
    body["required"].append("manifest")
    return body, "the bundle written (path, size, SHA-256) and its manifest"


def _audit_verify_bundle(s: Schema) -> Built:
    return s.with_(BundleReport, {"bundle": STRING, "intact": BOOLEAN}), \
        "what the bundle proved offline, and its first problem"


def _audit_report(s: Schema) -> Built:
    file = {**_written(), "properties": {"kind": {"enum": ["html", "pdf", "csv", "tables_json"]},
                                         **_written()["properties"]},
            "required": ["kind", *_written()["required"]]}
    return obj({"from_year": INTEGER, "to_year": INTEGER, "symbol": STRING,
                "issued": {"type": "string", "format": "date"}, "language": STRING,
                "intact": BOOLEAN, "events": INTEGER, "files": array(file)}), \
        "the report's years, symbol, language, the ledger's verdict and every file written"


def _cycle_status(s: Schema) -> Built:
    return obj({"year": INTEGER, "phase": STRING, "pending": array(s.model(PendingStep)),
                "attention": nullable(s.model(Attention)), "state": s.model(CycleState)}), \
        "the cycle's phase, the steps open now, what needs attention, its whole state"


def _cycle_timeline(s: Schema) -> Built:
    return obj({"year": INTEGER, "events": array(common("event"))}), \
        "the cycle's events as the ledger holds them"


def _cycle_schedule(s: Schema) -> Built:
    return obj({"schedule": STRING, "month": INTEGER, "day": INTEGER, "hour": INTEGER,
                "task_queue": STRING}), "the Temporal Schedule registered and when it fires"


def _engine_recover(s: Schema) -> Built:
    found = s.with_(Standing, {"repair": STRING})
    repaired = s.with_(Repaired, {"healed": BOOLEAN})
    return obj({"dry_run": BOOLEAN, "streams": array({"anyOf": [found, repaired]})}), \
        "each stream that disagreed with the ledger: what was (or would be) repaired"


def _engine_certs(s: Schema) -> Built:
    return obj({"directory": STRING, "issued": array(obj(
        {"name": STRING, "certificate": STRING, "key": STRING, "expires": STRING}))}), \
        "the certificates and keys written (paths) and until when"


def _keys_list(s: Schema) -> Built:
    return s.model(Keyring), "the keyring: every key, in use, retired or revoked"


def _keys_rotate(s: Schema) -> Built:
    return obj({"retired": s.model(KeyEntry), "new": s.model(KeyEntry)}), \
        "the key retired and the new one"


def _keys_revoke(s: Schema) -> Built:
    return s.model(KeyEntry), "the key revoked"


def _users_add(s: Schema) -> Built:
    return obj({"person": common("person"), "token": STRING}), \
        "the person registered and their token (shown once)"


def _person(s: Schema) -> Built:
    return common("person"), "the person as the ledger now records them"


def _users_list(s: Schema) -> Built:
    return array(common("person")), "everyone registered (no tokens)"


def _users_calendar_url(s: Schema) -> Built:
    return obj({"person": common("person"), "url": STRING}), \
        "the person and their calendar's address (shown once)"


def _coalition_status(s: Schema) -> Built:
    props = s.resolve(s.model(CoalitionState))["properties"]
    side = obj({"state": STRING, "name": STRING, "as": STRING, "state_party": BOOLEAN,
                "agreed": BOOLEAN})
    workshop = s.resolve(props["workshops"]["items"])["properties"]
    plan = s.resolve(workshop["plan"])["properties"]
    return obj({"id": STRING, "phase": STRING, "non_state_party": props["non_state_party"],
                "co_coordinators": array(side), "focus": array(STRING),
                "strategy": props["strategy"], "participants": props["participants"],
                "workshops": array(obj({**plan, "outcomes": workshop["outcomes"]})),
                "activities": props["activities"], "reports": props["reports"],
                "closed_because": nullable(STRING), "events": INTEGER}), \
        "the coalition: its States, focus, strategy, participants, workshops, reports"


def _coalition_list(s: Schema) -> Built:
    return array(obj({"id": STRING, "phase": STRING, "co_coordinators": array(STRING)})), \
        "every coalition with its phase and co-coordinators"


def _silence_status(s: Schema) -> Built:
    props = s.resolve(s.model(SilenceState))["properties"]
    return obj({"id": STRING, "phase": STRING, "subject": props["subject"],
                "text": props["text"], "deadline": nullable(STRING),
                "circulation": props["circulation"],
                "objections": array(obj({"state": STRING, "objection": STRING})),
                "events": INTEGER}), "the procedure: its text, deadline and objections"


def _silence_list(s: Schema) -> Built:
    return array(obj({"id": STRING, "phase": STRING, "subject": STRING})), \
        "every silence procedure with its phase"


def _history_schema(s: Schema) -> Built:
    return obj({"$schema": STRING, "$id": STRING}, extra=True), \
        "the history file format's JSON Schema (docs/history.schema.json)"


def _history_import(s: Schema) -> Built:
    year = obj({"year": INTEGER, "outcome": STRING, "events": INTEGER,
                "warnings": array(STRING)})
    refused = obj({"rule_id": STRING, "message": STRING, "line": nullable(INTEGER),
                   "year": nullable(INTEGER), "sentence": STRING})
    return obj({"file": STRING, "dry_run": BOOLEAN, "years": array(year),
                "refused": nullable(refused)}), "each year's outcome and the refusal, if any"


def _notices(s: Schema) -> Built:
    return array(s.with_(Notice, {"person": nullable(STRING)})), \
        "the notices kept, newest first, each with its person's name"


def _documents_upload(s: Schema) -> Built:
    return s.model(Attachment), "the document stored: SHA-256, size, media type, filename"


def _documents_get(s: Schema) -> Built:
    return obj({"sha256": SHA256, "written": _written()}), "the file written: path, size, SHA-256"


def _pending(s: Schema) -> Built:
    step = s.with_(PendingStep, {"yours": BOOLEAN, "command": STRING})
    return obj({"year": INTEGER, "phase": STRING, "person": nullable(common("person")),
                "pending": array(step)}), "the steps open now, which are yours, their commands"


def _tasks(s: Schema) -> Built:
    return obj({"person": common("person"), "tasks": array(s.model(Task))}), \
        "the steps waiting for the token's holder"


def _workplan_show(s: Schema) -> Built:
    return obj({"year": INTEGER, "content_hash": SHA256, "drafted_at_version": INTEGER,
                "workplan": s.model(Workplan), "total": STRING, "currency": STRING,
                "returned_hash": nullable(SHA256), "returned_reasons": nullable(STRING),
                "changes": nullable(s.model(Changes))}), \
        "the work plan, its SHA-256 and total, what changed since the version returned"


def _states(s: Schema) -> Built:
    date = nullable({"type": "string", "format": "date"})
    return array(obj({"iso3": {"type": "string", "pattern": "^[A-Z]{3}$"}, "name": STRING,
                      "status": STRING, "affected": BOOLEAN, "donor": BOOLEAN,
                      "note": STRING, "joined": date, "in_force": date, "withdrew": date})), \
        "the States of the shipped registry"


def _mandates(s: Schema) -> Built:
    return array(s.model(Mandate)), "the working groups and thematic areas"


STEPS = ("cycle-open", "coalition-open", "coalition-agree", "coalition-strategy",
         "coalition-join", "coalition-leave", "coalition-activity", "coalition-report",
         "coalition-close", "coalition-workshop-plan", "coalition-workshop-held",
         "silence-circulate", "silence-break", "silence-recirculate", "silence-withdraw",
         "elect", "president-designate", "meeting-convene",
         "meeting-dispense", "meeting-held", "workplan-draft", "workplan-submit",
         "workplan-approve", "workplan-return", "workplan-send-to-msp", "workplan-adopt",
         "msp-adopt", "msp-reject", "end-term")
#: each command's schema (``<command words joined by ->``) and how it is built
COMMANDS: dict[str, Callable[[Schema], Built]] = {
    "db-upgrade": _db_upgrade, "db-keygen": _db_keygen, "db-checkpoint": _db_checkpoint,
    "db-snapshot": _db_snapshot, "db-verify": _db_verify, "db-backup": _db_backup,
    "db-restore": _db_restore,
    "audit-verify": _audit_verify, "audit-replay": _audit_replay,
    "audit-cross-check": _audit_cross_check, "audit-export": _audit_export,
    "audit-verify-bundle": _audit_verify_bundle, "audit-report": _audit_report,
    "cycle-status": _cycle_status, "cycle-timeline": _cycle_timeline,
    "cycle-schedule": _cycle_schedule, "engine-recover": _engine_recover,
    "engine-certs": _engine_certs, "keys-list": _keys_list, "keys-rotate": _keys_rotate,
    "keys-revoke": _keys_revoke, "users-add": _users_add, "users-list": _users_list,
    "users-revoke": _person, "users-set-email": _person,
    "users-calendar-url": _users_calendar_url, "users-language": _person,
    "coalition-status": _coalition_status, "coalition-list": _coalition_list,
    "silence-status": _silence_status, "silence-list": _silence_list,
    "history-schema": _history_schema, "history-import": _history_import,
    "notices": _notices, "documents-upload": _documents_upload,
    "documents-get": _documents_get, "pending": _pending, "tasks": _tasks,
    "workplan-show": _workplan_show, "states": _states, "mandates": _mandates,
    **dict.fromkeys(STEPS, _receipt),
}


def schemas() -> dict[str, tuple[S, str]]:
    """Every file's document and what it holds, by file name."""
    found = {"common.schema.json": _common(), ERROR: _error()}
    for name, build in sorted(COMMANDS.items()):
        s = Schema()
        body, holds = build(s)
        found[f"{name}.schema.json"] = (s.document(name, body, f"--json: {holds}"), holds)
    return found


def text(document: S) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def readme(found: dict[str, tuple[S, str]]) -> str:
    rows = "\n".join(f"| `{name.removesuffix('.schema.json')}` | [{name}]({name}) | {holds} |"
                     for name, (_, holds) in found.items())
    return f"""# What the commands print with `--json`

Every command that reads or prints a result takes `--json` and then writes exactly one JSON
document on stdout (everything else on stderr); on an error, the error object of
[error.schema.json](error.schema.json) (`cli/output.py`). Each schema here is JSON Schema
draft 2020-12, written by `scripts/json_schemas.py --write` — generated from the pydantic model
that produces the output where there is one — and `tests/cli/test_json_outputs.py` checks
that the files are current and that every command's output validates against its schema.
The servers and walk-throughs (`worker`, `dev`, `api`, `demo`, `tour`) print none.

The name is the command's words joined by `-` (`intersessional workplan send-to-msp` →
`workplan-send-to-msp`); for a command of a process (`coalition …`, `silence …`) the first
word is the kind. The step commands print the receipt of the step
(`common.schema.json#/$defs/receipt`).

| Command | Schema | What it holds |
|---|---|---|
{rows}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write docs/schemas/")
    args = parser.parse_args()
    found = schemas()
    files = {name: text(doc) for name, (doc, _) in found.items()}
    files["README.md"] = readme(found)
    stale = [name for name, body in files.items()
             if not (OUT / name).exists() or ((OUT / name).read_text(encoding="utf-8") != body
             and name != ERROR)]
    if args.write:
        OUT.mkdir(parents=True, exist_ok=True)
        for name in stale:
            (OUT / name).write_text(files[name], encoding="utf-8")
        print(f"wrote {len(stale)} of {len(files)} files in {OUT.relative_to(ROOT)}")
        return 0
    for name in stale:
        print(f"{OUT.relative_to(ROOT) / name} is not current: run "
              "scripts/json_schemas.py --write", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
