"""``intersessional history import``: the Convention's past recorded as the past (issue 20).

A history file (``docs/history.schema.json``, format ``intersessional-history/1``) names the
meetings, the coordinators and the decisions of past years, each with its source document.
:mod:`history.format` reads it, :mod:`history.checks` refuses what breaks the format (HI-1),
:mod:`history.building` turns each year into the events of its cycle stream, judged by the
domain's rules as of their dates, and :mod:`history.recording` records each year whole, in one
ledger transaction, attested by the ISU person who ran the import.
"""
