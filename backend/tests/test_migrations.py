"""Migrations: upgrade, downgrade and upgrade again, and the schema matches the models."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from tests.conftest import create_postgres_database, drop_postgres_database
from tunix_rt_backend.contracts.keys import prompt_key
from tunix_rt_backend.db import Base, create_engine
from tunix_rt_backend.migrate import current_revision, downgrade, head_revision, upgrade
from tunix_rt_backend.settings import Settings
from tunix_rt_backend.traces.models import Trace

GIN_INDEXES = {
    index.name
    for index in Base.metadata.tables[Trace.__tablename__].indexes
    if index.dialect_options["postgresql"].get("using") == "gin"
}


@pytest.fixture(params=["sqlite", "postgresql"])
async def fresh_url(request: pytest.FixtureRequest, tmp_path: object) -> object:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/migrations.db"
        return
    url = await create_postgres_database()
    yield url
    await drop_postgres_database(url)


async def test_upgrade_downgrade_upgrade_matches_models(fresh_url: str) -> None:
    engine = create_engine(Settings(database_url=fresh_url))
    try:
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        await downgrade(engine, "base")
        assert await current_revision(engine) is None
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        assert set(tables) <= {"alembic_version"}
        await upgrade(engine)

        def diff(sync_connection: object) -> list[object]:
            dialect = sync_connection.dialect.name  # type: ignore[attr-defined]

            def include(obj: object, name: str | None, kind: str, *_: object) -> bool:
                # GIN indexes exist on PostgreSQL only (ddl_if in the model, a branch in 0001).
                if kind == "index" and name in GIN_INDEXES and dialect != "postgresql":
                    return False
                # SQLite's reflection reads no name or ON DELETE from a column's inline
                # REFERENCES clause (0007 adds runs.parent_run_id so); checked on its own below.
                return not (
                    dialect == "sqlite" and kind == "foreign_key_constraint" and _parent(obj)
                )

            context = MigrationContext.configure(
                sync_connection,  # type: ignore[arg-type]
                opts={"compare_type": True, "include_object": include},
            )
            return list(compare_metadata(context, Base.metadata))

        async with engine.connect() as connection:
            differences = await connection.run_sync(diff)
            parent_fk = await connection.run_sync(_parent_run_foreign_key)
        assert differences == []
        assert parent_fk == ("runs", "id", "SET NULL")
    finally:
        await engine.dispose()


def _parent(constraint: object) -> bool:
    columns = getattr(constraint, "columns", None)
    table = getattr(getattr(constraint, "table", None), "name", None)
    return table == "runs" and columns is not None and list(columns.keys()) == ["parent_run_id"]


def _parent_run_foreign_key(sync_connection: object) -> tuple[str, str, str] | None:
    """runs.parent_run_id's foreign key as the database enforces it: (table, column, on delete)."""
    if sync_connection.dialect.name == "sqlite":  # type: ignore[attr-defined]
        rows = sync_connection.exec_driver_sql(  # type: ignore[attr-defined]
            "PRAGMA foreign_key_list(runs)"
        ).mappings()
        found = [
            (r["table"], r["to"], r["on_delete"]) for r in rows if r["from"] == "parent_run_id"
        ]
        return found[0] if len(found) == 1 else None
    keys = [
        fk
        for fk in inspect(sync_connection).get_foreign_keys("runs")
        if fk["constrained_columns"] == ["parent_run_id"]
    ]
    if len(keys) != 1:
        return None
    return keys[0]["referred_table"], keys[0]["referred_columns"][0], keys[0]["options"]["ondelete"]


async def test_dataset_members_move_into_the_dataset_row_and_back(fresh_url: str) -> None:
    """0005 moves each dataset's `dataset_traces` rows into its row, in order, and back."""
    engine = create_engine(Settings(database_url=fresh_url))
    trace_ids = [uuid.uuid4() for _ in range(5)]
    members = {
        "a-v1": [(3, "eval"), (0, "train"), (4, "train")],
        "b-v1": [],
        "c-v1": [(3, "train")],
    }
    try:
        await upgrade(engine, "0004")
        async with engine.begin() as connection:
            for i, trace_id in enumerate(trace_ids):
                await connection.execute(
                    text(
                        "INSERT INTO traces (id, trace_version, prompt, steps, final_answer, "
                        "source, tags, metadata, step_count, content_hash, created_at) "
                        "VALUES (:id, '1', :p, '[]', '1', 's', '[]', '{}', 0, :h, :at)"
                    ),
                    {"id": _uuid(connection, trace_id), "p": f"p{i}", "h": f"{i:064x}", "at": NOW},
                )
            for key, rows in members.items():
                await connection.execute(
                    text(
                        "INSERT INTO datasets (dataset_key, name, version, build_id, "
                        "dataset_schema_version, created_at, trace_count, split_counts, stats, "
                        "request, selection_strategy, checksum, manifest_path) VALUES (:key, :key, "
                        "'v1', :build, '1', :at, :n, '{}', '{}', '{}', 'latest', '', '')"
                    ),
                    {
                        "key": key,
                        "build": _uuid(connection, uuid.uuid4()),
                        "at": NOW,
                        "n": len(rows),
                    },
                )
                for position, (index, split) in enumerate(rows):
                    await connection.execute(
                        text(
                            "INSERT INTO dataset_traces (dataset_key, position, trace_id, split) "
                            "VALUES (:key, :position, :trace, :split)"
                        ),
                        {
                            "key": key,
                            "position": position,
                            "trace": _uuid(connection, trace_ids[index]),
                            "split": split,
                        },
                    )
        await upgrade(engine)
        async with engine.connect() as connection:
            stored = {
                key: (bytes(ids), bytes(splits))
                for key, ids, splits in await connection.execute(
                    text("SELECT dataset_key, member_ids, member_splits FROM datasets")
                )
            }
        assert stored == {
            key: (
                b"".join(trace_ids[index].bytes for index, _ in rows),
                b"".join(b"e" if split == "eval" else b"t" for _, split in rows),
            )
            for key, rows in members.items()
        }
        await downgrade(engine, "0004")
        async with engine.connect() as connection:
            back = (
                await connection.execute(
                    text(
                        "SELECT dataset_key, trace_id, split FROM dataset_traces "
                        "ORDER BY dataset_key, position"
                    )
                )
            ).all()
            kept = (await connection.execute(text("SELECT count(*) FROM datasets"))).scalar_one()
        assert [(key, uuid.UUID(str(trace)), split) for key, trace, split in back] == [
            (key, trace_ids[index], split) for key, rows in members.items() for index, split in rows
        ]
        assert kept == len(members)
    finally:
        await engine.dispose()


