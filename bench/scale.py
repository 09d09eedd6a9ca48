"""Scale figures a secretariat can plan with (issue 23), each beside a floor measured in the
same run: ``make bench-scale``, ``--quick`` for a smoke run. Fails only on a wrong result (a
stream not open, a report missing a year, a coalition or a procedure, a ledger that does not
verify), never on a figure.

1. The memory (VmRSS) of ``intersessional worker``, a process of its own on an embedded dev
   server and a SQLite ledger: idle, then with ``--streams`` (1,000) open and waiting on a
   person, in a year's proportions (1 cycle : 10 coalitions : 2 silence procedures; each kind
   in two halves, the second's slope its marginal cost), and its workflow cache's size as its
   metrics say. Floors: the same process idle, and a bare temporalio worker.
2. ``audit report`` (HTML and PDF, as ``cli/audit_report.py`` makes them) over ``--years`` (20)
   of a convention (``bench/convention.py``): the first 1, ¼, ½ and all of them, part by part;
   the floor is one year's report of the same ledger. Then the CLI itself over all of them.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent), *(p for p in sys.path if Path(p or ".").resolve() != _BENCH)]

from pypdf import PdfReader  # noqa: E402
from temporalio.client import Client  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

import attesting  # noqa: E402
from activities.recording import CycleActivities  # noqa: E402
from audit.pdf import print_pdf  # noqa: E402
from audit.report import gather, make_document, render, report_events  # noqa: E402
from audit.verification import verify_ledger  # noqa: E402
from bench.audit import timed  # noqa: E402
from bench.convention import (  # noqa: E402
    COALITIONS,
    FIRST_YEAR,
    QUEUE,
    convention,
    hold_office,
    open_stream,
)
from bench.cycle import embedded  # noqa: E402
from domain.kinds import KINDS  # noqa: E402
from ledger import Ledger, create_ledger_engine  # noqa: E402
from ledger.checkpoints import checkpoint_public_key  # noqa: E402
from runtime.embedded import free_port  # noqa: E402
from runtime.observability import configure_logging  # noqa: E402
from settings import Settings  # noqa: E402
from worker import open_ledger  # noqa: E402

MIX = {"cycle": 1, "coalition": 10, "silence": 2}  # a year's open streams, by kind
INTERSESSIONAL = str(Path(sys.executable).with_name("intersessional"))
CACHE = inspect.signature(Worker).parameters["max_cached_workflows"].default
BARE = """import asyncio, sys
from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker
@workflow.defn
class Nothing:
    @workflow.run
    async def run(self) -> None: ...
async def main() -> None:
    client = await Client.connect(sys.argv[1])
    async with Worker(client, task_queue="bare", workflows=[Nothing],
                      workflow_runner=UnsandboxedWorkflowRunner()):
        print("ready", flush=True)
        await asyncio.Event().wait()
asyncio.run(main())
"""


# --- 1. the worker's memory with open streams -------------------------------------------------

def megabytes(pid: int) -> tuple[float, float]:
    """VmRSS and VmHWM (the peak) of process ``pid``, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss, peak = (int(re.findall(rf"^{f}:\s+(\d+) kB", status, re.M)[0]) / 1024
                 for f in ("VmRSS", "VmHWM"))
    return rss, peak


async def settled(pid: int, seconds: float = 3.0) -> tuple[float, float]:
    await asyncio.sleep(seconds)  # the last tasks' replies handled, the allocator settled
    return megabytes(pid)


async def spawned(command: list[str], variables: dict[str, str], log: Path, ready: str
                  ) -> subprocess.Popen[bytes]:
    """``command`` started with its output in ``log``, once ``ready`` appears there (stopped
    again if it does not within two minutes)."""
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=variables, stdout=out, stderr=out)
    for _ in range(1200):
        if ready in log.read_text(errors="replace"):
            return process
        if process.poll() is not None:
            break
        await asyncio.sleep(0.1)
    process.kill()
    raise SystemExit(f"{command[:2]} did not start ({process.wait()}); see {log.read_text()}")


