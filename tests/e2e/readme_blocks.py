"""The fenced blocks of a Markdown file and what the README says each must do.

A block is marked by an HTML comment right above its fence (invisible on GitHub):

``<!-- readme-test run [engine] [pango]`` then one expectation a line, then ``-->``:
    run every command of the block; ``engine``: with ``intersessional dev`` running on the
    demo's data; ``pango``: the report's PDF needs Pango (skipped without it, as the other
    PDF tests). An expectation is ``"KEY" exit=N [out~"REGEX"]… [env~"REGEX"]…``: the first
    line whose KEY the command's text holds is the command's; ``out~`` searches what the
    command printed (stdout and stderr, as a terminal shows them, lines anchored by ``^ $``),
    ``env~`` the exported variables after it (``NAME=value`` lines); ``$NAME`` in a REGEX is
    that variable's value after the command. A command no line names must be shell
    bookkeeping (``export``, ``source``, ``NAME=…``) and exit 0.
``<!-- readme-test skip: why -->``: not run, and why (no Docker engine here…).
``<!-- readme-test workplan: … -->``: a work plan file, read as one.

A block with no such comment is neither run nor marked: the check fails on it.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

FENCE = re.compile(r"^```(?P<lang>[\w+-]*)\s*$")
HEADING = re.compile(r"^#+\s+(?P<title>.+)$")
MARK = re.compile(r"^<!-- readme-test (?P<kind>run|skip|workplan)\b(?P<rest>.*)$")
BOOKKEEPING = re.compile(r"^(export |source |\. |[A-Za-z_][A-Za-z0-9_]*=)")
VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


@dataclass(frozen=True)
class Expect:
    key: str
    exit: int
    out: tuple[str, ...] = ()
    env: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    source: str
    line: int  # of the opening fence, from 1
    section: str
    lang: str
    text: str
    kind: str | None = None  # run, skip, workplan; None: not marked
    flags: frozenset[str] = frozenset()
    reason: str = ""
    expects: tuple[Expect, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.source}:{self.line}"

    def commands(self) -> list[str]:
        """The block's commands: a line with its ``\\`` continuations; no blank or comment
        line."""
        found: list[str] = []
        pending = ""
        for line in self.text.splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            pending += line + "\n"
            if not line.rstrip().endswith("\\"):
                found.append(pending.rstrip("\n"))
                pending = ""
        if pending:
            found.append(pending.rstrip("\n"))
        return found

    def expectation(self, command: str) -> Expect | None:
        return next((e for e in self.expects if e.key in command), None)


def _expect(line: str) -> Expect:
    words = shlex.split(line)
    if not words or not words[1:] or not words[1].startswith("exit="):
        raise ValueError(f'not an expectation ("KEY" exit=N out~"REGEX" …): {line!r}')
    out: list[str] = []
    env: list[str] = []
    for word in words[2:]:
        name, sep, pattern = word.partition("~")
        if not sep or name not in {"out", "env"}:
            raise ValueError(f"{word!r} in {line!r}: out~REGEX or env~REGEX")
        (out if name == "out" else env).append(pattern)
    return Expect(key=words[0], exit=int(words[1].removeprefix("exit=")), out=tuple(out),
                  env=tuple(env))


def _mark(lines: list[str], fence: int) -> dict[str, object]:
    """The marking comment that ends right above line ``fence`` (0-based), if any."""
    end = fence - 1
    if end < 0 or not lines[end].rstrip().endswith("-->"):
        return {}
    start = end
    while start >= 0 and not lines[start].startswith("<!--"):
        start -= 1
    found = MARK.match(lines[start]) if start >= 0 else None
    if found is None:
        return {}
    body = [lines[start][found.end("kind"):], *lines[start + 1:end + 1]]
    body[-1] = body[-1].rstrip().removesuffix("-->")
    kind = found["kind"]
    if kind != "run":
        reason = " ".join(" ".join(body).split()).removeprefix(":").strip()
        return {"kind": kind, "reason": reason}
    return {"kind": kind, "flags": frozenset(body[0].split()),
            "expects": tuple(_expect(line) for line in body[1:] if line.strip())}


def blocks(markdown: str, source: str) -> list[Block]:
    """Every fenced block of ``markdown``, with its marking."""
    lines = markdown.splitlines()
    found: list[Block] = []
    section, index = "", 0
    while index < len(lines):
        heading = HEADING.match(lines[index])
        if heading:
            section = heading["title"]
        fence = FENCE.match(lines[index])
        if fence is None:
            index += 1
            continue
        close = next((i for i in range(index + 1, len(lines)) if lines[i].strip() == "```"),
                     None)
        if close is None:
            raise ValueError(f"{source}:{index + 1}: a fence that is never closed")
        found.append(Block(source, index + 1, section, fence["lang"],
                           "\n".join(lines[index + 1:close]), **_mark(lines, index)))  # type: ignore[arg-type]
        index = close + 1
    return found


def expand(pattern: str, variables: dict[str, str]) -> str:
    """``pattern`` with each ``$NAME`` replaced by that variable's value, escaped."""
    def value(found: re.Match[str]) -> str:
        if found[1] not in variables:
            raise KeyError(f"${found[1]} in {pattern!r} is not set after the command")
        return re.escape(variables[found[1]])
    return VARIABLE.sub(value, pattern)
