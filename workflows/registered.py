"""Every workflow the worker registers, under its stable name: what a worker runs and what a
``Replayer`` replays (the audit's cross-check, the golden histories)."""

from __future__ import annotations

from workflows.coalition import CoalitionWorkflow
from workflows.cycle import AnnualCycleWorkflow
from workflows.notices import NoticesWorkflow
from workflows.opener import OpenCycleWorkflow
from workflows.silence import SilenceProcedureWorkflow

WORKFLOWS = (AnnualCycleWorkflow, OpenCycleWorkflow, CoalitionWorkflow, SilenceProcedureWorkflow,
             NoticesWorkflow)
