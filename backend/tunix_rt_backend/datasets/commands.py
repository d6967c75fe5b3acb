"""What `tunix-rt dataset build|list|export` and `tunix-rt export traces` do.

Without ``--api`` they act on the configured database (``TUNIX_RT_DATABASE_URL``); with
``--api URL`` they ask a running server. Exports stream to the output file (or stdout).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import orjson
from pydantic import ValidationError

from tunix_rt_backend.cli_support import add_api_options
from tunix_rt_backend.contracts.records import EXPORT_FORMATS, ExportFormat, build_record
from tunix_rt_backend.contracts.template import RESPONSE_STYLES, ResponseStyle
from tunix_rt_backend.datasets.schemas import DatasetBuildRequest
from tunix_rt_backend.errors import AppError, validation_details
from tunix_rt_backend.local import migrated_session
from tunix_rt_backend.settings import get_settings


def _fail(message: str) -> int:
    print(f"tunix-rt: {message}", file=sys.stderr)
    return 1


def _client(api: str, api_key: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    return httpx.Client(base_url=api.rstrip("/"), headers=headers, timeout=600)


def _api_error(response: httpx.Response) -> str:
    try:
        error = response.json()["error"]
        return f"{response.status_code} {error['code']}: {error['message']}"
    except (ValueError, KeyError, TypeError):
        return f"{response.status_code}: {response.text[:500]}"


@contextlib.contextmanager
def _output(out: Path | None) -> Iterator[IO[bytes]]:
    if out is None:
        yield sys.stdout.buffer
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with partial.open("wb") as handle:
        yield handle
    partial.replace(out)  # atomic: a reader never sees half a file


def run_build(body: dict[str, Any], *, api: str | None, api_key: str | None) -> int:
    try:
        request = DatasetBuildRequest.model_validate(body)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(d['loc'])}: {d['msg']}" for d in validation_details(exc.errors())
        )
        return _fail(f"invalid dataset request: {problems}")
    if api:
        with _client(api, api_key) as http:
            response = http.post("/api/datasets/build", json=request.model_dump(mode="json"))
        if response.status_code != 201:
            return _fail(_api_error(response))
        result = response.json()
    else:
        from tunix_rt_backend.datasets import service

        async def build() -> dict[str, Any]:
            settings = get_settings()
            async with migrated_session(settings) as session:
                built = await service.build(session, request=request, root=settings.datasets_dir)
            return built.model_dump(mode="json")

        try:
            result = asyncio.run(build())
        except AppError as exc:
            return _fail(exc.message)
    splits = ", ".join(f"{k} {v}" for k, v in result["split_counts"].items())
    print(
        f"built {result['dataset_key']}: {result['trace_count']} traces ({splits})\n"
        f"manifest {result['manifest_path']}\nchecksum {result['checksum']}"
    )
    return 0


def run_list(*, api: str | None, api_key: str | None) -> int:
    if api:
        with _client(api, api_key) as http:
            response = http.get("/api/datasets")
        if response.status_code != 200:
            return _fail(_api_error(response))
        items = response.json()["items"]
    else:
        from tunix_rt_backend.datasets import service

        async def list_all() -> list[dict[str, Any]]:
            async with migrated_session() as session:
                listing = await service.list_(session)
            return [d.model_dump(mode="json") for d in listing.items]

        items = asyncio.run(list_all())
    if not items:
        print("no datasets yet: build one with `tunix-rt dataset build`")
        return 0
    print(f"{'KEY':<32} {'TRACES':>8} {'TRAIN':>7} {'EVAL':>6}  {'STRATEGY':<10} CREATED")
    for d in items:
        print(
            f"{d['dataset_key']:<32} {d['trace_count']:>8} {d['split_counts'].get('train', 0):>7} "
            f"{d['split_counts'].get('eval', 0):>6}  {d['selection_strategy']:<10} "
            f"{d['created_at'][:19]}"
        )
    return 0


def run_export(
    key: str,
    *,
    format: ExportFormat,
    split: str | None,
    style: ResponseStyle,
    system: str | None,
    out: Path | None,
    api: str | None,
    api_key: str | None,
) -> int:
    params: dict[str, str] = {"format": format, "style": style}
    if split:
        params["split"] = split
    if system:
        params["system"] = system
    lines = 0
    if api:
        with (
            _client(api, api_key) as http,
            http.stream("GET", f"/api/datasets/{key}/export.jsonl", params=params) as response,
        ):
            if response.status_code != 200:
                response.read()
                return _fail(_api_error(response))
            with _output(out) as handle:
                for chunk in response.iter_bytes():
                    handle.write(chunk)
                    lines += chunk.count(b"\n")
    else:
        from tunix_rt_backend.datasets import service

        async def export() -> int:
            count = 0
            async with migrated_session() as session:
                await service.get(session, key=key)
                blocks = service.export_lines(
                    session, key=key, format=format, split=split, style=style, system=system
                )
                # Closed even when writing fails, so that the page read ahead is waited for.
                with _output(out) as handle:
                    async with contextlib.aclosing(blocks):
                        async for block in blocks:
                            await asyncio.to_thread(handle.write, block)
                            count += block.count(b"\n")
            return count

        try:
            lines = asyncio.run(export())
        except AppError as exc:
            return _fail(exc.message)
    if out is not None:
        print(f"wrote {lines} {format} records of {key} to {out}", file=sys.stderr)
    return 0


async def _trace_records(
    *,
    format: ExportFormat,
    style: ResponseStyle,
    system: str | None,
    limit: int | None,
    since: dt.datetime | None,
    source: str | None,
) -> AsyncIterator[bytes]:
    from tunix_rt_backend.datasets.export_rows import stream_matching
    from tunix_rt_backend.datasets.service import row_record
    from tunix_rt_backend.traces.filters import TraceFilter

    flt = TraceFilter(source=source, created_after=since)
    async with migrated_session() as session:
        async for rows in stream_matching(session, flt, limit=limit):
            block = bytearray()
            for row in rows:
                block += orjson.dumps(build_record(format, row_record(row), style, system))
                block += b"\n"
            yield bytes(block)


def run_export_traces(
    *,
    format: ExportFormat,
    style: ResponseStyle,
    system: str | None,
    limit: int | None,
    since: dt.datetime | None,
    source: str | None,
    out: Path | None,
) -> int:
    async def export() -> int:
        count = 0
        with _output(out) as handle:
            async for block in _trace_records(
                format=format, style=style, system=system, limit=limit, since=since, source=source
            ):
                await asyncio.to_thread(handle.write, block)
                count += block.count(b"\n")
        return count

    lines = asyncio.run(export())
    if out is not None:
        print(f"wrote {lines} {format} records to {out}", file=sys.stderr)
    return 0


def _key_values(items: list[str] | None, what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"{what} takes KEY=VALUE, got {item!r}")
        out[key] = value
    return out


def _build_handler(args: argparse.Namespace) -> int:
    try:
        filters: dict[str, Any] = {
            "metadata": _key_values(args.metadata, "--metadata"),
            "min_scores": {
                k: float(v) for k, v in _key_values(args.min_score, "--min-score").items()
            },
        }
    except ValueError as exc:
        return _fail(str(exc))
    if args.source:
        filters["source"] = args.source
    if args.tag:
        filters["tags"] = args.tag
    body: dict[str, Any] = {
        "dataset_name": args.name,
        "dataset_version": args.version,
        "filters": filters,
        "selection_strategy": args.strategy,
        "limit": args.limit,
        "dedup": args.dedup,
    }
    for field in ("seed", "stratify_by", "score_name", "description"):
        if getattr(args, field) is not None:
            body[field] = getattr(args, field)
    if args.eval_fraction is not None:
        body["split"] = {"eval_fraction": args.eval_fraction, "group_by": "prompt"}
    return run_build(body, api=args.api, api_key=args.api_key)


def _export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=EXPORT_FORMATS, default="tunix_sft")
    parser.add_argument("--style", choices=RESPONSE_STYLES, default="tags")
    parser.add_argument("--system", help="a system instruction folded into the user turn")
    parser.add_argument("--out", type=Path, help="output file (default: standard output)")


def add_commands(commands: Any) -> None:
    """Register `dataset …` and `export traces` on the top-level subparsers."""
    dataset = commands.add_parser("dataset", help="build, list and export versioned datasets")
    sub = dataset.add_subparsers(dest="dataset_command", required=True)

    build = sub.add_parser("build", help="select traces into an immutable dataset version")
    build.add_argument("--name", required=True, help="dataset name (letters, digits, . _ -)")
    build.add_argument("--version", required=True, help="version (letters, digits, . _)")
    build.add_argument("--limit", type=int, required=True, help="how many traces at most")
    build.add_argument(
        "--strategy", choices=["latest", "random", "stratified", "top_score"], default="latest"
    )
    build.add_argument("--seed", type=int, help="required by random and stratified")
    build.add_argument("--source")
    build.add_argument("--tag", action="append", help="repeatable: all must match")
    build.add_argument("--metadata", action="append", metavar="KEY=VALUE")
    build.add_argument("--min-score", action="append", metavar="SCORER=VALUE")
    build.add_argument("--stratify-by", metavar="METADATA_KEY")
    build.add_argument("--score-name", metavar="SCORER", help="for --strategy top_score")
    build.add_argument("--dedup", action="store_true", help="drop repeated prompt + answer")
    build.add_argument(
        "--eval-fraction", type=float, help="hold out this share for eval, grouped by prompt"
    )
    build.add_argument("--description")
    add_api_options(build)
    build.set_defaults(handler=_build_handler)

    listing = sub.add_parser("list", help="list datasets")
    add_api_options(listing)
    listing.set_defaults(handler=lambda a: run_list(api=a.api, api_key=a.api_key))

    export = sub.add_parser("export", help="write a dataset as JSON Lines")
    export.add_argument("key", help="dataset key, {name}-{version}")
    export.add_argument("--split", choices=["train", "eval"])
    _export_options(export)
    add_api_options(export)
    export.set_defaults(
        handler=lambda a: run_export(
            a.key,
            format=a.format,
            split=a.split,
            style=a.style,
            system=a.system,
            out=a.out,
            api=a.api,
            api_key=a.api_key,
        )
    )

    exports = commands.add_parser("export", help="export stored traces straight to JSONL")
    what = exports.add_subparsers(dest="export_command", required=True)
    traces = what.add_parser("traces", help="traces (oldest first) as training records")
    traces.add_argument("--limit", type=int)
    traces.add_argument(
        "--since", type=dt.datetime.fromisoformat, help="ISO time; only traces created after"
    )
    traces.add_argument("--source")
    _export_options(traces)
    traces.set_defaults(
        handler=lambda a: run_export_traces(
            format=a.format,
            style=a.style,
            system=a.system,
            limit=a.limit,
            since=a.since if a.since is None or a.since.tzinfo else a.since.replace(tzinfo=dt.UTC),
            source=a.source,
            out=a.out,
        )
    )