def sticky_cache(port: int) -> int:
    """The workflow runs the worker's cache holds, as its metrics endpoint says."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode()
    return sum(int(float(v)) for v in re.findall(
        r"^temporal_sticky_cache_size(?:\{[^}]*\})? (\S+)$", text, re.M))


async def running(client: Client, kind: str, expected: int) -> int:
    """The runs of ``kind`` the server says are running (its visibility may lag a moment)."""
    query = f'WorkflowType = "{KINDS[kind].workflow}" AND ExecutionStatus = "Running"'
    for _ in range(50):
        if (found := (await client.count_workflows(query)).count) == expected:
            break
        await asyncio.sleep(0.2)
    return found


async def worker_memory(tmp: Path, streams: int) -> None:
    directory = tmp / "worker"
    settings, env = await embedded(directory)
    attesting.configure(settings.effective_attestation_key)  # made here, held by the worker too
    metrics = free_port()
    variables = {**os.environ, "INTERSESSIONAL_DATA_DIR": str(directory),
                 "INTERSESSIONAL_TEMPORAL_ADDRESS": settings.temporal_address,
                 "INTERSESSIONAL_TASK_QUEUE": QUEUE, "INTERSESSIONAL_WORKER_HEALTH_PORT": "0",
                 "INTERSESSIONAL_WORKER_METRICS_PORT": str(metrics)}
    counts = {kind: round(streams * share / sum(MIX.values())) for kind, share in MIX.items()}
    counts["coalition"] = streams - counts["cycle"] - counts["silence"]
    gate, processes = asyncio.Semaphore(16), []  # streams begun at once; processes started

    async def one(kind: str, i: int) -> None:
        async with gate:
            await open_stream(env.client, kind, i)
    try:
        for command, name, ready in (([sys.executable, "-c", BARE, settings.temporal_address],
                                      "bare.log", "ready"),
                                     ([INTERSESSIONAL, "worker"], "worker.log", "worker_started")):
            processes.append(await spawned(command, variables, directory / name, ready))
        bare, worker = processes
        floor, idle = await settled(bare.pid, 5), await settled(worker.pid)
        bare.terminate()
        hold_office(CycleActivities(open_ledger(settings), settings.effective_signing_key),
                    datetime.now(UTC))
        rows, began, before = [], time.perf_counter(), idle[0]
        for kind, n in counts.items():  # in two halves: the second's slope is the marginal cost
            for start, stop in ((0, n // 2), (n // 2, n)):
                await asyncio.gather(*(one(kind, i) for i in range(start, stop)))
                if (found := await running(env.client, kind, stop)) != stop:
                    raise SystemExit(f"{found} {kind} streams running, not the {stop} opened")
                rss, _ = await settled(worker.pid)
                rows.append((f"+ {stop - start:,} {kind}s ({stop:,} open)", rss,
                             (rss - before) / max(1, stop - start)))
                before = rss
        opened = time.perf_counter() - began
        rss, peak = await settled(worker.pid)
        cached = sticky_cache(metrics)
    finally:
        for process in processes:
            process.terminate()
            process.wait(30)
        await env.shutdown()
    print(f"\n1. worker memory: {streams:,} open streams ({counts}) opened in {opened:.0f} s; "
          f"its workflow cache holds {cached:,} runs (max_cached_workflows: Temporal's default "
          f"{CACHE:,}, which worker.py keeps)\n"
          "| figure | worker RSS | per stream added | ratio to idle |\n|---|---|---|---|\n"
          f"| bare temporalio worker (floor) | {floor[0]:.0f} MB | | {floor[0] / idle[0]:.2f}x |"
          f"\n| `intersessional worker`, idle (floor) | {idle[0]:.0f} MB | | 1.00x |")
    for name, mb, each in rows:
        print(f"| {name} | {mb:.0f} MB | {each * 1024:.0f} KB | {mb / idle[0]:.2f}x |")
    print(f"| **all {streams:,} open** (peak {peak:.0f} MB) | **{rss:.0f} MB** | "
          f"{(rss - idle[0]) / streams * 1024:.0f} KB above idle | {rss / idle[0]:.2f}x |")


# --- 2. the audit report over the years of a convention ---------------------------------------

def report(settings: Settings, first: int, last: int) -> tuple[dict[str, float], int, int]:
    """The report of ``first``…``last`` as ``audit report --pdf`` makes it, timed part by
    part; its PDF's pages and the events verified."""
    engine = create_ledger_engine(settings.effective_ledger_url)
    verification, verify_s = timed(lambda: verify_ledger(
        engine, checkpoint_public_key(settings.effective_signing_key), None,
        attesting.published_keyring(settings.effective_attestation_key)))
    facts, read_s = timed(lambda: gather(report_events(Ledger(engine), first, last), first, last))
    engine.dispose()
    html, html_s = timed(lambda: render(facts, verification, make_document(first, last)))
    out = settings.data_dir / f"report-{first}-{last}.pdf"
    _, pdf_s = timed(lambda: print_pdf(html, out))
    if not verification.intact:
        raise SystemExit(f"the ledger does not verify: {verification.sentence()}")
    span = list(range(first, last + 1))
    if [y.year for y in facts.years] != span or len(facts.coalitions) != COALITIONS * len(
            span) or len(facts.procedures) != len(span) or str(last) not in html:
        raise SystemExit(f"the report of {first}-{last} misses years, coalitions or procedures")
    return ({"verify": verify_s, "read and gather": read_s, "HTML": html_s, "PDF": pdf_s,
             "total": verify_s + read_s + html_s + pdf_s}, len(PdfReader(out).pages),
            verification.events)


