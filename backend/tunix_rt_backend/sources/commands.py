"""What ``tunix-rt import gsm8k|jsonl FILE`` does (the command line only parses arguments).

Without ``--api`` the file is imported into the configured database (``TUNIX_RT_DATABASE_URL``),
migrated first as ``tunix-rt serve`` does. With ``--api URL`` the file is streamed to a running
server's ``POST /api/traces/import``, so the server stores it in one transaction and reports the
same counts. Either way a progress bar follows the bytes read for files of a megabyte or more.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TextIO

import httpx
from tqdm import tqdm

from tunix_rt_backend.cli_support import report_failure
from tunix_rt_backend.client import ApiError
from tunix_rt_backend.sources.importer import (
    ImportRefused,
    build_converter,
    file_chunks,
    import_stream,
)
from tunix_rt_backend.sources.schemas import ImportOptions, ImportResult, InvalidLine

CHUNK_BYTES = 1024 * 1024
PROGRESS_FROM_BYTES = 1024 * 1024
SHOWN_INVALID = 20
IMPORT_PATH = "/api/traces/import"

Progress = Callable[[int], object]


async def _import_local(
    handle: IO[bytes], options: ImportOptions, progress: Progress
) -> tuple[ImportResult, float]:
    """The result, and the seconds the import took (after the migrations)."""
    from tunix_rt_backend.db import create_engine, create_sessionmaker
    from tunix_rt_backend.migrate import upgrade
    from tunix_rt_backend.settings import get_settings

    settings = get_settings()
    engine = create_engine(settings)
    try:
        await upgrade(engine)
        started = time.perf_counter()
        async with create_sessionmaker(engine)() as session:
            result = await import_stream(
                session,
                file_chunks(handle, progress),
                options,
                max_trace_bytes=settings.max_trace_bytes,
            )
        return result, time.perf_counter() - started
    finally:
        await engine.dispose()


def query_params(options: ImportOptions) -> list[tuple[str, str]]:
    """``options`` as the query string of ``POST /api/traces/import``."""
    params: list[tuple[str, str]] = [("format", options.format), ("parser", options.parser)]
    if options.source is not None:
        params.append(("source", options.source))
    params.extend(("map", f"{field}={path}") for field, path in options.mapping.items())
    if options.split is not None:
        params.append(("split", options.split))
    if options.keep_calculator_marks:
        params.append(("keep_calculator_marks", "true"))
    if options.skip_invalid:
        params.append(("skip_invalid", "true"))
    return params


def _import_remote(
    handle: IO[bytes],
    size: int,
    options: ImportOptions,
    progress: Progress,
    *,
    api: str,
    api_key: str | None,
) -> ImportResult:
    def body() -> Iterator[bytes]:
        while chunk := handle.read(CHUNK_BYTES):
            progress(len(chunk))
            yield chunk

    headers = {"Content-Type": "application/x-ndjson", "Content-Length": str(size)}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    # Storing a large file may take a while after the last byte is sent.
    timeout = httpx.Timeout(60.0, read=3600.0)
    with httpx.Client(base_url=api.rstrip("/"), timeout=timeout) as http:
        response = http.post(
            IMPORT_PATH,
            params=tuple(query_params(options)),
            content=body(),
            headers=headers,
        )
    if response.status_code < 400:
        return ImportResult.model_validate_json(response.content)
    try:
        error = response.json()["error"]
        code, message, details = error["code"], error["message"], error.get("details")
    except (ValueError, KeyError, TypeError):
        raise ApiError(response.status_code, "http_error", response.text) from None
    if response.status_code == 422 and isinstance(details, dict) and "invalid" in details:
        raise ImportRefused(ImportResult.model_validate(details))
    raise ApiError(response.status_code, code, message, details)


def _invalid_lines(invalid: list[InvalidLine], total: int, out: TextIO) -> None:
    for item in invalid[:SHOWN_INVALID]:
        print(f"  line {item.line}: {item.error}", file=out)
    if total > SHOWN_INVALID:
        print(f"  … and {total - SHOWN_INVALID:,} more", file=out)


def summary(path: Path, result: ImportResult, seconds: float) -> str:
    rate = result.read / seconds if seconds > 0 else 0.0
    text = (
        f"{path.name}: {result.read:,} records read, {result.created:,} new traces stored, "
        f"{result.existing:,} already stored (skipped)"
    )
    if result.invalid_count:
        text += f", {result.invalid_count:,} invalid lines skipped"
    return text + f"; {seconds:.1f} s ({rate:,.0f} records/s)."


def run_import(
    path: Path,
    options: ImportOptions,
    *,
    api: str | None = None,
    api_key: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Import ``path``; print the counts; 0 when done, 1 when refused or failed, 2 on bad usage.

    ``out`` and ``err`` default to the standard streams at call time.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        build_converter(options)
    except ValueError as exc:
        print(f"tunix-rt import: {exc}", file=err)
        return 2
    if not path.is_file():
        print(f"tunix-rt import: {path} is not a file", file=err)
        return 2
    size = path.stat().st_size
    bar = tqdm(
        total=size,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc=f"importing {path.name}",
        disable=True if size < PROGRESS_FROM_BYTES else None,  # None: only on a terminal
        leave=False,
        file=err,
    )
    try:
        with bar, path.open("rb") as handle:
            if api:
                started = time.perf_counter()
                result = _import_remote(handle, size, options, bar.update, api=api, api_key=api_key)
                seconds = time.perf_counter() - started
            else:
                result, seconds = asyncio.run(_import_local(handle, options, bar.update))
    except ImportRefused as refused:
        print(f"tunix-rt import: {path.name}: {refused.message}", file=err)
        _invalid_lines(refused.result.invalid, refused.result.invalid_count, err)
        print("Pass --skip-invalid to import the valid lines anyway.", file=err)
        return 1
    except Exception as exc:
        if not report_failure("tunix-rt import", exc, api=api, err=err):
            raise
        return 1
    print(summary(path, result, seconds), file=out)
    if result.invalid_count:
        _invalid_lines(result.invalid, result.invalid_count, err)
    return 0
