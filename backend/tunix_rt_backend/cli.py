"""`tunix-rt`: serve the API and dashboard, manage the database. Parsing only; work is elsewhere."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import sys
from collections.abc import Sequence
from pathlib import Path

from tunix_rt_backend import __version__
from tunix_rt_backend.cli_support import add_api_options
from tunix_rt_backend.contracts.parsing import RESPONSE_PARSERS


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from tunix_rt_backend.app import create_app
    from tunix_rt_backend.db import create_engine
    from tunix_rt_backend.migrate import upgrade
    from tunix_rt_backend.settings import get_settings

    settings = get_settings()
    if not _is_loopback(args.host) and not settings.all_api_keys() and not args.insecure:
        print(
            f"tunix-rt: refusing to serve on {args.host} without API keys: anyone who can reach "
            "this machine could read and change your data. Set TUNIX_RT_API_KEYS (comma-"
            "separated) or TUNIX_RT_API_KEYS_FILE, or pass --insecure if the network is trusted.",
            file=sys.stderr,
        )
        return 2

    async def migrate() -> None:
        engine = create_engine(settings)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(migrate())
    where = "loopback only" if _is_loopback(args.host) else "reachable from other machines"
    print(
        f"tunix-rt {__version__}: {settings.dialect} database migrated; serving on "
        f"http://{args.host}:{args.port} ({where})",
        flush=True,
    )
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level)
    return 0


def _db(args: argparse.Namespace) -> int:
    from tunix_rt_backend.db import create_engine
    from tunix_rt_backend.migrate import current_revision, downgrade, upgrade
    from tunix_rt_backend.settings import get_settings

    async def run() -> str | None:
        engine = create_engine(get_settings())
        try:
            if args.db_command == "upgrade":
                await upgrade(engine, args.revision)
            elif args.db_command == "downgrade":
                await downgrade(engine, args.revision)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    revision = asyncio.run(run())
    print(f"database at revision {revision or '(empty)'}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from tunix_rt_backend.sources.commands import run_import
    from tunix_rt_backend.sources.jsonl import parse_map
    from tunix_rt_backend.sources.schemas import ImportOptions

    if args.file is None:  # gsm8k without a path: the split that ships with the package
        from tunix_rt_backend.data import gsm8k_file

        try:
            args.file = gsm8k_file(args.split or "train")
        except ValueError as exc:
            print(f"tunix-rt import gsm8k: {exc}; give the file's path", file=sys.stderr)
            return 2
    try:
        options = ImportOptions(
            format=args.import_format,
            source=getattr(args, "source", None),
            mapping=parse_map(args.map) if args.import_format == "jsonl" else {},
            parser=getattr(args, "parser", "tags"),
            split=getattr(args, "split", None)
            or (args.file.stem if args.import_format == "gsm8k" else None),
            keep_calculator_marks=getattr(args, "keep_calculator_marks", False),
            skip_invalid=args.skip_invalid,
        )
    except ValueError as exc:  # a bad --map item, or an option pydantic refuses
        print(f"tunix-rt import: {exc}", file=sys.stderr)
        return 2
    return run_import(args.file, options, api=args.api, api_key=args.api_key)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tunix-rt",
        description="tunix-rt: reasoning traces for Gemma fine-tuning with Tunix.",
    )
    parser.add_argument("--version", action="version", version=f"tunix-rt {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="apply migrations, then serve the API and dashboard")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--insecure",
        action="store_true",
        help="allow a non-loopback --host without API keys (only on a trusted network)",
    )
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database migrations")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    up = db_commands.add_parser("upgrade", help="apply migrations (default: to the newest)")
    up.add_argument("revision", nargs="?", default="head")
    down = db_commands.add_parser("downgrade", help="revert migrations to REV (e.g. base)")
    down.add_argument("revision")
    current = db_commands.add_parser("current", help="print the current revision")
    current.set_defaults(revision=None)
    db.set_defaults(handler=_db)

    imports = commands.add_parser(
        "import",
        help="import traces from a JSONL file (GSM8K, your own records, model outputs) or "
        "generate arithmetic problems",
        description="Import a JSONL file into the configured database (TUNIX_RT_DATABASE_URL, "
        "migrated first), or with --api into a running server. Re-importing stores nothing new.",
    )
    formats = imports.add_subparsers(dest="import_format", required=True)
    gsm8k = formats.add_parser("gsm8k", help="GSM8K rows: {question, answer}")
    gsm8k.add_argument(
        "--split",
        help="split name kept in each trace's metadata (default: the file name stem); without "
        "a file, which shipped split to import (train or test)",
    )
    gsm8k.add_argument(
        "--keep-calculator-marks",
        action="store_true",
        help="keep GSM8K's <<48/2=24>> calculator annotations in the steps",
    )
    jsonl = formats.add_parser(
        "jsonl", help="your own records or model outputs, mapped with --map FIELD=PATH"
    )
    jsonl.add_argument("--source", required=True, help="the source every imported trace gets")
    jsonl.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=PATH",
        help="trace FIELD (prompt, steps, final_answer, reference_answer, response, tags, "
        "metadata) read from the dotted PATH of each record, e.g. response=out.text; repeat it. "
        "Records already in trace shape need no map.",
    )
    jsonl.add_argument(
        "--parser",
        choices=RESPONSE_PARSERS,
        default="tags",
        help="how a mapped response becomes steps and an answer: tags "
        "(<reasoning>…</reasoning><answer>…</answer>), gsm8k (#### / A:), numbered, lines "
        "(last line is the answer); default tags",
    )
    gsm8k.add_argument(
        "file",
        type=Path,
        nargs="?",
        help="the .jsonl file, one JSON object per line (default: the GSM8K split that ships "
        "with tunix-rt, train or the --split given)",
    )
    jsonl.add_argument("file", type=Path, help="the .jsonl file, one JSON object per line")
    for sub in (gsm8k, jsonl):
        sub.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid lines and list the others (default: store nothing if any "
            "line is invalid)",
        )
        add_api_options(sub)
    imports.set_defaults(handler=_import)
    from tunix_rt_backend.sources.arithmetic_command import add_command as add_arithmetic

    add_arithmetic(formats)  # sets its own handler
    from tunix_rt_backend.datasets.commands import add_commands as add_dataset_commands

    add_dataset_commands(commands)
    from tunix_rt_backend.demo.command import add_command as add_demo

    add_demo(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
