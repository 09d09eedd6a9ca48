"""Temporal workflows: deterministic orchestration of the annual cycle (issue #4).

Workflows import ``domain`` through ``workflow.unsafe.imports_passed_through()`` and reach the
ledger only through activities. The package is empty until the cycle workflow lands.
"""
