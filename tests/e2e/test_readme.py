"""Every fenced block of README.md (and every shell block of docs/), run as a reader runs it
(issue 22).

The reader has a fresh clone, a HOME of their own (here a temporary one: ``~/bundle.zip`` lands
there, nothing of the developer's is touched) and settings of their own (free ports for
Temporal, its UI and the API, so that the demo's announced addresses are checked against
them). They run ``.venv/bin/intersessional demo`` first — the README's demo block, run once
for the module — and every other block in a shell of its own, from the repository's root, as
the README writes it: each starts from ``source ~/.intersessional/demo/demo.env``. Blocks
marked ``engine`` run with ``intersessional dev`` started on the demo's data, in the background
(started by the first of them, kept for the rest). Each command's exit code and output are
checked against the expectations the README declares beside its block
(``tests/e2e/readme_blocks.py`` says how); a block neither run nor marked fails.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from domain.workplan import Workplan
from tests.audit.pdf_pages import pango_or_skip
from tests.e2e.conftest import STARTUP, Dev
from tests.e2e.readme_blocks import BOOKKEEPING, Block, blocks, expand
from tests.ports import free_port

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
SHELL = {"sh", "bash", "shell", "console"}
#: every fenced block of the README, and the shell blocks of docs/ (whose other blocks are
#: files, schemas, formats): each run or marked
BLOCKS = blocks(README.read_text(encoding="utf-8"), "README.md") + [
    block for doc in sorted((REPO / "docs").glob("*.md"))
    for block in blocks(doc.read_text(encoding="utf-8"), f"docs/{doc.name}")
    if block.lang in SHELL]
BLOCK_SECONDS = 300.0  # against a hang: the longest block ~30 s, over 120 s on a loaded machine



@dataclass
class Ran:
    command: str
    code: int
    seconds: float
    said: str  # stdout then stderr, as a terminal shows them
    variables: dict[str, str]


@dataclass
class ReadersDev(Dev):
    """``intersessional dev`` as the reader starts it: their environment, the demo's data,
    the default task queue (the demo's cycles run on it)."""

    base: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {**self.base, "INTERSESSIONAL_DATA_DIR": str(self.data_dir)}


@dataclass
class Reader:
    home: Path
    dev: ReadersDev
    ran: dict[str, list[Ran]] = field(default_factory=dict)

    def environment(self) -> dict[str, str]:
        return dict(self.dev.base)

    def engine(self) -> None:
        if not self.dev.runs:
            self.dev.start()
            self.dev.ready()
            self.api_listening()

    def api_listening(self) -> None:
        """Wait until the API takes connections: the worker starts before it, and a block's
        first command may be a request."""
        deadline = time.monotonic() + STARTUP
        while not port_answers(self.dev.api_port):
            if self.dev.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"intersessional dev's API did not listen on {self.dev.api_port} "
                            f"within {STARTUP:.0f} s:\n{self.dev.output()}")
            time.sleep(0.05)

    def run(self, block: Block) -> list[Ran]:
        """Each command of ``block`` in one bash (what one command sets, the next sees),
        its output and exit code kept apart; once per block."""
        if block.id in self.ran:
            return self.ran[block.id]
        work = self.home.parent / f"block-{block.line}"
        work.mkdir()
        commands = block.commands()
        script = ["set -o pipefail"]
        for n, command in enumerate(commands):
            script.append(f"t=$EPOCHREALTIME; {{ {command}\n}} >{work}/{n}.out 2>{work}/{n}.err "
                          f"</dev/null; echo $? $t $EPOCHREALTIME >{work}/{n}.rc; "
                          f"env -0 >{work}/{n}.env")
        (work / "block.sh").write_text("\n".join(script) + "\n", encoding="utf-8")
        subprocess.run(["bash", str(work / "block.sh")], cwd=REPO, env=self.environment(),
                       stdin=subprocess.DEVNULL, timeout=BLOCK_SECONDS, check=False)
        ran = []
        for n, command in enumerate(commands):
            code = work / f"{n}.rc"
            assert code.exists(), f"{block.id}: the shell stopped before {command!r}"
            pairs = (work / f"{n}.env").read_text().split("\0")
            exit_code, started, ended = code.read_text().split()
            ran.append(Ran(command, int(exit_code), float(ended) - float(started),
                           (work / f"{n}.out").read_text() + (work / f"{n}.err").read_text(),
                           dict(p.split("=", 1) for p in pairs if "=" in p)))
        self.ran[block.id] = ran
        return ran


