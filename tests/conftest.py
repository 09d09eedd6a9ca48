"""What the whole suite shares, run in one process or by pytest-xdist's workers (``make test``):
each worker has a home directory of its own, so that a process a test starts without a data
directory of its own lands in that worker's ``~/.intersessional`` — never in the developer's,
nor in another worker's. Ports come from ``tests.ports``, PostgreSQL databases from
``tests.backends``, both a worker's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def own_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``HOME`` is a fresh directory of this worker's for the whole session."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        yield home


#: the directories whose tests start real processes (``intersessional dev``, Temporal, uvicorn,
#: a command per step): minutes of them in a few modules
FIRST = ("chaos", "e2e", "topology", "cli", "api", "audit")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules of :data:`FIRST` first, the rest in their own order after them: under
    pytest-xdist (``--dist loadscope --no-loadscope-reorder``) the long modules start at once
    and the many short ones fill the workers in after them, instead of one long module
    running alone at the end."""
    here = Path(__file__).parent

    def rank(item: pytest.Item) -> int:
        parts = item.path.relative_to(here).parts if item.path.is_relative_to(here) else ()
        return FIRST.index(parts[0]) if parts and parts[0] in FIRST else len(FIRST)

    items.sort(key=rank)  # stable: the order within each rank is the collection's
