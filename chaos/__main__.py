"""``make chaos``: every experiment, one line of figures each; exit 1 if any failed.

``python -m chaos --only worker-kill --years 5 --kills 10``; ``--keep`` keeps the data
directories and logs (under ``--directory``, default a temporary one).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from chaos.checks import Figures
from chaos.experiment import Options
from chaos.faults import dev_group_kill, postgres_backend_kill, worker_kill
from chaos.repairs import reset_terminate, temporal_rollback
from runtime.embedded import free_port

EXPERIMENTS: dict[str, Callable[[Options], Awaitable[Figures]]] = {
    "worker-kill": worker_kill,
    "dev-group-kill": dev_group_kill,
    "temporal-rollback": temporal_rollback,
    "reset-terminate": reset_terminate,
    "postgres-backend-kill": postgres_backend_kill,
}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, help="concurrent years per experiment "
                        "(default: 20 worker-kill, 10 dev-group-kill and postgres-backend-kill, "
                        "8 temporal-rollback, 6 reset-terminate)")
    parser.add_argument("--kills", type=int, help="faults per experiment (default: worker "
                        "and PostgreSQL kills until the years complete, 2 dev-group kills)")
    parser.add_argument("--only", choices=sorted(EXPERIMENTS), action="append",
                        help="run only this experiment (repeatable)")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds for the years to complete (default 300)")
    parser.add_argument("--stall", type=float, help="seconds without a new event after which "
                        "the years count as wedged (default: wait out the timeout)")
    parser.add_argument("--seed", type=int, help="seed of the random intervals")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/chaos_pg",
                        help="the PostgreSQL database postgres-backend-kill drops and creates")
    parser.add_argument("--directory", type=Path, help="where the data and logs go")
    parser.add_argument("--keep", action="store_true", help="keep the data and logs")
    return parser.parse_args()


async def main() -> int:
    args = arguments()
    names = args.only or list(EXPERIMENTS)
    tmp = Path(tempfile.mkdtemp(prefix="chaos-", dir=args.directory))
    options = Options(directory=tmp, port=free_port, years=args.years, kills=args.kills,
                      timeout=args.timeout, stall=args.stall, seed=args.seed,
                      postgres_url=args.postgres_url)
    print(f"chaos: {', '.join(names)}; data and logs in {tmp}", flush=True)
    failed = 0
    try:
        for name in names:
            figures = await EXPERIMENTS[name](options)
            print(figures.line(), flush=True)
            failed += not figures.passed
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"chaos: {len(names) - failed} of {len(names)} experiments passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
