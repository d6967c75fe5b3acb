"""Dataset queries: candidate selection in SQL, members, score means, and the export stream."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import asyncpg
import orjson
from sqlalchemy import ColumnElement, Text, func, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.datasets.models import ID_BYTES, Dataset
from tunix_rt_backend.db import SQLITE_RANDOM_RANK
from tunix_rt_backend.scores.models import Score
from tunix_rt_backend.traces.filters import TraceFilter, count_statement, filter_clauses
from tunix_rt_backend.traces.models import Trace

STREAM_BATCH = 2_000
CANDIDATE_BATCH = 10_000
# Ids per lookup of traces by id: one array parameter on PostgreSQL, bound values on SQLite.
_LOOKUP_CHUNK = {"postgresql": 20_000, "sqlite": 500}
# Any fixed number: the key of the advisory lock between dataset builds and trace deletes.
_MEMBERS_LOCK = 0x7472_6473  # "trds"


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def asyncpg_connection(session: AsyncSession) -> asyncpg.Connection:
    """The session's asyncpg connection (PostgreSQL), in the session's transaction if any.

    Used where SQLAlchemy's per-row work would dominate: bulk inserts and export rows."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = cast(asyncpg.Connection, raw.driver_connection)
    if not driver.is_in_transaction():
        # SQLAlchemy begins the driver's transaction with its first statement: begin it now,
        # so that what runs on the driver runs in the session's transaction.
        await connection.exec_driver_sql("SELECT 1")
    return driver


def _column(name: str) -> ColumnElement[Any]:
    column: ColumnElement[Any] = Trace.__table__.c[name]
    return column


async def start_build(session: AsyncSession, key: str) -> bool:
    """Begin a build's transaction; whether a dataset ``key`` already exists.

    On PostgreSQL, in the same round trip: the members lock, shared (see lock_members), and
    planning for actual values until the transaction ends. Statements are prepared once per
    connection, and after five runs PostgreSQL may switch to a generic plan, which cannot see
    that ``metadata @> '{"split": "train"}'`` matches most rows and would fetch and sort all of
    them for a ``latest`` build of a few thousand."""
    if dialect_of(session) != "postgresql":
        stmt = select(Dataset.dataset_key).where(Dataset.dataset_key == key)
        return (await session.execute(stmt)).first() is not None
    found = await session.execute(
        text(
            "SELECT pg_advisory_xact_lock_shared(:lock), "
            "set_config('plan_cache_mode', 'force_custom_plan', true), "
            "EXISTS (SELECT FROM datasets WHERE dataset_key = :key)"
        ),
        {"lock": _MEMBERS_LOCK, "key": key},
    )
    return bool(found.one()[2])


# What a dataset records of each member, in this order (see Members).
MEMBER_COLUMNS = (
    "id",
    "content_hash",
    "source",
    "step_count",
    "prompt_chars",
    "answer_chars",
    "prompt_key",
)


@dataclass(slots=True)
class Members:
    """A build's chosen traces in manifest order, as the few values a dataset records of
    them: no object per trace."""

    count: int = 0
    ids: bytes = b""  # each id's 16 bytes, one after the other
    hashes: str = ""  # each content hash (64 hex digits), one after the other
    prompt_keys: bytes = b""  # each prompt key (16 bytes), where asked for
    steps_min: int | None = None
    steps_max: int | None = None
    steps_sum: int = 0
    prompt_chars_sum: int = 0
    prompt_chars_max: int | None = None
    answer_chars_sum: int = 0
    sources: dict[str, int] = field(default_factory=dict)
    # By scorer name: [sum, count] of the members' scores, where read with them (see
    # score_means).
    score_sums: dict[str, list[float]] | None = None

    def id_list(self) -> list[uuid.UUID]:
        return [
            uuid.UUID(bytes=self.ids[at : at + ID_BYTES])
            for at in range(0, len(self.ids), ID_BYTES)
        ]


# An id as a JSON string and a comma: 39 bytes, the hex digits at these offsets.
QUOTED_ID = 39
_QUOTED_TEMPLATE = b'"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",'
_HEX_AT = [at for at, byte in enumerate(_QUOTED_TEMPLATE) if byte == ord("x")]


def quoted_ids(ids: bytes) -> bytearray:
    """Each id of ``ids`` (16 bytes each) as a quoted canonical string followed by a comma,
    QUOTED_ID bytes each: one copy per hex digit position instead of a string per id."""
    count = len(ids) // ID_BYTES
    out = bytearray(_QUOTED_TEMPLATE * count)
    digits = ids.hex().encode()
    for digit, at in enumerate(_HEX_AT):
        out[at::QUOTED_ID] = digits[digit::32]
    return out


