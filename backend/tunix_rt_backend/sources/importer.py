"""The streaming import shared by ``tunix-rt import`` and ``POST /api/traces/import``.

Bytes arrive in chunks (a file read piece by piece, or an HTTP body as it is received) and are
split into lines incrementally, so memory stays flat however large the file is. Each non-blank
line is parsed as JSON and converted into a ``TraceCreate`` (by ``gsm8k`` or ``jsonl``); valid
traces are stored in batches through ``traces.service.create_batch``, all inside ONE
transaction. A malformed line is reported with its line number; unless ``skip_invalid`` is set,
one bad line means nothing is stored (the rest of the input is still read, to list every bad
line at once). Re-importing stores nothing new: the content hash finds the stored traces.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import IO, Any

import orjson
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.errors import Invalid, PayloadTooLarge
from tunix_rt_backend.http import find_nul
from tunix_rt_backend.sources import gsm8k, jsonl
from tunix_rt_backend.sources.schemas import ImportOptions, ImportResult, InvalidLine
from tunix_rt_backend.traces import service
from tunix_rt_backend.traces.schemas import TraceCreate

Converter = Callable[[Any, int], TraceCreate]
"""(parsed JSON record, 0-based record index) → trace; ``ValueError`` saying what is wrong."""

#: A batch is stored once it holds this many traces or this many bytes of input lines.
BATCH_ROWS = 1_000
BATCH_BYTES = 1024 * 1024
#: How many invalid lines a result lists (all are counted).
MAX_REPORTED_INVALID = 1_000
#: A line may be larger than the trace it becomes (a mapped record carries unused fields).
LINE_BYTES_PER_TRACE_BYTE = 8
_BOM = b"\xef\xbb\xbf"


def build_converter(options: ImportOptions) -> Converter:
    """The record → trace function for ``options``; ``ValueError`` when they do not fit."""
    if options.format == "gsm8k":
        if options.mapping:
            raise ValueError("--map applies to jsonl imports; GSM8K rows are read as they are")
        split, keep = options.split, options.keep_calculator_marks

        def gsm8k_row(record: Any, index: int) -> TraceCreate:
            return gsm8k.row_to_trace(record, index, split=split, keep_calculator_marks=keep)

        return gsm8k_row
    if options.source is None:
        raise ValueError("a jsonl import needs a source name (--source NAME / source=NAME)")
    jsonl.check_mapping(options.mapping)
    mapping, source, parser = dict(options.mapping), options.source, options.parser

    def jsonl_record(record: Any, _index: int) -> TraceCreate:
        return jsonl.record_to_trace(record, mapping, source=source, parser=parser)

    return jsonl_record


class LineSplitter:
    """Splits a byte stream into numbered lines as it arrives, holding at most one line.

    A line longer than ``max_line_bytes`` is not kept: it comes out as ``None`` (to be reported
    as too long) while its bytes are dropped as they arrive.
    """

    def __init__(self, max_line_bytes: int) -> None:
        self._max = max_line_bytes
        self._pending = bytearray()
        self._too_long = False
        self._line = 0

    def feed(self, chunk: bytes) -> list[tuple[int, bytes | None]]:
        lines: list[tuple[int, bytes | None]] = []
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            piece = chunk[start:end]
            self._line += 1
            if self._too_long or len(self._pending) + len(piece) > self._max:
                lines.append((self._line, None))
            elif self._pending:
                self._pending += piece
                lines.append((self._line, bytes(self._pending)))
            else:
                lines.append((self._line, piece))
            self._pending.clear()
            self._too_long = False
            start = end + 1
        rest = chunk[start:]
        if not self._too_long:
            if len(self._pending) + len(rest) > self._max:
                self._too_long = True
                self._pending.clear()
            else:
                self._pending += rest
        return lines

    def finish(self) -> list[tuple[int, bytes | None]]:
        """The last line when the input does not end with a newline."""
        if not self._pending and not self._too_long:
            return []
        self._line += 1
        last = None if self._too_long else bytes(self._pending)
        self._pending.clear()
        self._too_long = False
        return [(self._line, last)]


def describe_validation_error(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_input=False, include_url=False)[:5]:
        where = ".".join(str(part) for part in error["loc"])
        problems.append(f"{where}: {error['msg']}" if where else error["msg"])
    return "; ".join(problems)


def convert_line(raw: bytes, index: int, converter: Converter) -> TraceCreate:
    """One line as a trace; ``ValueError`` with a message fit for the user."""
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc}") from None
    try:
        trace = converter(record, index)
    except ValidationError as exc:
        raise ValueError(describe_validation_error(exc)) from None
    if b"\\u0000" in raw:
        where = find_nul(trace)
        if where is not None:
            raise ValueError(f"{'.'.join(where)}: text may not contain NUL (\\u0000) characters")
    return trace


class _Import:
    """The state of one import: counts, the batch being gathered, the invalid lines."""

    def __init__(
        self,
        session: AsyncSession,
        converter: Converter,
        *,
        skip_invalid: bool,
        max_trace_bytes: int,
    ) -> None:
        self.session = session
        self.converter = converter
        self.skip_invalid = skip_invalid
        self.max_trace_bytes = max_trace_bytes
        self.max_line_bytes = max_trace_bytes * LINE_BYTES_PER_TRACE_BYTE
        self.read = self.created = self.existing = self.invalid_count = 0
        self.invalid: list[InvalidLine] = []
        self.batch: list[TraceCreate] = []
        self.batch_lines: list[int] = []
        self.batch_bytes = 0

    @property
    def storing(self) -> bool:
        """False once a bad line has doomed an all-or-nothing import: only reading goes on."""
        return self.skip_invalid or self.invalid_count == 0

    def reject(self, line: int, error: str) -> None:
        self.invalid_count += 1
        if len(self.invalid) < MAX_REPORTED_INVALID:
            self.invalid.append(InvalidLine(line=line, error=error))
        if not self.skip_invalid:
            self.batch.clear()
            self.batch_lines.clear()
            self.batch_bytes = 0

    async def add(self, line: int, raw: bytes | None) -> None:
        if raw is None:
            self.read += 1
            self.reject(line, f"the line is longer than {self.max_line_bytes} bytes")
            return
        if line == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        if not raw.strip():
            return
        self.read += 1
        try:
            trace = convert_line(raw, self.read - 1, self.converter)
        except ValueError as exc:
            self.reject(line, str(exc))
            return
        if not self.storing:
            return
        self.batch.append(trace)
        self.batch_lines.append(line)
        self.batch_bytes += len(raw)
        if len(self.batch) >= BATCH_ROWS or self.batch_bytes >= BATCH_BYTES:
            await self.flush()

    async def flush(self) -> None:
        while self.batch and self.storing:
            try:
                result = await service.create_batch(
                    self.session,
                    payloads=self.batch,
                    idempotency_key=None,
                    max_trace_bytes=self.max_trace_bytes,
                    commit=False,
                )
            except PayloadTooLarge as exc:
                # Raised while building the rows, before anything of this batch was written.
                position = int(exc.details["index"])
                line = self.batch_lines.pop(position)
                self.batch.pop(position)
                limit = exc.details["limit_bytes"]
                self.reject(line, f"the trace is too large: the limit per trace is {limit} bytes")
                continue
            self.created += result.created
            self.existing += result.existing
            break
        self.batch.clear()
        self.batch_lines.clear()
        self.batch_bytes = 0

    def result(self) -> ImportResult:
        return ImportResult(
            read=self.read,
            created=self.created,
            existing=self.existing,
            # A trace found too large when its batch is stored comes after later bad lines.
            invalid=sorted(self.invalid, key=lambda item: item.line),
            invalid_count=self.invalid_count,
        )


class ImportRefused(Invalid):
    """Some lines are invalid and ``skip_invalid`` is not set: nothing was stored (422)."""

    def __init__(self, result: ImportResult) -> None:
        first = result.invalid[0]
        lines = "line" if result.invalid_count == 1 else "lines"
        super().__init__(
            f"{result.invalid_count} {lines} could not be imported (first: line {first.line}: "
            f"{first.error}); nothing was stored. Fix them, or skip invalid lines to import "
            "the rest.",
            details=result.model_dump(),
        )
        self.result = result


async def import_stream(
    session: AsyncSession,
    chunks: AsyncIterable[bytes],
    options: ImportOptions,
    *,
    max_trace_bytes: int,
) -> ImportResult:
    """Read, validate and store every line of ``chunks`` in one transaction.

    ``ImportRefused`` (422) listing the bad lines when any line is bad and
    ``options.skip_invalid`` is not set; then nothing is stored. ``ValueError`` when the
    options do not fit together.
    """
    state = _Import(
        session,
        build_converter(options),
        skip_invalid=options.skip_invalid,
        max_trace_bytes=max_trace_bytes,
    )
    splitter = LineSplitter(state.max_line_bytes)
    try:
        async for chunk in chunks:
            for line, raw in splitter.feed(chunk):
                await state.add(line, raw)
        for line, raw in splitter.finish():
            await state.add(line, raw)
        await state.flush()
        result = state.result()
        if not state.storing:
            raise ImportRefused(result)
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return result


async def limited(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    """``chunks``, refused with 413 as soon as more than ``limit`` bytes have arrived."""
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(
                f"The upload exceeds the limit of {limit} bytes; nothing was stored. Split the "
                "file, or import it with the command line (`tunix-rt import`).",
                details={"limit_bytes": limit},
            )
        yield chunk


FILE_CHUNK_BYTES = 1024 * 1024


async def file_chunks(
    handle: IO[bytes], progress: Callable[[int], object] | None = None
) -> AsyncIterator[bytes]:
    """An open file's bytes a chunk at a time, read in a thread (for ``import_stream``)."""
    while chunk := await asyncio.to_thread(handle.read, FILE_CHUNK_BYTES):
        if progress is not None:
            progress(len(chunk))
        yield chunk