def audit_report(tmp: Path, years: int) -> None:
    settings, built = timed(lambda: asyncio.run(convention(tmp, years)))
    _, _, events = report(settings, FIRST_YEAR, FIRST_YEAR)  # untimed: imports, templates, fonts
    spans = sorted({1, years // 4, years // 2, years} - {0})
    timings = {n: report(settings, FIRST_YEAR, FIRST_YEAR + n - 1)[:2] for n in spans}
    last = FIRST_YEAR + years - 1
    command = [INTERSESSIONAL, "audit", "report", "--from-year", str(FIRST_YEAR), "--to-year",
               str(last), "--out", str(tmp / "cli.html"), "--pdf", str(tmp / "cli.pdf")]
    variables = {**os.environ, "INTERSESSIONAL_DATA_DIR": str(settings.data_dir)}
    cli, cli_s = timed(lambda: subprocess.run(command, check=False, capture_output=True,
                                              text=True, env=variables))
    if cli.returncode != 0:
        raise SystemExit(f"`intersessional audit report` failed ({cli.returncode}): {cli.stderr}")
    one, whole = timings[1][0], timings[years][0]
    print(f"\n2. audit report: {years} years ({FIRST_YEAR}-{last}), each a cycle, {COALITIONS} "
          f"coalitions and a silence procedure: {events:,} events, built in {built:.0f} s\n"
          "| years | PDF pages | " + " | ".join(one) + " | ratio to 1 year | per year added "
          "(from the line above) |\n|---|---|" + "---|" * (len(one) + 2))
    before = (1, one["total"])  # the floor: one year's report of the same ledger
    for n, (parts, pages) in timings.items():
        added = (f"{(parts['total'] - before[1]) / (n - before[0]):.2f} s" if n > 1
                 else "(floor)")
        print(f"| {n} | {pages} | " + " | ".join(f"{s:.2f} s" for s in parts.values())
              + f" | {parts['total'] / one['total']:.2f}x | {added} |")
        before = (n, parts["total"])
    bare = whole["verify"] + whole["read and gather"]
    print(f"{years} years: the report's {whole['total']:.1f} s are {whole['total'] / bare:.0f}x "
          f"verifying and reading its events without rendering ({bare:.2f} s); `intersessional "
          f"audit report --pdf` as a process of its own: {cli_s:.1f} s "
          f"({cli_s / whole['total']:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=1_000, help="open streams (1.)")
    parser.add_argument("--years", type=int, default=20, help="years of the convention (2.)")
    parser.add_argument("--quick", action="store_true", help="130 streams, 2 years")
    args = parser.parse_args()
    streams, years = (130, 2) if args.quick else (args.streams, args.years)
    print(f"scale benchmark: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} (shared)", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp, \
            open(Path(tmp) / "bench.log", "w") as log:
        configure_logging(log)  # the activities run here too: their lines, not on stdout
        asyncio.run(worker_memory(Path(tmp), streams))
        audit_report(Path(tmp), years)
        configure_logging()
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