def members_from_rows(rows: Sequence[Sequence[Any]]) -> Members:
    """Members of rows that start with MEMBER_COLUMNS (columns after them are ignored)."""
    if not rows:
        return Members()
    ids, hashes, sources, steps, prompts, answers, keys = list(zip(*rows, strict=True))[:7]
    return Members(
        count=len(rows),
        ids=b"".join([i.bytes for i in ids]),
        hashes="".join(hashes),
        prompt_keys=b"".join(keys),
        steps_min=min(steps),
        steps_max=max(steps),
        steps_sum=sum(steps),
        prompt_chars_sum=sum(prompts),
        prompt_chars_max=max(prompts),
        answer_chars_sum=sum(answers),
        sources=dict(Counter(sources)),
    )


def aggregates_in_sql(session: AsyncSession) -> bool:
    """Whether aggregate_members can describe a selection (PostgreSQL)."""
    return dialect_of(session) == "postgresql"


# A selection described in one row. A plain aggregate reads its input in the order the
# subquery yields it, and a subquery with ORDER BY and LIMIT is neither flattened into the
# outer query nor split across parallel workers under it, so the values come in the
# selection's order (tests compare them with the selection's rows).
# The score sums come from the scores of the chosen ids, gathered by the same aggregate.
_AGGREGATE = (
    "SELECT count(*), string_agg(uuid_send(id), ''::bytea), string_agg(content_hash, ''), "
    "{keys}, min(step_count), max(step_count), sum(step_count), sum(prompt_chars), "
    "max(prompt_chars), sum(answer_chars), json_agg(source)::text, "
    "(SELECT json_agg(json_build_array(s.name, s.total, s.n))::text FROM "
    "(SELECT name, sum(value) AS total, count(*) AS n FROM scores "
    "WHERE trace_id = ANY(array_agg(chosen.id)) GROUP BY name) AS s) "
    "FROM ({selection}) AS chosen"
)


async def aggregate_members(
    session: AsyncSession,
    flt: TraceFilter,
    *,
    order: str,
    limit: int,
    score_name: str | None,
    prompt_keys: bool,
    seed: int | None = None,
) -> Members:
    """The first ``limit`` matches in ``order`` (see selection) described by
    PostgreSQL in one row, their score sums included: 100,000 chosen traces arrive as a few
    values instead of 100,000 rows, which took longer to decode than to choose (PostgreSQL
    only)."""
    stmt = selection(
        session,
        flt,
        order=order,
        limit=limit,
        columns=MEMBER_COLUMNS,
        score_name=score_name,
        seed=seed,
    )
    inner, values = _driver_statement(session, stmt)
    keys = "string_agg(prompt_key, ''::bytea)" if prompt_keys else "NULL::bytea"
    # fetch, not fetchrow: asyncpg asks for one row at most, and PostgreSQL runs a statement
    # whose result may be fetched in parts without parallel workers (a random build over
    # 900,000 matches took twice as long).
    (row,) = await (await asyncpg_connection(session)).fetch(
        _AGGREGATE.format(keys=keys, selection=inner), *values
    )
    if not row[0]:
        return Members(score_sums={})
    return Members(
        count=int(row[0]),
        ids=row[1],
        hashes=row[2],
        prompt_keys=row[3] or b"",
        steps_min=row[4],
        steps_max=row[5],
        steps_sum=int(row[6]),
        prompt_chars_sum=int(row[7]),
        prompt_chars_max=row[8],
        answer_chars_sum=int(row[9]),
        sources=dict(Counter(orjson.loads(row[10]))),
        score_sums={
            name: [float(total), int(count)] for name, total, count in orjson.loads(row[11] or "[]")
        },
    )


def metadata_text(key: str) -> ColumnElement[Any]:
    """A metadata value as text (NULL when absent), for grouping into strata."""
    value: ColumnElement[Any] = Trace.meta[tuple(key.split("."))].as_string()
    return value


async def get(session: AsyncSession, key: str) -> Dataset | None:
    return await session.get(Dataset, key)


async def list_all(session: AsyncSession) -> list[Dataset]:
    result = await session.execute(
        select(Dataset).order_by(Dataset.created_at.desc(), Dataset.dataset_key)
    )
    return list(result.scalars().all())


def locks_members(session: AsyncSession) -> bool:
    """Whether lock_members keeps members from deletion (PostgreSQL) or builds must check."""
    return dialect_of(session) == "postgresql"


