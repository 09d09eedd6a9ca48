"""Human words on the demo's data: ``intersessional demo`` runs a whole year, then every
stream's timeline, as the dashboard renders it, shows each event as a sentence — no event's
CamelCase type name and no raw enum value or slug (``with_committee``,
``victim-assistance``) in what a person reads."""

from __future__ import annotations

import os
import re
import subprocess
from enum import StrEnum
from pathlib import Path

from api.pages import templates
from api.streams import entry
from domain import coalitions, convention, events, profile, state
from domain.mandates import DEFAULT_MANDATES
from ledger import Ledger, create_ledger_engine
from tests.e2e.conftest import INTERSESSIONAL
from tests.ports import free_port

CAMEL = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b")


def raw_values() -> set[str]:
    """Every enum value and mandate key of more than one word, as the engine names it."""
    found = {m.key for m in DEFAULT_MANDATES if "-" in m.key}
    for module in (coalitions, convention, events, profile, state):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum:
                found |= {v.value for v in value if "_" in v.value or "-" in v.value}
    return found


def test_no_timeline_of_the_demo_shows_an_event_name_or_a_raw_value(tmp_path: Path) -> None:

    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
    env |= {"INTERSESSIONAL_DATA_DIR": str(tmp_path),
            "INTERSESSIONAL_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}"}
    demo = subprocess.run([str(INTERSESSIONAL), "demo"], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    ledger = Ledger(create_ledger_engine(f"sqlite:///{tmp_path / 'demo' / 'ledger.sqlite3'}"))
    raw = raw_values()
    assert "with_committee" in raw
    assert "victim-assistance" in raw
    shown = 0
    try:
        for stream in ledger.streams(""):
            timeline = [entry(e) for e in ledger.read_stream(stream)]
            html = templates.get_template("_timeline.html").render(timeline=timeline)
            visible = re.sub(r"<[^>]+>", " ", html)
            assert not CAMEL.search(visible), (stream, CAMEL.findall(visible))
            words = set(re.findall(r"[a-z0-9]+(?:[_-][a-z0-9]+)+", visible))
            assert not words & raw, (stream, words & raw)
            shown += len(timeline)
    finally:
        ledger.engine.dispose()
    assert shown > 10
