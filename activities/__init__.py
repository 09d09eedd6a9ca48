"""Temporal activities: the only code that writes to the ledger or the outside world.

``record_event`` appends one event of a cycle to the ledger, idempotent on the id the workflow
chose; ``prepare_cycle`` reads what a new cycle carries over; ``take_checkpoint`` signs the
log's Merkle root when a cycle closes.
"""
