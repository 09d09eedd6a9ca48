"""``intersessional db …`` in the reader's language: an operator who chose French (``--lang``)
or Spanish (``INTERSESSIONAL_LANGUAGE``) reads the ledger's commands in it — the migration,
the checkpoint, the snapshots, the verification and a refused backup — while English stays the
default. Real processes on a fresh SQLite ledger."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "cli"]


def _run(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
    environment = {**inherited, "INTERSESSIONAL_DATA_DIR": str(data_dir), **env}
    return subprocess.run([*CLI, *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, check=False, timeout=120)


def test_the_ledger_commands_speak_french_when_asked(tmp_path: Path) -> None:
    said = {}
    for step in ("upgrade", "checkpoint", "snapshot", "verify"):
        done = _run(tmp_path, "--lang", "fr", "db", step)
        assert done.returncode == 0, done.stdout + done.stderr
        said[step] = done.stdout
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    assert said["upgrade"] == f"le registre à {url} est au schéma le plus récent\n"
    assert said["checkpoint"].startswith("point de contrôle de 0 événements : racine ")
    assert said["snapshot"].startswith("0 instantané(s) pris, tous les 1000 événements d’un flux")
    assert said["verify"] == ("registre intact : 0 événements dans 0 flux, 1 point(s) de "
                              "contrôle, signatures vérifiées\n")
    english = _run(tmp_path, "db", "verify")  # the default is still the source language
    assert english.stdout == "ledger intact: 0 events in 0 streams, 1 checkpoint(s), " \
        "signatures checked\n"


def test_a_refused_backup_is_one_sentence_in_the_chosen_language(tmp_path: Path) -> None:
    assert _run(tmp_path, "db", "upgrade").returncode == 0
    occupied = tmp_path / "occupied"
    occupied.write_text("not a directory")
    done = _run(tmp_path, "db", "backup", str(occupied), INTERSESSIONAL_LANGUAGE="es")
    assert done.returncode == 2
    assert done.stdout == ""
    assert " ".join(done.stderr.split()) == (
        f"rechazado: {occupied} es un archivo: una copia de seguridad va en un directorio "
        "nuevo o vacío")
    assert not any(p.name.startswith("manifest") for p in tmp_path.iterdir())
