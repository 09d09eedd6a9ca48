"""Fault tests with real processes (``make chaos``; a small version in ``tests/chaos``).

Each experiment runs the engine as an operator does — Temporal's dev server, ``intersessional
worker`` or ``intersessional dev`` as OS processes, the ledger on SQLite or PostgreSQL — drives
years through the step client as people would, injects one kind of fault (a SIGKILLed worker,
a killed process group, an older copy of Temporal's database, ``temporal workflow reset`` and
``terminate``, PostgreSQL backends terminated) and then asserts, from the ledger and the
audit's own commands: every year completed, exactly one event per state change, every chain
verifies, and ``audit cross-check`` is clean.

Modules: :mod:`chaos.processes` (the processes and their logs), :mod:`chaos.server` (the
embedded Temporal server as a process of its own), :mod:`chaos.driver` (the people of a year,
robust to errors), :mod:`chaos.checks` (what every experiment asserts), :mod:`chaos.faults` and
:mod:`chaos.repairs` (the experiments), ``python -m chaos`` (the command).
"""
