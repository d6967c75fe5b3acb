"""`tunix-rt`: serve the API and dashboard, manage the database. Parsing only; work is elsewhere."""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import sys
from collections.abc import Sequence

from tunix_rt_backend import __version__


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
    from tunix_rt_backend.datasets.commands import add_commands as add_dataset_commands

    add_dataset_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
