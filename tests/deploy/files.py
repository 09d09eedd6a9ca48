"""Reading the deployment's files as Docker and Compose read them: ``docker-compose.yml`` with
Compose's ``${VAR}`` interpolation, the environment of a service checked against the settings
model, the ``Dockerfile``'s instructions by stage, and the pins of ``requirements.lock``."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from packaging.utils import canonicalize_name

import settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
MAKEFILE = ROOT / "Makefile"

# ---------------------------------------------------------------- docker-compose.yml

# $$, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message},
# ${NAME:+replacement}, ${NAME+replacement}, $NAME
_VARIABLE = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<name>[A-Za-z_]\w*)"
                       r"(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_]\w*))")


class MissingVariableError(KeyError):
    """A ``${NAME:?message}`` whose variable is unset: Compose stops with the message."""


@dataclass(frozen=True)
class Reference:
    """One ``${NAME…}`` in the compose file's text."""

    name: str
    op: str | None
    arg: str | None


def compose_text() -> str:
    return COMPOSE.read_text(encoding="utf-8")


def load_compose(text: str | None = None) -> dict[str, Any]:
    """The compose document as YAML gives it (anchors and merge keys resolved), not
    interpolated."""
    document = yaml.safe_load(compose_text() if text is None else text)
    assert isinstance(document, dict)
    return document


def references(text: str) -> list[Reference]:
    """Every ``${NAME…}`` and ``$NAME`` in ``text`` (not the escaped ``$$``)."""
    found = []
    for match in _VARIABLE.finditer(text):
        if match["escaped"]:
            continue
        name = match["name"] or match["bare"]
        found.append(Reference(name, match["op"], match["arg"]))
    return found


def interpolate(value: str, environ: Mapping[str, str]) -> str:
    """``value`` with its variables replaced as Compose replaces them."""

    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        if match["bare"]:
            return environ.get(match["bare"], "")
        name, op, arg = match["name"], match["op"], match["arg"] or ""
        present = name in environ
        given = present and environ[name] != ""
        if op is None:
            return environ.get(name, "")
        if op in (":-", "-"):
            return environ[name] if (given if op == ":-" else present) else arg
        if op in (":?", "?"):
            if given if op == ":?" else present:
                return environ[name]
            raise MissingVariableError(f"{name}: {arg}")
        return arg if (given if op == ":+" else present) else ""

    return _VARIABLE.sub(replace, value)


def interpolated(node: Any, environ: Mapping[str, str]) -> Any:
    """The document ``node`` with every string value interpolated (keys are not)."""
    if isinstance(node, str):
        return interpolate(node, environ)
    if isinstance(node, dict):
        return {key: interpolated(value, environ) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolated(item, environ) for item in node]
    return node


def sample_environ(text: str | None = None) -> dict[str, str]:
    """A value for every variable the compose file requires (``${NAME:?…}``) or reads without
    a default, as an operator would export them."""
    needed = {r.name for r in references(compose_text() if text is None else text)
              if r.op is None or "?" in r.op}
    return {name: f"sample-{name.lower().replace('_', '-')}" for name in sorted(needed)}


def interpolated_compose() -> dict[str, Any]:
    document = interpolated(load_compose(), sample_environ())
    assert isinstance(document, dict)
    return document


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's ``environment``, given as a mapping or as a list of ``NAME=value``."""
    given = service.get("environment") or {}
    if isinstance(given, list):
        given = dict(item.split("=", 1) if "=" in item else (item, "") for item in given)
    return {str(name): "" if value is None else str(value) for name, value in given.items()}


def built_services(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The services built from this repository (those with ``build:``)."""
    return {name: s for name, s in document["services"].items() if "build" in s}


# ---------------------------------------------------------------- the settings model

def unknown_settings(environ: Mapping[str, str]) -> list[str]:
    """The ``INTERSESSIONAL_*`` names of ``environ`` that are not fields of the settings."""
    fields = {settings.variable(name) for name in settings.Settings.model_fields}
    return sorted(n for n in environ if n.startswith(settings.PREFIX) and n not in fields)


def _must_exist(field_name: str) -> bool:
    """Whether the setting is a ``FilePath`` (a TLS file), which must name an existing file."""
    annotation = settings.Settings.model_fields[field_name].annotation
    return "path_type='file'" in repr(annotation)


def service_settings(environ: Mapping[str, str], existing_file: Path) -> settings.Settings:
    """The settings a process given ``environ`` starts with (:class:`settings.SettingsError`
    for a wrong value; an unknown name is ignored). A setting that must name an existing file names
    ``existing_file`` instead: the container's files are not on this machine."""
    given = {n: v for n, v in environ.items() if n.startswith(settings.PREFIX)}
    for name in settings.Settings.model_fields:
        if _must_exist(name) and settings.variable(name) in given:
            given[settings.variable(name)] = str(existing_file)
    return settings.load(given)


# ---------------------------------------------------------------- Dockerfile

@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [i.arguments for i in self.instructions if i.keyword == keyword]


def dockerfile_instructions(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    if pending:
        logical.append(pending)
    instructions = []
    for line in logical:
        keyword, _, arguments = line.partition(" ")
        instructions.append(Instruction(keyword.upper(), " ".join(arguments.split())))
    return instructions


def dockerfile_stages(text: str | None = None) -> list[Stage]:
    stages: list[Stage] = []
    source = DOCKERFILE.read_text(encoding="utf-8") if text is None else text
    for instruction in dockerfile_instructions(source):
        if instruction.keyword == "FROM":
            words = [w for w in instruction.arguments.split() if not w.startswith("--")]
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(words[0], name))
        elif stages:
            stages[-1].instructions.append(instruction)
    return stages


def image_tag(image: str) -> str | None:
    """The tag of an image reference (``None`` without one); a digest counts as a tag."""
    if "@" in image:
        return image.split("@", 1)[1]
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


# ---------------------------------------------------------------- requirements.lock

@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: str | None
    hashes: tuple[str, ...]


def lock_pins(text: str | None = None) -> dict[str, Pin]:
    """The pins of the lock by canonical name: ``name==version [; marker]`` and the
    ``--hash=`` options after it."""
    source = LOCK.read_text(encoding="utf-8") if text is None else text
    entries = re.split(r"\n(?=[^\s#])", "\n" + source)
    pins: dict[str, Pin] = {}
    for entry in entries:
        head = entry.strip().split("\\", 1)[0].strip()
        if not head or head.startswith("#"):
            continue
        requirement, _, marker = head.partition(";")
        name, _, version = requirement.strip().partition("==")
        hashes = tuple(re.findall(r"--hash=(\w+:[0-9a-f]+)", entry))
        pins[canonicalize_name(name)] = Pin(name.strip(), version.strip(),
                                            marker.strip() or None, hashes)
    return pins


def pyproject() -> dict[str, Any]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