def port_answers(port: int) -> bool:
    """Something accepts a connection on 127.0.0.1:``port``."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _demo_block() -> Block:
    return next(b for b in BLOCKS if b.kind == "run" and any(
        "intersessional demo" in c for c in b.commands()))


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    if not (REPO / ".venv/bin/intersessional").exists():
        pytest.fail(f"{REPO}/.venv/bin/intersessional is missing: the README's commands use "
                    "it (make install)")
    base = tmp_path_factory.mktemp("reader")
    home, tmp = base / "home", base / "tmp"
    home.mkdir()
    tmp.mkdir()
    dev = ReadersDev(data_dir=home / ".intersessional" / "demo", temporal_port=free_port(),
                     ui_port=free_port())
    dev.base = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
    dev.base.update(HOME=str(home), TMPDIR=str(tmp),  # the reader's own settings: free ports
                    INTERSESSIONAL_TEMPORAL_ADDRESS=dev.address,
                    INTERSESSIONAL_TEMPORAL_UI_PORT=str(dev.ui_port),
                    INTERSESSIONAL_API_PORT=str(dev.api_port))
    found = Reader(home=home, dev=dev)
    try:
        found.run(_demo_block())  # the demo first: every other block reads its data
        yield found
    finally:
        dev.kill()


def _check(block: Block, ran: Ran) -> None:
    where = f"{block.id} ({block.section}): {ran.command!r} ({ran.seconds:.1f} s)"
    expect = block.expectation(ran.command)
    if expect is None:
        assert BOOKKEEPING.match(ran.command), f"{where}: no expectation names it"
        assert ran.code == 0, f"{where} exited {ran.code}:\n{ran.said}"
        return
    code = ran.code
    assert code == expect.exit, f"{where} exited {ran.code}, not {expect.exit}:\n{ran.said}"
    for pattern in expect.out:
        if not re.search(expand(pattern, ran.variables), ran.said, re.MULTILINE):
            pytest.fail(f"{where}: nothing printed matches {pattern!r}:\n{ran.said}")
    exported = "\n".join(f"{k}={v}" for k, v in ran.variables.items())
    for pattern in expect.env:
        if not re.search(expand(pattern, ran.variables), exported, re.MULTILINE):
            pytest.fail(f"{where}: no exported variable matches {pattern!r}")


def test_every_block_is_run_or_says_why_not() -> None:
    """A fenced block is run (or, the TOML example, loaded), or marked with the reason it is
    not: those marked are listed here, not skipped one by one (a skip in CI is a missing
    server or package, never a choice)."""
    unmarked = [f"{b.id} ({b.section})" for b in BLOCKS if b.kind is None]
    assert not unmarked, (f"fenced blocks neither run nor marked: {unmarked}; mark each "
                          "<!-- readme-test run|skip|workplan … --> (tests/e2e/readme_blocks.py)")
    unexplained = [b.id for b in BLOCKS if b.kind == "skip" and not b.reason]
    assert not unexplained, f"blocks not run that do not say why: {unexplained}"
    assert any(b.kind == "run" for b in BLOCKS)


TESTED = [b for b in BLOCKS if b.kind in ("run", "workplan")]


@pytest.mark.parametrize("block", TESTED, ids=[b.id for b in TESTED])
def test_readme_block(block: Block, request: pytest.FixtureRequest) -> None:
    if block.kind == "workplan":
        plan = Workplan.model_validate(tomllib.loads(block.text))
        assert plan.items
        assert plan.budget
        return
    if "pango" in block.flags:
        pango_or_skip()
    reader: Reader = request.getfixturevalue("reader")  # the demo, run once: only when needed
    if "engine" in block.flags:
        reader.engine()
    ran = reader.run(block)
    assert ran, f"{block.id}: a block run holds commands"
    for each in ran:
        print(f"{each.seconds:5.1f} s  {each.command}")  # shown with -s, or on a failure
        _check(block, each)
    keys = {e.key for e in block.expects}
    used = {e.key for r in ran if (e := block.expectation(r.command))}
    assert keys <= used, f"{block.id}: expectations that name no command: {keys - used}"


def test_make_demo_is_the_demo_block() -> None:
    """The README's first block (``make demo``) is not run: the check runs the command make
    runs for it, once installed."""
    recipe = re.search(r"^demo: .*\n\t(.+)$", (REPO / "Makefile").read_text(), re.MULTILINE)
    assert recipe
    assert recipe[1] == "$(BIN)/intersessional demo"
    assert ".venv/bin/intersessional demo" in _demo_block().text
