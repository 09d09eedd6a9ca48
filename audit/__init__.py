"""Audit for Review Conferences: verify, replay, cross-check, export and report the ledger
and the workflow histories, also offline (CO-9, CC-4, ISU-5)."""
