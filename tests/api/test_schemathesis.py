"""Schemathesis over the served OpenAPI document: every operation, with data that fits its schema
and data that does not, sent by a person whose role may take it (so that requests get past the
guard to the body, the rules and the engine), against a year the engine holds and years it does
not — and no answer is a 5xx (``not_a_server_error``).

A modest number of examples per operation keeps the run to seconds; ``make test`` runs it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.openapi import from_url

from domain.convention import Role
from domain.steps import BY_STEP, Step
from tests.api.conftest import YEAR, Api, to_the_committee

EXAMPLES = 12  # per operation and generation mode


def token_for(api: Api, operation: str) -> str:
    """The token of someone who may take the step ``operation`` names, or the President's."""
    step = next((s for s in Step if operation.endswith(f"/{s.value}")), None)
    if operation == "POST /cycles":
        step = Step.OPEN_CYCLE
    roles = BY_STEP[step].roles if step else ()
    return api.tokens["isu" if Role.ISU in roles else "president"]


def no_server_error(cases: SearchStrategy[Case[Any]], url: str, headers: dict[str, str]
                    ) -> None:
    """Send up to :data:`EXAMPLES` of ``cases``; a check failure is raised (by hypothesis)."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def check(case: Case[Any]) -> None:
        response = case.call(base_url=url, headers=headers, timeout=60)
        case.validate_response(response, checks=[not_a_server_error])

    check()


def test_no_operation_answers_with_a_server_error(api: Api) -> None:
    to_the_committee(api)
    schema = from_url(f"{api.url}/openapi.json")
    failures: list[str] = []
    tried = 0
    for found in schema.get_all_operations():
        assert isinstance(found, Ok), f"an operation schemathesis cannot read: {found}"
        operation = found.ok()
        auth = {"Authorization": f"Bearer {token_for(api, operation.label)}"}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            cases = [operation.as_strategy(generation_mode=mode)]
            if "{year}" in operation.path:  # the year the engine holds, not only random ones
                cases.append(operation.as_strategy(generation_mode=mode,
                                                   path_parameters={"year": YEAR}))
            try:
                no_server_error(st.one_of(cases), api.url, auth)
            except Unsatisfiable:  # nothing to make invalid (no parameter, no body)
                assert mode is GenerationMode.NEGATIVE, operation.label
                continue
            except (AssertionError, BaseExceptionGroup) as failure:  # each found, then reported
                failures.append(f"{operation.label} ({mode.value}): {failure}")
            tried += 1
    assert tried >= 19 + 16, f"only {tried} operation runs: is the schema complete?"
    if failures:
        pytest.fail("server errors:\n" + "\n".join(failures))
