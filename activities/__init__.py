"""Temporal activities: the only code that writes to the ledger or the outside world (issue #4).

The package is empty until the ``record_event`` activity lands with the ledger (issue #3).
"""
