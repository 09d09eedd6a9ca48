"""How fast ``intersessional`` starts, beside the floor of its stack measured in the same run.

The reference is a minimal two-command Typer app's ``--help`` (written to a temporary file):
whatever the machine's speed, ``intersessional --help``, ``intersessional states`` and every
group's ``--help`` should take at most 1.5 times as long. A second column measures the same
app's ``hello --help``: Typer itself loads pydantic to build the options of any command with
parameters (``typer._adapters``), so that is the floor of a group's ``--help``. Each command
runs as a whole process, interleaved with the reference (A B A B …), after a warm-up; the
figure is the median wall time and the median of the ratios pair by pair, so a noisy machine
moves both alike.

    .venv/bin/python bench/startup.py [--runs 15]      # or: make bench-startup

Exits 1 if any median ratio exceeds the bound.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BOUND = 1.5
MINIMAL = '''import typer

app = typer.Typer()


@app.command()
def hello(name: str) -> None:
    """Say hello."""
    print(name)


@app.command()
def bye() -> None:
    """Say goodbye."""


app()
'''
GROUPS = ("db", "audit", "cycle", "users", "coalition", "silence", "pending", "elect",
          "president", "meeting", "workplan", "msp")


def _wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def measure(command: list[str], reference: list[str], runs: int) -> tuple[float, float, float]:
    """(median seconds of ``command``, of ``reference``, median ratio), interleaved."""
    _wall(command), _wall(reference)  # warm-up: the file cache, not the figure
    ours, floor, ratios = [], [], []
    for _ in range(runs):
        a, b = _wall(command), _wall(reference)
        ours.append(a)
        floor.append(b)
        ratios.append(a / b)
    return statistics.median(ours), statistics.median(floor), statistics.median(ratios)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    binary = Path(sys.executable).parent / "intersessional"
    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL)
        reference = [sys.executable, str(minimal), "--help"]
        command_floor = [sys.executable, str(minimal), "hello", "--help"]
        cases = [["--help"], ["states"], *([group, "--help"] for group in GROUPS)]
        print(f"{'command':<34}{'median s':>9}{'--help s':>9}{'ratio':>7}"
              f"{'hello --help s':>15}{'ratio':>7}")
        worst = 0.0
        for case in cases:
            ours, floor, ratio = measure([str(binary), *case], reference, runs)
            _, second, against = measure([str(binary), *case], command_floor, runs)
            worst = max(worst, ratio)
            flag = "" if ratio <= BOUND else f"  over {BOUND}x"
            print(f"{'intersessional ' + ' '.join(case):<34}{ours:>9.3f}{floor:>9.3f}"
                  f"{ratio:>6.2f}x{second:>15.3f}{against:>6.2f}x{flag}")
    print(f"worst ratio {worst:.2f}x (bound {BOUND}x), {runs} interleaved runs each")
    return 0 if worst <= BOUND else 1


if __name__ == "__main__":
    sys.exit(main())