async def lock_members(session: AsyncSession, *, exclusive: bool) -> None:
    """Keep traces in datasets from being deleted, for the rest of the transaction.

    Dataset members are not foreign keys (see Dataset.member_ids), so on PostgreSQL a build
    holds this lock shared from before it chooses its traces until it commits, and a trace
    delete holds it exclusively while it checks the datasets and deletes: a delete waits for
    the builds under way, and a build started after a delete does not see that trace. SQLite
    lets one transaction write at a time: a delete writes first and then checks, and a build
    checks its traces are all still there once it writes (see missing_ids)."""
    if not locks_members(session):
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await session.execute(text(f"SELECT {function}(:key)"), {"key": _MEMBERS_LOCK})


async def keys_containing(session: AsyncSession, trace_id: uuid.UUID) -> list[str]:
    """The datasets that hold ``trace_id``, by key.

    Each dataset's member ids are searched for the id's 16 bytes in SQL; a match found at a
    position that is not the start of an id (one id's end and the next one's start) is
    checked again in Python."""
    needle = trace_id.bytes
    search = (
        "position(:id IN member_ids)"
        if dialect_of(session) == "postgresql"
        else "instr(member_ids, :id)"
    )
    # One search per dataset (a row each), filtered here: in a WHERE it would run twice.
    found = await session.execute(
        text(f"SELECT dataset_key, {search} FROM datasets ORDER BY dataset_key"), {"id": needle}
    )
    keys: list[str] = []
    for key, at in found.all():
        if at and ((at - 1) % ID_BYTES == 0 or _holds(await _member_ids(session, key), needle)):
            keys.append(key)
    return keys


def _holds(ids: bytes, needle: bytes) -> bool:
    at = ids.find(needle)
    while at != -1:
        if at % ID_BYTES == 0:
            return True
        at = ids.find(needle, at + 1)
    return False


async def _member_ids(session: AsyncSession, key: str) -> bytes:
    stmt = select(Dataset.member_ids).where(Dataset.dataset_key == key)
    return bytes((await session.execute(stmt)).scalar_one())


async def missing_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """Those of ``ids`` that are not stored (deleted since they were chosen)."""
    found = await lookup(session, ids, ())
    return [trace_id for trace_id in ids if trace_id not in found]


async def count_matching(session: AsyncSession, flt: TraceFilter) -> int:
    return int((await session.execute(count_statement(dialect_of(session), flt))).scalar_one())


def selection(
    session: AsyncSession,
    flt: TraceFilter,
    *,
    order: str,
    limit: int | None,
    columns: Sequence[str],
    stratify_by: str | None = None,
    score_name: str | None = None,
    seed: int | None = None,
) -> Any:
    """The matching traces' ``columns`` (see _column; "stratum" is the ``stratify_by`` metadata
    value) in the strategy's SQL order: ``latest``, ``top_score`` (by ``score_name``),
    ``random`` (by random_rank with ``seed``), or id."""
    selected = [
        metadata_text(stratify_by) if name == "stratum" and stratify_by else _column(name)
        for name in columns
    ]
    stmt = select(*selected).where(*filter_clauses(dialect_of(session), flt))
    if order == "latest":
        stmt = stmt.order_by(Trace.created_at.desc(), Trace.id.desc())
    elif order == "top_score":
        best = (
            select(Score.trace_id, func.max(Score.value).label("best"))
            .where(Score.name == score_name)
            .group_by(Score.trace_id)
            .subquery()
        )
        stmt = stmt.join(best, best.c.trace_id == Trace.id).order_by(best.c.best.desc(), Trace.id)
    elif order == "random":
        assert seed is not None
        stmt = stmt.order_by(random_rank(session, seed), Trace.id)
    else:
        stmt = stmt.order_by(Trace.id)
    return stmt if limit is None else stmt.limit(limit)


def random_rank(session: AsyncSession, seed: int) -> ColumnElement[Any]:
    """contracts.keys.random_rank of each trace in SQL: md5 of the seed, ':' and the id's
    canonical text on PostgreSQL (compared byte by byte, whatever the database's collation),
    the same function in Python on SQLite."""
    if dialect_of(session) == "postgresql":
        rank: ColumnElement[Any] = func.md5(
            literal(f"{seed}:", Text) + Trace.id.cast(Text)
        ).collate("C")
        return rank
    sqlite_rank: ColumnElement[Any] = getattr(func, SQLITE_RANDOM_RANK)(seed, Trace.id)
    return sqlite_rank


