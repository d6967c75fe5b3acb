"""Migration 0004: finer planner statistics on the filtered trace columns, and back."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import create_postgres_database, drop_postgres_database
from tunix_rt_backend.db import create_engine
from tunix_rt_backend.migrate import downgrade, upgrade
from tunix_rt_backend.settings import Settings

_QUERY = text(
    "SELECT attname, attstattarget FROM pg_attribute "
    "WHERE attrelid = 'traces'::regclass AND attname IN ('prompt', 'tags', 'metadata', 'source')"
)

DEFAULT = -1


async def _targets(engine: AsyncEngine) -> dict[str, int]:
    """Per-column statistics targets; the default reads -1 (NULL from PostgreSQL 17 on)."""
    async with engine.connect() as connection:
        rows = await connection.execute(_QUERY)
        return {name: DEFAULT if target is None else int(target) for name, target in rows}


async def test_filtered_columns_get_finer_statistics_on_postgresql() -> None:
    url = await create_postgres_database()
    engine = create_engine(Settings(database_url=url))
    try:
        await upgrade(engine, "0004")
        assert await _targets(engine) == {
            "prompt": 1000,
            "tags": 1000,
            "metadata": 1000,
            "source": DEFAULT,
        }

        await downgrade(engine, "0003")
        assert set((await _targets(engine)).values()) == {DEFAULT}
    finally:
        await engine.dispose()
        await drop_postgres_database(url)


async def test_statistics_migration_is_a_no_op_on_sqlite(tmp_path: object) -> None:
    engine = create_engine(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/stats.db"))
    try:
        await upgrade(engine, "0004")
        await downgrade(engine, "0003")
        await upgrade(engine, "0004")
    finally:
        await engine.dispose()
