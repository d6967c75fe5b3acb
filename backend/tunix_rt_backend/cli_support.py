"""What the ``tunix-rt`` commands share: the ``--api``/``--api-key`` options, and how a command
says why it failed (one line on standard error, exit status 1) instead of a traceback."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

import httpx

from tunix_rt_backend.client_base import ApiError
from tunix_rt_backend.errors import AppError, is_database_unavailable


def add_api_options(parser: argparse.ArgumentParser, *, send: str = "send to") -> None:
    """``--api URL`` (work on a running server instead of the configured database) and
    ``--api-key`` (default ``$TUNIX_RT_API_KEY``)."""
    parser.add_argument("--api", metavar="URL", help=f"{send} the server at URL instead")
    parser.add_argument(
        "--api-key",
        metavar="KEY",
        default=os.environ.get("TUNIX_RT_API_KEY"),
        help="API key for --api (default: $TUNIX_RT_API_KEY)",
    )


def report_failure(prog: str, exc: Exception, *, api: str | None, err: TextIO) -> bool:
    """Print why ``prog`` failed with ``exc`` and return True; False for an exception a command
    does not expect (a bug: let it raise). Expected: a refusal by the service, an HTTP error
    from the server at ``api``, or (without ``api``) a database that cannot be reached."""
    if isinstance(exc, AppError):
        print(f"{prog}: {exc.message}", file=err)
        return True
    if isinstance(exc, ApiError | httpx.HTTPError):
        print(f"{prog}: {api or 'the configured database'}: {exc}", file=err)
        return True
    if api is None and is_database_unavailable(exc):
        reason = getattr(exc, "orig", None) or exc
        print(
            f"{prog}: the configured database cannot be reached ({reason}); check "
            "TUNIX_RT_DATABASE_URL (and that the database server is running).",
            file=err,
        )
        return True
    return False
