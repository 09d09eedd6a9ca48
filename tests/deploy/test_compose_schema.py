"""docker-compose.yml against the Compose Specification's JSON schema.

The schema is the one check-jsonschema (a dev dependency) vendors as its builtin
``vendor.compose-spec``, from github.com/compose-spec/compose-spec, under the Apache License 2.0
(its licence file ships beside it, ``builtin_schemas/vendor/licenses/LICENSE.compose-spec``).
Compose validates the document after interpolation; the file is checked both ways.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from importlib.resources import files
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

from tests.deploy.files import interpolated_compose, load_compose

_VENDOR = files("check_jsonschema") / "builtin_schemas" / "vendor"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads((_VENDOR / "compose-spec.json").read_text(encoding="utf-8"))
    assert validator_for(schema) is Draft202012Validator  # the schema's own $schema
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _problems(validator: Draft202012Validator, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in validator.iter_errors(document)]


def test_vendored_schema_comes_with_its_licence() -> None:
    licence = (_VENDOR / "licenses" / "LICENSE.compose-spec").read_text(encoding="utf-8")
    assert "Apache License" in licence


@pytest.mark.parametrize("form", ["as written", "interpolated"])
def test_compose_file_conforms_to_the_compose_specification(
        validator: Draft202012Validator, form: str) -> None:
    document = load_compose() if form == "as written" else interpolated_compose()
    assert _problems(validator, document) == []


def _unknown_top_level_key(doc: dict[str, Any]) -> None:
    doc["service"] = doc.pop("services")


def _misspelt_service_key(doc: dict[str, Any]) -> None:
    doc["services"]["worker"]["depend_on"] = doc["services"]["worker"].pop("depends_on")


def _ports_as_a_mapping(doc: dict[str, Any]) -> None:
    doc["services"]["api"]["ports"] = {"8000": 8000}


def _replicas_as_a_list(doc: dict[str, Any]) -> None:
    doc["services"]["worker"]["deploy"]["replicas"] = [2]


def _unknown_depends_on_condition(doc: dict[str, Any]) -> None:
    doc["services"]["worker"]["depends_on"]["ledger-migrate"]["condition"] = "service_finished"


@pytest.mark.parametrize("breakage", [_unknown_top_level_key, _misspelt_service_key,
                                      _ports_as_a_mapping, _replicas_as_a_list,
                                      _unknown_depends_on_condition])
def test_specification_rejects_a_broken_compose_file(
        validator: Draft202012Validator, breakage: Callable[[dict[str, Any]], None]) -> None:
    document = copy.deepcopy(interpolated_compose())
    breakage(document)
    assert _problems(validator, document) != []
