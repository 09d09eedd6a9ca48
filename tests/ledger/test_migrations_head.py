"""``ledger.upgrade`` to the head does nothing where the ledger is there already — alembic is not
even imported (people's commands upgrade first, and the import cost every one ~0.2 s) — and
migrates a ledger that is not; ``HEAD``, read from the migrations' file names, is alembic's own
head."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from ledger import create_ledger_engine
from ledger.engine import HEAD, MIGRATIONS, at_head, upgrade


def test_the_head_named_by_the_files_is_alembic_s_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD]


def test_a_ledger_behind_is_migrated_and_one_at_the_head_is_left_alone(tmp_path: Path) -> None:
    engine = create_ledger_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    try:
        assert not at_head(engine)  # never migrated
        upgrade(engine, "0009")
        assert not at_head(engine)
        upgrade(engine)
        assert at_head(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM snapshots")).scalar() == 0
    finally:
        engine.dispose()
    # in a process of its own, as a command runs it: at the head, alembic stays unimported
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    probe = ("import sys; from ledger import create_ledger_engine, upgrade; "
             f"upgrade(create_ledger_engine({url!r})); print('alembic' in sys.modules)")
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert ran.stdout.strip() == "False", ran.stderr