NOW = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)


def _uuid(connection: object, value: uuid.UUID) -> object:
    """A uuid as each dialect's column stores it (SQLite: 32 hex digits)."""
    dialect = connection.dialect.name  # type: ignore[attr-defined]
    return value if dialect == "postgresql" else value.hex


async def test_prompt_keys_and_lengths_are_filled_in_for_stored_traces(fresh_url: str) -> None:
    """0006 computes each stored trace's prompt key and lengths, across more than one batch,
    as the service computes them for a new trace."""
    engine = create_engine(Settings(database_url=fresh_url))
    prompts = [
        f"  Wie viel ist {i % 7} \u00d7 2?\n" if i % 2 else f"wie VIEL ist {i % 7} \u00d7 2?"
        for i in range(5_003)
    ]
    trace_ids = [uuid.uuid4() for _ in prompts]
    try:
        await upgrade(engine, "0005")
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO traces (id, trace_version, prompt, steps, final_answer, "
                    "source, tags, metadata, step_count, content_hash, created_at) "
                    "VALUES (:id, '1', :p, '[]', :a, 's', '[]', '{}', 0, :h, :at)"
                ),
                [
                    {
                        "id": _uuid(connection, trace_id),
                        "p": prompt,
                        "a": "ü" * (i % 5),
                        "h": f"{i:064x}",
                        "at": NOW,
                    }
                    for i, (trace_id, prompt) in enumerate(zip(trace_ids, prompts, strict=True))
                ],
            )
        await upgrade(engine)
        async with engine.connect() as connection:
            stored = {
                str(trace_id).replace("-", ""): (bytes(key), prompt_chars, answer_chars)
                for trace_id, key, prompt_chars, answer_chars in await connection.execute(
                    text("SELECT id, prompt_key, prompt_chars, answer_chars FROM traces")
                )
            }
        assert stored == {
            trace_id.hex: (prompt_key(prompt), len(prompt), i % 5)
            for i, (trace_id, prompt) in enumerate(zip(trace_ids, prompts, strict=True))
        }
        assert len({key for key, _, _ in stored.values()}) == 7  # equal once normalised
        await downgrade(engine, "0005")
        async with engine.connect() as connection:
            columns = await connection.run_sync(
                lambda c: {column["name"] for column in inspect(c).get_columns("traces")}
            )
            assert await connection.scalar(text("SELECT count(*) FROM traces")) == len(prompts)
        assert not columns & {"prompt_key", "prompt_chars", "answer_chars"}
    finally:
        await engine.dispose()


async def test_runs_and_their_metrics_survive_0007_both_ways(fresh_url: str) -> None:
    """0007 adds runs.parent_run_id in place: no stored run, metric or evaluation is lost or
    changed (a rebuilt `runs` table would cascade its delete to them on SQLite)."""
    engine = create_engine(Settings(database_url=fresh_url))
    run_id = uuid.uuid4()
    try:
        await upgrade(engine, "0006")
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO runs (id, kind, status, base_model, config, artifacts, summary, "
                    "created_at) VALUES (:id, 'sft', 'succeeded', 'tiny', '{}', '{}', '{}', :at)"
                ),
                {"id": _uuid(connection, run_id), "at": NOW},
            )
            await connection.execute(
                text(
                    "INSERT INTO run_metrics (run_id, name, step, value, time) "
                    "VALUES (:id, 'loss', 1, 0.5, :at), (:id, 'loss', 2, 0.25, :at)"
                ),
                {"id": _uuid(connection, run_id), "at": NOW},
            )
            await connection.execute(
                text(
                    "INSERT INTO evaluations (id, name, run_id, model, scorers, item_count, "
                    "summary, config, created_at) "
                    "VALUES (:e, 'after', :id, 'm', '[]', 0, '{}', '{}', :at)"
                ),
                {"e": _uuid(connection, uuid.uuid4()), "id": _uuid(connection, run_id), "at": NOW},
            )

        async def stored() -> tuple[int, int, int]:
            async with engine.connect() as connection:
                runs = await connection.scalar(text("SELECT count(*) FROM runs"))
                metrics = await connection.scalar(text("SELECT count(*) FROM run_metrics"))
                linked = await connection.scalar(
                    text("SELECT count(*) FROM evaluations WHERE run_id IS NOT NULL")
                )
            return int(runs or 0), int(metrics or 0), int(linked or 0)

        await upgrade(engine)
        assert await stored() == (1, 2, 1)
        async with engine.connect() as connection:
            parent = await connection.scalar(text("SELECT parent_run_id FROM runs"))
        assert parent is None
        await downgrade(engine, "0006")
        assert await stored() == (1, 2, 1)
    finally:
        await engine.dispose()
