"""The Dockerfile and its build context: a pinned slim Python 3.12 base in both stages, the
runtime dependencies installed from the lock with every hash checked, the project without
dependencies and without its dev extra, a non-root user, the CLI as entrypoint, and a context
that keeps local, secret and development files out."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

import pytest

from tests.deploy.files import (
    DOCKERIGNORE,
    MAKEFILE,
    Stage,
    dockerfile_instructions,
    dockerfile_stages,
    image_tag,
    pyproject,
    unknown_settings,
)

STAGES = dockerfile_stages()
BUILDER, FINAL = STAGES[0], STAGES[-1]
DEV_TOOLS = ("pytest", "ruff", "mypy", "hypothesis", "playwright", "gcc", "build-essential")


def _runs(stage: Stage) -> str:
    return "\n".join(stage.all("RUN"))


def test_dockerfile_parser_joins_continuations_and_drops_comments() -> None:
    text = "# c\nFROM a:1 AS b\nRUN x \\\n    --y \\\n  z\n# d\nUSER u\n"
    assert [(i.keyword, i.arguments) for i in dockerfile_instructions(text)] == [
        ("FROM", "a:1 AS b"), ("RUN", "x --y z"), ("USER", "u")]


def test_build_has_a_builder_stage_and_a_final_stage() -> None:
    assert len(STAGES) == 2
    assert BUILDER.name == "builder"
    assert FINAL.name is None
    assert any("--from=builder" in c for c in FINAL.all("COPY"))


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.name or "final")
def test_base_image_is_a_pinned_slim_python_312(stage: Stage) -> None:
    tag = image_tag(stage.base)
    assert stage.base.startswith("python:")
    assert tag is not None
    assert tag != "latest"
    assert re.fullmatch(r"3\.12\.\d+-slim-\w+", tag), tag


def test_both_stages_use_the_same_base_so_the_venv_runs() -> None:
    assert BUILDER.base == FINAL.base


def test_lock_targets_the_python_of_the_image() -> None:
    tag = image_tag(FINAL.base) or ""
    minor = ".".join(tag.split("-")[0].split(".")[:2])
    recipe = MAKEFILE.read_text().split("\nlock:", 1)[1]
    assert f"--python-version {minor}" in recipe
    assert "--generate-hashes" in recipe
    assert "-o requirements.lock" in recipe


def test_dependencies_come_from_the_lock_with_every_hash_checked() -> None:
    assert "requirements.lock ./" in BUILDER.all("COPY")
    (install,) = [r for r in BUILDER.all("RUN") if "requirements.lock" in r]
    assert "pip install" in install
    assert "--require-hashes" in install
    assert "-r requirements.lock" in install
    assert "--only-binary=:all:" in install  # no compiler needed, none run


def test_project_is_installed_without_dependencies_or_extras() -> None:
    (install,) = [r for r in BUILDER.all("RUN") if re.search(r"pip install [^&]*\s\.(\s|$)", r)]
    assert "--no-deps" in install
    text = "\n".join(i.arguments for s in STAGES for i in s.instructions)
    assert "[dev]" not in text
    assert ".[" not in text


#: what `audit report --pdf` needs of the system (docs/REPORT.md): Pango for WeasyPrint,
#: fontconfig, and fonts with Arabic (DejaVu) and Chinese (WenQuanYi Micro Hei)
PDF_PACKAGES = {"libpango-1.0-0", "libpangoft2-1.0-0", "fontconfig", "fonts-dejavu-core",
                "fonts-wqy-microhei"}


def test_final_stage_installs_no_python_package_and_carries_no_dev_tools() -> None:
    runs = _runs(FINAL)
    assert "pip install" not in runs
    for tool in DEV_TOOLS:
        assert tool not in runs, tool
        assert tool not in _runs(BUILDER), tool


def _apt_installs(stage: Stage) -> list[list[str]]:
    """The packages of each ``apt-get install`` of ``stage`` (its options dropped)."""
    found = []
    for run in stage.all("RUN"):
        for command in re.split(r"&&|;", run):
            words = command.split()
            if words[:2] == ["apt-get", "install"]:
                found.append([w for w in words[2:] if not w.startswith("-")])
    return found


def test_final_stage_installs_exactly_the_pdf_renderers_system_libraries() -> None:
    (packages,) = _apt_installs(FINAL)  # one apt-get install, in one RUN
    assert set(packages) == PDF_PACKAGES
    (run,) = [r for r in FINAL.all("RUN") if "apt-get" in r]
    assert "--no-install-recommends" in run
    assert run.startswith("apt-get update &&")
    assert run.rstrip().endswith("rm -rf /var/lib/apt/lists/*")  # no package lists left
    assert _apt_installs(BUILDER) == []


def test_final_stage_checks_that_weasyprint_renders_arabic_and_chinese() -> None:
    (check,) = [r for r in FINAL.all("RUN") if "weasyprint" in r]
    assert "write_pdf()" in check
    assert "lang=ar" in check
    assert "lang=zh" in check
    apt = next(i for i, x in enumerate(FINAL.instructions) if "apt-get" in x.arguments)
    venv = next(i for i, x in enumerate(FINAL.instructions) if "/opt/venv" in x.arguments
                and x.keyword == "COPY")
    render = next(i for i, x in enumerate(FINAL.instructions) if "weasyprint" in x.arguments)
    assert apt < venv < render


def test_final_stage_runs_as_an_unprivileged_user() -> None:
    users = FINAL.all("USER")
    assert users
    assert users[-1] not in ("root", "0", "0:0")
    assert re.search(rf"useradd --uid (\d+) .*\b{re.escape(users[-1])}\b", _runs(FINAL))
    uid = int(re.findall(r"useradd --uid (\d+)", _runs(FINAL))[0])
    assert uid >= 10000
    # the last USER comes after every RUN, so nothing runs as root once it is set
    last_user = max(i for i, x in enumerate(FINAL.instructions) if x.keyword == "USER")
    assert all(x.keyword != "RUN" for x in FINAL.instructions[last_user:])


def test_entrypoint_is_the_cli_and_the_default_command_a_worker() -> None:
    assert FINAL.all("ENTRYPOINT") == ['["intersessional"]']
    assert FINAL.all("CMD") == ['["worker"]']
    assert "intersessional" in pyproject()["project"]["scripts"]


def test_python_writes_no_bytecode_and_no_buffered_output() -> None:
    env = " ".join(FINAL.all("ENV"))
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "PYTHONUNBUFFERED=1" in env
    assert "PATH=/opt/venv/bin:$PATH" in env


def test_settings_given_by_the_image_are_settings() -> None:
    names = re.findall(r"(INTERSESSIONAL_\w+)=", " ".join(FINAL.all("ENV")))
    assert names
    assert unknown_settings(dict.fromkeys(names, "")) == []


def _ignored(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore keeps ``path`` out: a pattern matches a path from the context's
    root or any directory above it, ``**/`` any depth; the last matching pattern wins."""
    prefixes = ["/".join(path.split("/")[: i + 1]) for i in range(path.count("/") + 1)]
    verdict = False
    for pattern in patterns:
        body = pattern.removeprefix("!")
        if body.startswith("**/"):
            hit = any(fnmatchcase(p.rsplit("/", 1)[-1], body[3:]) for p in prefixes)
        else:
            hit = any(fnmatchcase(p, body) and p.count("/") == body.count("/")
                      for p in prefixes)
        if hit:
            verdict = not pattern.startswith("!")
    return verdict


PATTERNS = [line.strip() for line in DOCKERIGNORE.read_text().splitlines()
            if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("path", [".venv/bin/python", ".git/HEAD", "tests/deploy/files.py",
                                  "secrets/checkpoint-signing-key.pem", "bench/ledger.py",
                                  "domain/key.pem",
                                  ".mypy_cache/x", ".pytest_cache/x", ".ruff_cache/x",
                                  ".hypothesis/x", "ledger/__pycache__/x.pyc",
                                  "intersessional.egg-info/PKG-INFO", "key.pem",
                                  "test-artifacts/x.png"])
def test_dockerignore_keeps_out(path: str) -> None:
    assert _ignored(path, PATTERNS)


@pytest.mark.parametrize("path", ["pyproject.toml", "README.md", "requirements.lock",
                                  "cli/app.py", "settings.py", "ledger/migrations/env.py",
                                  "domain/data/states.csv", "api/templates/base.html",
                                  "ledger/migrations/versions/0001_ledger.py"])
def test_dockerignore_keeps_in_what_the_build_needs(path: str) -> None:
    assert not _ignored(path, PATTERNS)
