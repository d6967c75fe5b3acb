"""``tunix-rt demo``: load the example data into the configured database or a running server.

Without ``--api`` the work is done on the configured database (``TUNIX_RT_DATABASE_URL``,
migrated first); with ``--api URL`` the server does it (``POST /api/demo``). Either way the
same services run and the same counts are printed; running it again stores nothing new.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any, TextIO

from tunix_rt_backend.cli_support import add_api_options, report_failure
from tunix_rt_backend.client import Client
from tunix_rt_backend.demo.schemas import DemoResult

PROG = "tunix-rt demo"
API_TIMEOUT_S = 600.0


def add_command(commands: Any) -> None:
    sub = commands.add_parser(
        "demo",
        help="load example data: GSM8K, arithmetic problems, answer_match scores, a dataset",
        description="Import GSM8K's train and test splits (shipped with tunix-rt), generate 500 "
        "arithmetic word problems, score every trace with answer_match and build the dataset "
        "gsm8k-demo-v1 (a tenth held out), so that every page of the dashboard has content. "
        "Running it again stores nothing new.",
    )
    add_api_options(sub, send="ask")
    sub.set_defaults(handler=run_demo)


async def _load_local() -> DemoResult:
    from tunix_rt_backend.db import create_engine, create_sessionmaker
    from tunix_rt_backend.demo.service import load
    from tunix_rt_backend.migrate import upgrade
    from tunix_rt_backend.settings import get_settings

    settings = get_settings()
    engine = create_engine(settings)
    try:
        await upgrade(engine)
        async with create_sessionmaker(engine)() as session:
            return await load(session, settings=settings)
    finally:
        await engine.dispose()


def summary(result: DemoResult) -> str:
    lines = [
        f"GSM8K {split}: {r.created:,} new traces stored, {r.existing:,} already stored"
        for split, r in result.gsm8k.items()
    ]
    arithmetic = result.arithmetic
    lines.append(
        f"arithmetic: {arithmetic.created:,} new traces stored, "
        f"{arithmetic.existing:,} already stored"
    )
    scored = result.scored
    mean = f", mean {scored.mean:.3f}" if scored.mean is not None else ""
    lines.append(
        f"answer_match: {scored.scored:,} traces scored, {scored.skipped:,} already scored{mean}"
    )
    state = "built" if result.dataset_created else "already built"
    lines.append(f"dataset {result.dataset_key}: {state}")
    lines.append(f"done in {result.seconds:.1f} s")
    return "\n".join(lines)


def run_demo(
    args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Load the example data; print what was stored. 0 when done, 1 when it failed."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        if args.api:
            with Client(args.api, api_key=args.api_key, timeout=API_TIMEOUT_S) as api:
                result = api.load_demo()
        else:
            result = asyncio.run(_load_local())
    except Exception as exc:
        if not report_failure(PROG, exc, api=args.api, err=err):
            raise
        return 1
    print(summary(result), file=out)
    return 0
