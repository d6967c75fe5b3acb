"""``tunix-rt import arithmetic``: generate arithmetic problems into the database or a server.

Without ``--api`` the traces are stored in the configured database (``TUNIX_RT_DATABASE_URL``,
migrated first, as ``tunix-rt import gsm8k`` does); with ``--api URL`` the spec is sent to the
server's ``POST /api/sources/arithmetic/generate``, which generates and stores the same traces.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any, TextIO

from pydantic import ValidationError

from tunix_rt_backend.cli_support import add_api_options, report_failure
from tunix_rt_backend.client import Client
from tunix_rt_backend.contracts.arithmetic import OPERATIONS, ArithmeticSpec
from tunix_rt_backend.sources.schemas import ArithmeticResult

PROG = "tunix-rt import arithmetic"
#: Storing 100,000 traces on a slow database takes minutes, not seconds.
API_TIMEOUT_S = 3600.0


def parse_range(text: str) -> tuple[int, int]:
    """``"2-3"`` → ``(2, 3)``; ``"4"`` → ``(4, 4)``."""
    low, sep, high = text.partition("-")
    try:
        first = int(low)
        return (first, int(high) if sep else first)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a range: write LOW-HIGH (e.g. 2-3) or one number"
        ) from None


def parse_operations(text: str) -> list[str]:
    """``"+,-,*"`` → ``["+", "-", "*"]``."""
    ops = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [op for op in ops if op not in OPERATIONS]
    if not ops or unknown:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give operations among {', '.join(OPERATIONS)}, comma-separated (e.g. +,-)"
        )
    return ops


def add_command(formats: Any) -> None:
    """Register ``arithmetic`` among the ``tunix-rt import`` formats."""
    sub = formats.add_parser(
        "arithmetic",
        help="generate multi-step arithmetic word problems with worked steps (seeded)",
        description="Generate COUNT arithmetic word problems with distinct prompts, one worked "
        "step per operation, deterministic by --seed, and store them (source=arithmetic). "
        "Running the same command again stores nothing new.",
    )
    sub.add_argument("--count", type=int, required=True, help="how many problems (1-100000)")
    sub.add_argument("--seed", type=int, default=0, help="same seed, same problems (default 0)")
    sub.add_argument("--steps", type=parse_range, default=(2, 3), metavar="MIN-MAX")
    sub.add_argument("--operands", type=parse_range, default=(1, 30), metavar="MIN-MAX")
    sub.add_argument("--start", type=parse_range, default=(5, 40), metavar="MIN-MAX")
    sub.add_argument(
        "--ops", type=parse_operations, default=["+", "-"], metavar="OPS", help="e.g. +,-,*"
    )
    sub.add_argument(
        "--answer-only", action="store_true", help="the same problems without the worked steps"
    )
    add_api_options(sub)
    sub.set_defaults(handler=run_arithmetic)


def _spec(args: argparse.Namespace) -> ArithmeticSpec:
    return ArithmeticSpec(
        count=args.count,
        seed=args.seed,
        min_steps=args.steps[0],
        max_steps=args.steps[1],
        operand_min=args.operands[0],
        operand_max=args.operands[1],
        start_min=args.start[0],
        start_max=args.start[1],
        operations=args.ops,
        answer_only=args.answer_only,
    )


async def _generate_local(spec: ArithmeticSpec) -> ArithmeticResult:
    from tunix_rt_backend.db import create_engine, create_sessionmaker
    from tunix_rt_backend.migrate import upgrade
    from tunix_rt_backend.settings import get_settings
    from tunix_rt_backend.sources.arithmetic import generate

    settings = get_settings()
    engine = create_engine(settings)
    try:
        await upgrade(engine)
        async with create_sessionmaker(engine)() as session:
            return await generate(session, spec=spec, max_trace_bytes=settings.max_trace_bytes)
    finally:
        await engine.dispose()


def summary(spec: ArithmeticSpec, result: ArithmeticResult, seconds: float) -> str:
    if result.created == 0:
        return (
            f"arithmetic (seed {spec.seed}): nothing new stored: all {result.generated:,} "
            f"traces were already stored; {seconds:.1f} s."
        )
    return (
        f"arithmetic (seed {spec.seed}): {result.generated:,} problems generated, "
        f"{result.created:,} new traces stored, {result.existing:,} already stored (skipped); "
        f"{seconds:.1f} s."
    )


def run_arithmetic(
    args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Generate and store; print the counts. 0 when done, 1 when refused or failed, 2 on bad
    usage."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        spec = _spec(args)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'spec'}: "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors(include_input=False)
        )
        print(f"{PROG}: {problems}", file=err)
        return 2
    started = time.perf_counter()
    try:
        if args.api:
            with Client(args.api, api_key=args.api_key, timeout=API_TIMEOUT_S) as api:
                result = api.generate_arithmetic(spec)
        else:
            result = asyncio.run(_generate_local(spec))
    except Exception as exc:
        if not report_failure(PROG, exc, api=args.api, err=err):
            raise
        return 1
    print(summary(spec, result, time.perf_counter() - started), file=out)
    return 0
