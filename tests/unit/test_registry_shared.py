"""Runs share one registry: equal tuples of States give the one read-only mapping."""

from __future__ import annotations

import pytest

from domain.convention import shared_registry, shipped_registry


def test_equal_registries_are_one_mapping_and_read_only() -> None:
    states = tuple(shipped_registry().states_parties())
    copy = tuple(s.model_copy() for s in states)
    assert copy is not states
    assert copy == states
    first, second = shared_registry(states), shared_registry(copy)
    assert first is second
    assert set(first) == {s.iso3 for s in states}
    with pytest.raises(TypeError):
        first["LBN"] = states[0]  # type: ignore[index]
    changed = (*states[:-1], states[-1].model_copy(update={"note": "withdrawn"}))
    assert shared_registry(changed) is not first
    assert shared_registry(changed)[states[-1].iso3].note == "withdrawn"