async def stream_candidates(session: AsyncSession, stmt: Any) -> AsyncGenerator[Sequence[Any]]:
    """The rows of a ``selection`` in batches: only what the build needs is read."""
    async for partition in partitions(session, stmt, CANDIDATE_BATCH):
        yield partition


def _driver_statement(session: AsyncSession, stmt: Any) -> tuple[str, list[Any]]:
    """``stmt`` as asyncpg's SQL text and argument values, each converted by its type as
    SQLAlchemy would (JSONB as text, UTC datetimes, expanded IN lists)."""
    dialect = session.get_bind().dialect
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    values: list[Any] = []
    for name in compiled.positiontup or ():
        value = params[name]
        processor = compiled.binds[name].type.bind_processor(dialect)
        values.append(value if processor is None else processor(value))
    return str(compiled), values


async def lookup(
    session: AsyncSession, ids: Sequence[Any], columns: Sequence[str]
) -> dict[Any, Sequence[Any]]:
    """``columns`` (see _column) of the traces ``ids``, by id; ids not stored are missing from
    the result."""
    found: dict[Any, Sequence[Any]] = {}
    dialect = dialect_of(session)
    chunk = _LOOKUP_CHUNK.get(dialect, _LOOKUP_CHUNK["sqlite"])
    for start in range(0, len(ids), chunk):
        part = list(ids[start : start + chunk])
        if dialect == "postgresql":
            driver = await asyncpg_connection(session)
            listed = ", ".join(["id", *columns])
            sql = f"SELECT {listed} FROM traces WHERE id = ANY($1::uuid[])"
            rows: Sequence[Any] = await driver.fetch(sql, part)
        else:
            stmt = select(Trace.id, *(_column(name) for name in columns)).where(Trace.id.in_(part))
            rows = (await (await session.connection()).execute(stmt)).all()
        for row in rows:
            found[row[0]] = tuple(row)[1:]
    return found


async def partitions(
    session: AsyncSession, stmt: Any, batch: int | None = None
) -> AsyncGenerator[Sequence[Any]]:
    """Rows in batches from a server-side cursor, closed even when the reader stops early.

    Core rows: the ORM's per-row bookkeeping is not needed for plain columns. On PostgreSQL
    asyncpg's own records, with the values as asyncpg decodes them: SQLAlchemy's rows and
    result processing made choosing 100,000 traces three times slower than the query."""
    batch = batch or STREAM_BATCH
    if dialect_of(session) == "postgresql":
        sql, values = _driver_statement(session, stmt)
        # In the session's transaction: the cursor ends with it at the latest.
        cursor = await (await asyncpg_connection(session)).cursor(sql, *values)
        while rows := await cursor.fetch(batch):
            yield rows
        return
    connection = await session.connection()
    result = await connection.stream(stmt.execution_options(yield_per=batch))
    try:
        async for partition in result.partitions(batch):
            yield partition
    finally:
        await result.close()


async def score_means(session: AsyncSession, members: Members) -> dict[str, dict[str, Any]]:
    """Mean and count of each scorer's scores of the members, by scorer name."""
    sums = members.score_sums
    if sums is None:
        sums = await _score_sums(session, members)
    return {
        name: {"mean": round(total / count, 4), "count": int(count)}
        for name, (total, count) in sorted(sums.items())
    }


async def _score_sums(session: AsyncSession, members: Members) -> dict[str, list[float]]:
    if not members.count:
        return {}
    rows: Sequence[Any]
    if dialect_of(session) == "postgresql":
        # The ids as one text value, parsed by PostgreSQL: no id object per member here.
        id_text = quoted_ids(members.ids)[:-1].replace(b'"', b"").decode()
        rows = await (await asyncpg_connection(session)).fetch(
            "SELECT name, sum(value), count(*) FROM scores "
            "WHERE trace_id = ANY(string_to_array($1, ',')::uuid[]) GROUP BY name",
            id_text,
        )
    else:
        ids = members.id_list()
        chunk = _LOOKUP_CHUNK["sqlite"]
        rows = []
        for start in range(0, len(ids), chunk):
            stmt = (
                select(Score.name, func.sum(Score.value), func.count())
                .where(Score.trace_id.in_(ids[start : start + chunk]))
                .group_by(Score.name)
            )
            rows.extend((await session.execute(stmt)).all())
    sums: dict[str, list[float]] = {}
    for name, total, count in rows:
        entry = sums.setdefault(name, [0.0, 0])
        entry[0] += float(total)
        entry[1] += int(count)
    return sums
