"""Serve the dashboard on a fresh PostgreSQL database holding ``--rows`` traces (default 1,000,000).

For the dashboard's performance check (``npm run perf`` in e2e/), not for ``make test``. The rows
are loaded with COPY by the backend's own list benchmark (backend/benchmarks/ingest.py), so the
data is the same shape as there. Prints ``READY <url>`` once serving; on SIGTERM or SIGINT it stops
the server and drops the database.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[2] / "backend"
sys.path.insert(0, str(BACKEND))

from benchmarks.ingest import (  # noqa: E402
    fresh_database,
    load_for_list,
    load_problems,
    running_server,
)


async def main(rows: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with fresh_database() as dsn:
        await load_for_list(dsn, load_problems(), rows)
        async with running_server(dsn) as server:
            print(f"READY {server.base_url}", flush=True)
            await stop.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    asyncio.run(main(parser.parse_args().rows))
