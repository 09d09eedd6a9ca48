"""The append-only, hash-chained event store: the Convention's memory of its own process."""

from ledger.engine import create_ledger_engine, upgrade
from ledger.errors import EventIdConflict, LedgerError, WrongExpectedVersion
from ledger.records import NewEvent, Receipt, StoredEvent
from ledger.store import Ledger

__all__ = ["EventIdConflict", "Ledger", "LedgerError", "NewEvent", "Receipt", "StoredEvent",
           "WrongExpectedVersion", "create_ledger_engine", "upgrade"]
