"""Temporal workflows: how each kind of process moves (``domain.kinds``).

``core`` is the one machinery every kind runs on (validate → record → apply); ``cycle``,
``coalition`` and ``silence`` are each kind's thin class (how it begins, its timers, how it
ends), ``opener`` what a Schedule runs to open a year, ``registered`` every workflow under its
stable name. Workflows import ``domain`` and ``contracts`` only, through
``workflow.unsafe.imports_passed_through()``, and reach the ledger only through activities,
called by their registered names; nothing runs at import.
"""
