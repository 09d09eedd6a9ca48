"""The README check's reading of Markdown (tests/e2e/readme_blocks.py): which blocks are
marked and how, a command's continuation lines, which expectation names a command."""

from __future__ import annotations

import pytest

from tests.e2e.readme_blocks import blocks, expand

MARKDOWN = '''# Title

```sh
make something
```

## Marked

<!-- readme-test run engine
"audit verify" exit=0 out~"ledger intact: $YEAR"
"audit" exit=1 env~"T=isx_"
-->
```sh
source demo.env
# a comment line
.venv/bin/intersessional audit verify-bundle x.zip \\
    --flag   # continued
.venv/bin/intersessional audit verify
```

<!-- readme-test skip: no Docker
engine here -->
```sh
docker compose up
```
'''


def test_blocks_are_read_with_their_marks() -> None:
    unmarked, run, skipped = blocks(MARKDOWN, "X.md")
    assert (unmarked.id, unmarked.kind, unmarked.section) == ("X.md:3", None, "Title")
    assert (run.kind, run.flags, run.section) == ("run", frozenset({"engine"}), "Marked")
    assert (skipped.kind, skipped.reason) == ("skip", "no Docker engine here")
    assert run.commands() == [
        "source demo.env",
        ".venv/bin/intersessional audit verify-bundle x.zip \\\n    --flag   # continued",
        ".venv/bin/intersessional audit verify"]
    first, second = run.expects
    assert (first.exit, first.out, second.env) == (0, ("ledger intact: $YEAR",), ("T=isx_",))
    # the first expectation whose key the command holds is the command's
    assert run.expectation(run.commands()[1]) == first
    assert run.expectation(run.commands()[0]) is None


def test_variables_in_a_pattern_are_their_values_escaped() -> None:
    assert expand(r"^wrote \$ $AS_OF: ${YEAR}$", {"AS_OF": "2027-01-01T00:00:00.1Z",
                                                  "YEAR": "2027"}) == (
        r"^wrote \$ 2027\-01\-01T00:00:00\.1Z: 2027$")
    with pytest.raises(KeyError, match=r"\$NEXT_YEAR"):
        expand("$NEXT_YEAR", {})


def test_a_wrong_expectation_or_an_open_fence_is_said() -> None:
    with pytest.raises(ValueError, match="not an expectation"):
        blocks('<!-- readme-test run\n"x" out~"y"\n-->\n```sh\nx\n```\n', "X.md")
    with pytest.raises(ValueError, match="never closed"):
        blocks("```sh\nx\n", "X.md")
