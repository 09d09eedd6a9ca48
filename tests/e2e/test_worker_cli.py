"""`intersessional worker` and `intersessional db keygen` as an operator runs them: a worker that
cannot start says why in one sentence and leaves nothing behind; the signing key is made once."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ledger.checkpoints import load_public_key
from tests.e2e.conftest import INTERSESSIONAL
from tests.e2e.test_cli import one_sentence


def run(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
    # no metrics endpoint: the default port may be another test's worker's at this moment
    env.update({"INTERSESSIONAL_DATA_DIR": str(tmp_path / "data"),
                "INTERSESSIONAL_WORKER_METRICS_PORT": "0"}, **settings)
    return subprocess.run([str(INTERSESSIONAL), *args], env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def test_a_worker_without_its_signing_key_does_not_start(tmp_path: Path) -> None:
    missing = tmp_path / "keys" / "signing.pem"
    result = run(tmp_path, "worker", INTERSESSIONAL_SIGNING_KEY=str(missing))
    assert result.returncode == 2
    assert one_sentence(result).startswith(
        f"wrong setting: INTERSESSIONAL_SIGNING_KEY names {missing}, which is not a file")
    assert not missing.exists()  # it did not make a key of its own
    assert not (tmp_path / "data").exists()  # nor a ledger


def test_a_worker_without_temporal_says_so_and_exits(tmp_path: Path) -> None:
    result = run(tmp_path, "worker", INTERSESSIONAL_TEMPORAL_ADDRESS="127.0.0.1:1")
    assert result.returncode == 3
    said = one_sentence(result)
    assert said.startswith("no Temporal server answers at 127.0.0.1:1; start one with "
                           "`intersessional dev`")
    assert "tonic" not in said
    assert "transport" not in said.lower()


def test_keygen_makes_the_key_once_with_its_public_half(tmp_path: Path) -> None:
    key = tmp_path / "secrets" / "checkpoint-signing-key.pem"
    made = run(tmp_path, "db", "keygen", "--out", str(key))
    assert made.returncode == 0, made.stdout + made.stderr
    assert key.stat().st_mode & 0o077 == 0  # owner-only
    public = Path(f"{key}.pub")
    assert load_public_key(public) == load_public_key(key)
    before = key.read_bytes()
    again = run(tmp_path, "db", "keygen", "--out", str(key))
    assert again.returncode == 2
    assert f"refused: {key} exists" in one_sentence(again)
    assert key.read_bytes() == before
