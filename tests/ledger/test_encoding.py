"""docs/LEDGER.md is enough to verify the ledger: an independent implementation of the
encoding, written from the document alone, agrees with every stored hash and signature."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text

from ledger import Ledger
from ledger.checkpoints import take_checkpoint
from tests.ledger.conftest import new_event, populate

DOC = Path(__file__).resolve().parents[2] / "docs" / "LEDGER.md"
ORDER = ("position", "event_id", "stream", "version", "type", "schema_version", "actor", "role",
         "occurred_at", "recorded_at", "workflow_id", "run_id", "causation_id", "prev_hash",
         "payload")


def _hash_as_documented(row: dict[str, object]) -> str:
    fields = ["intersessional-ledger/1"] + ["" if row[c] is None else str(row[c]) for c in ORDER]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def _merkle_as_documented(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _merkle_as_documented(leaves[:k])
                          + _merkle_as_documented(leaves[k:])).digest()


def test_the_document_names_every_field_in_order() -> None:
    """The hash section of docs/LEDGER.md lists the 15 columns in the order hashed."""
    section = DOC.read_text(encoding="utf-8").split("## The event hash (format 1)")[1]
    section = section.split("\n## ")[0]
    items = [m.group(1) for m in re.finditer(r"^\d+\. [^`]*`([^`]+)`", section, re.MULTILINE)]
    assert items[0] == "intersessional-ledger/1"
    listed = items[1:]
    assert tuple(listed) == ORDER


def test_an_independent_implementation_agrees_with_the_ledger(ledger: Ledger, engine: Engine
                                                              ) -> None:
    """Every stored hash, link, payload form, Merkle root and signature checks out with code
    that uses only hashlib, json and the Ed25519 primitive."""
    populate(ledger, rounds=4)
    ledger.append("cycle-2025", [new_event(9, payload={"é": "Genève", "z": [1, {"b": 2}]})], 4)
    key = Ed25519PrivateKey.generate()
    checkpoint = take_checkpoint(engine, key)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(text(
            "SELECT * FROM events ORDER BY position"))]
    last: dict[str, str] = {}
    for row in rows:
        assert _hash_as_documented(row) == row["hash"]
        assert row["prev_hash"] == last.get(str(row["stream"]), "0" * 64)
        assert row["payload"] == json.dumps(json.loads(str(row["payload"])), sort_keys=True,
                                            separators=(",", ":"), ensure_ascii=True)
        last[str(row["stream"])] = str(row["hash"])
    assert '"\\u00e9":"Gen\\u00e8ve"' in str(rows[-1]["payload"])
    root = _merkle_as_documented([bytes.fromhex(str(r["hash"])) for r in rows])
    assert root.hex() == checkpoint.root_hash
    signed = (f"intersessional-ledger-checkpoint/1\n{len(rows)}\n{root.hex()}\n"
              f"{checkpoint.taken_at}\n").encode()
    key.public_key().verify(checkpoint.signature, signed)  # raises if it does not verify
