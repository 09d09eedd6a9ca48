"""``intersessional db keygen`` and ``keys list | rotate | revoke`` as an operator runs them:
the two keys made once, the keyring listed, a bad revocation refused with nothing changed, a
good one kept, a rotation retiring the key in use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

INTERSESSIONAL = Path(sys.executable).parent / "intersessional"


def run(data: Path, *args: str, exit_code: int = 0) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
    env.update(INTERSESSIONAL_DATA_DIR=str(data),
               INTERSESSIONAL_SIGNING_KEY=str(data / "secrets" / "signing.pem"))
    done = subprocess.run([str(INTERSESSIONAL), *args], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == exit_code, done.stdout + done.stderr
    return done


def keyring(data: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(run(data, "keys", "list", "--json").stdout)["keys"]
    return found


def test_keys_are_made_listed_revoked_and_rotated(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    run(tmp_path, "db", "keygen", "--out", str(secrets / "signing.pem"))
    assert (secrets / "attestation-signing-key.pem").stat().st_mode & 0o077 == 0
    [key] = keyring(tmp_path)
    assert key["retired_at"] is None
    assert key["revoked_at"] is None

    refused = run(tmp_path, "keys", "revoke", "0000", "--reason", "typo", exit_code=2)
    assert "no key" in refused.stderr
    assert keyring(tmp_path) == [key]  # nothing changed

    rotated = json.loads(run(tmp_path, "keys", "rotate", "--json").stdout)
    assert rotated["retired"]["key_id"] == key["key_id"]
    old, new = keyring(tmp_path)
    assert old["retired_at"] is not None
    assert new["key_id"] == rotated["new"]["key_id"]

    run(tmp_path, "keys", "revoke", key["key_id"][:10], "--reason", "left on a laptop")
    old, new = keyring(tmp_path)
    assert old["revoked_at"] is not None
    assert old["reason"] == "left on a laptop"
    assert new["revoked_at"] is None
    said = run(tmp_path, "keys", "list").stdout
    assert "revoked" in said
    assert "in use" in said
