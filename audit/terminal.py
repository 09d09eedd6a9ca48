"""A rich progress bar for the audit's long runs, on a terminal only (none in a pipe)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

Update = Callable[[int, int | None], None]  # (done, total so far)


@contextmanager
def progress_bar(console: Console, what: str) -> Iterator[Update]:
    """Yields ``update(done, total)``; the bar disappears when done."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task(what, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
