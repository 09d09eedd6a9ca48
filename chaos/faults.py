"""The experiments that crash something and let the engine carry on by itself: the worker
SIGKILLed again and again, the whole ``intersessional dev`` process group SIGKILLed, and the
worker's PostgreSQL backends terminated. No operator repair: the years must complete."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

import psycopg
from sqlalchemy.engine import make_url

from chaos.checks import Figures, conclude
from chaos.driver import Link, Year, drive_all, driven
from chaos.experiment import Options, framed
from chaos.processes import Engine


async def strike(driving: asyncio.Task[None], figures: Figures, options: Options,
                 interval: tuple[float, float], fault: Callable[[], Awaitable[int]]) -> None:
    """While the years are driven, ``fault()`` (which says how many it struck) at random
    intervals (``--interval``, else ``interval`` seconds), until the years are done or
    ``--kills`` is reached."""
    limit, rng = options.kills_or(None), random.Random(options.seed)
    low, high = options.interval_or(*interval)
    while limit is None or figures.kills < limit:
        await asyncio.wait([driving], timeout=rng.uniform(low, high))
        if driving.done():
            return
        figures.kills += await fault()


THINK = 1.0  # seconds between a person's steps, on average, under worker-kill


async def worker_kill(options: Options) -> Figures:
    """20 concurrent years, people pausing about a second between steps (so that a year
    lasts long enough to be struck several times); the worker SIGKILLed 2–5 s (at random)
    after it started polling, and a new one started, until every year completes (or
    ``--kills`` is reached)."""
    ys = driven(options.years_or(20), think=THINK)
    figures = Figures("worker-kill", len(ys))
    async with framed(figures, options) as engine:
        await asyncio.to_thread(engine.server)
        link = Link(await engine.client())
        worker = await asyncio.to_thread(engine.worker)
        driving = asyncio.create_task(drive_all(engine, link, ys, options.until()))

        async def kill_and_start_again() -> int:
            nonlocal worker
            await asyncio.to_thread(worker.kill)
            worker = await asyncio.to_thread(engine.worker)
            return 1

        await strike(driving, figures, options, (2, 5), kill_and_start_again)
        await driving
        await conclude(figures, engine, link.client, ys)
        if not figures.kills:
            figures.problems.append("no worker was killed: the years completed first")
    return figures


def _ledger_head(engine: Engine) -> int:
    return engine.ledger().head()


async def dev_group_kill(options: Options) -> Figures:
    """10 concurrent years on ``intersessional dev``; its whole process group (the dev
    process, its Temporal server) SIGKILLed ``--kills`` times (default 2), spread evenly over
    the run by the ledger's head, and started again on the same data and ports."""
    ys = driven(options.years_or(10))
    figures, kills = Figures("dev-group-kill", len(ys)), options.kills_or(2) or 0
    total = len(ys) * (len(ys[0].steps) + 2)  # each year's events, its close, the next opening
    async with framed(figures, options) as engine:
        dev = await asyncio.to_thread(engine.dev)
        link = Link(await engine.client())
        driving = asyncio.create_task(drive_all(engine, link, ys, options.until()))
        for k in range(kills):
            threshold = total * (k + 1) // (kills + 1)
            while not driving.done() and await asyncio.to_thread(_ledger_head, engine) < threshold:
                await asyncio.sleep(0.1)
            if driving.done():
                break
            await asyncio.to_thread(dev.kill)
            figures.kills += 1
            dev = await asyncio.to_thread(engine.dev)
            link.client = await engine.client()
        await driving
        await conclude(figures, engine, link.client, ys)
    return figures


def libpq(url: str) -> str:
    """``url`` as libpq reads it (an SQLAlchemy URL may name its driver)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def recreate(url: str) -> None:
    """Drop the experiment's PostgreSQL database, whatever connects to it, and create it
    empty (the migration runs when the worker starts)."""
    name = psycopg.conninfo.conninfo_to_dict(libpq(url))["dbname"]
    with psycopg.connect(psycopg.conninfo.make_conninfo(libpq(url), dbname="postgres"),
                         autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def terminate_worker_backends(url: str) -> int:
    """``pg_terminate_backend`` on every connection the worker holds to the database; how
    many were terminated."""
    info = psycopg.conninfo.conninfo_to_dict(libpq(url))
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = 'chaos-worker'",
            (info["dbname"],)).fetchone()
    return int(row[0]) if row else 0


async def postgres_backend_kill(options: Options) -> Figures:
    """10 concurrent years with the ledger on PostgreSQL; every 0.2–1 s (at random) the
    worker's backends are terminated, until every year completes (or ``--kills`` backends)."""
    ys: list[Year] = driven(options.years_or(10))
    figures = Figures("postgres-backend-kill", len(ys))
    url = options.postgres_url
    try:
        await asyncio.to_thread(recreate, url)
    except psycopg.Error as error:
        figures.problems.append(f"PostgreSQL at {url} cannot be used: {error}")
        return figures
    async with framed(figures, options, ledger_url=url) as engine:
        await asyncio.to_thread(engine.server)
        link = Link(await engine.client())
        worker = await asyncio.to_thread(engine.worker)
        driving = asyncio.create_task(drive_all(engine, link, ys, options.until()))
        await strike(driving, figures, options, (0.2, 1),
                     lambda: asyncio.to_thread(terminate_worker_backends, url))
        await driving
        if not worker.alive:
            figures.problems.append(f"the worker exited with {worker.popen.returncode}")
        await conclude(figures, engine, link.client, ys)
    return figures
