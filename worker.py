"""The one place that wires the Temporal client, data converter, ledger, logging and worker.

The durable cycle workflow and its activities arrive with issue #4; until then there is nothing
for a worker to run, and saying so plainly beats starting a worker that polls for nothing.
"""

from __future__ import annotations

import sys


def main() -> int:
    print("intersessional worker: no workflows are registered yet (the durable annual cycle "
          "arrives with issue #4); nothing to run.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
