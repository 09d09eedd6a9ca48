"""The append-only, hash-chained event store: the Convention's memory of its own process.

The names below are imported when first used (PEP 562): a process that needs one module of
the package — a worker of ``ledger.segments`` spawned by ``audit verify`` — then imports that
module, not SQLAlchemy, Alembic and pydantic with the rest (about half a second of CPU each).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ledger.engine import create_ledger_engine, upgrade
    from ledger.errors import EventIdConflict, LedgerError, WrongExpectedVersion
    from ledger.records import NewEvent, Receipt, StoredEvent
    from ledger.store import Ledger

__all__ = ["EventIdConflict", "Ledger", "LedgerError", "NewEvent", "Receipt", "StoredEvent",
           "WrongExpectedVersion", "create_ledger_engine", "upgrade"]
_MODULES = {"create_ledger_engine": "engine", "upgrade": "engine", "EventIdConflict": "errors",
            "LedgerError": "errors", "WrongExpectedVersion": "errors", "NewEvent": "records",
            "Receipt": "records", "StoredEvent": "records", "Ledger": "store"}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module 'ledger' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"ledger.{_MODULES[name]}"), name)
    globals()[name] = value  # once: the next lookup finds it without this function
    return value
