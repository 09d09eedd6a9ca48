"""``<data dir>/demo/demo.env``: what the demo leaves for the commands that follow it.

The README's examples run against the demo's data, whatever day the demo ran: its year comes
from the clock (:func:`scenarios.demo.demo_year`), its events are dated the moment it ran, and
the engine ``intersessional dev`` starts afterwards serves where the settings say. So the demo
writes those values down as shell variables, and the README's commands name the variables,
never a literal year, date or port::

    source ~/.intersessional/demo/demo.env
    .venv/bin/intersessional audit replay --year $YEAR --as-of $AS_OF

``tests/e2e/test_readme.py`` runs every README command that way.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from i18n import _
from settings import Settings

FILE = "demo.env"
#: a wildcard address ``intersessional dev`` may listen on; a browser reaches it on loopback
_ANY_HOST = {"0.0.0.0", "::", ""}


def served_url(settings: Settings) -> str:
    """Where ``intersessional dev`` with ``settings`` serves the API and the dashboard."""
    host = "127.0.0.1" if settings.api_host in _ANY_HOST else settings.api_host
    if ":" in host:  # an IPv6 address, in a URL between brackets
        host = f"[{host}]"
    return f"http://{host}:{settings.api_port}"


@dataclass(frozen=True)
class DemoEnv:
    """The values the demo leaves: where its engine is, the year it ran whole and the next
    one it left at the committee, a moment inside its year, who takes the next step."""

    data_dir: Path
    year: int
    as_of: str  # the moment the committee approved the year's work plan, as the ledger says
    president_state: str  # the State whose representative presides over the next year now
    present: tuple[str, ...]  # the committee's members sitting today (CC-5)
    api_url: str  # where `intersessional dev` will serve the API and the dashboard

    def variables(self) -> dict[str, str]:
        return {"INTERSESSIONAL_DATA_DIR": str(self.data_dir), "YEAR": str(self.year),
                "NEXT_YEAR": str(self.year + 1), "AS_OF": self.as_of,
                "PRESIDENT_STATE": self.president_state, "PRESENT": ",".join(self.present),
                "API_URL": self.api_url}

    def text(self) -> str:
        lines = ["# " + _("written by `intersessional demo`: source it (. {path}) to run the "
                          "README's examples on the demo's data").format(path=self.path)]
        lines += [f"export {name}={shlex.quote(value)}"
                  for name, value in self.variables().items()]
        return "\n".join(lines) + "\n"

    @property
    def path(self) -> Path:
        return self.data_dir / FILE

    def write(self) -> Path:
        self.path.write_text(self.text(), encoding="utf-8")
        return self.path
