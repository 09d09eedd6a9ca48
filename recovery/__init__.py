"""The engine healed from the record: every stream the ledger holds, against the workflow
Temporal runs for it (:mod:`recovery.survey`), and the repair of each that disagrees
(:mod:`recovery.repair`) — ``intersessional engine recover``, the worker at start-up, and
``audit cross-check``, which names what it finds."""
