"""Activities that say they are alive, so that a worker killed while one runs is found out in
seconds.

An activity task a worker has taken is Temporal's to time out: with only a start-to-close
timeout (two minutes for the engine's reads), a worker SIGKILLed while it ran left the workflow
waiting those two minutes before trying again elsewhere. A year's opening waited on a dead
worker's ``prepare_cycle`` that long (CI, worker-kill chaos: cycle-2110 wedged at its opening,
its workflow running with nothing failed in its history). So the workflows schedule such
activities with a heartbeat timeout (``workflows.recording.BEATING``), and each activity,
wrapped in :func:`heartbeating`, heartbeats from a thread of its own while it runs: however long
it takes on a live worker, a dead one stops heartbeating and the activity is tried again on
another after the heartbeat timeout.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from temporalio import activity

P = ParamSpec("P")
R = TypeVar("R")
_SHORTEST = 0.05  # seconds between heartbeats, whatever the timeout


def heartbeating(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn``, a synchronous activity, heartbeating three times per heartbeat timeout while it
    runs (not at all where it was scheduled without one: histories from before)."""

    @functools.wraps(fn)
    def beating(*args: P.args, **kwargs: P.kwargs) -> R:
        timeout = activity.info().heartbeat_timeout
        if not timeout:
            return fn(*args, **kwargs)
        done = threading.Event()
        every = max(timeout.total_seconds() / 3, _SHORTEST)

        def beat() -> None:
            while not done.wait(every):
                try:
                    activity.heartbeat()
                except Exception:  # finished meanwhile: nothing left to say
                    return

        # the activity's context (which heartbeat() reads) goes with the thread
        thread = threading.Thread(target=contextvars.copy_context().run, args=(beat,),
                                  name=f"heartbeat-{activity.info().activity_type}",
                                  daemon=True)
        thread.start()
        try:
            return fn(*args, **kwargs)
        finally:
            done.set()
            thread.join()

    return beating
