"""Migrations: upgrade, downgrade and upgrade again, and the schema matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from tests.conftest import create_postgres_database, drop_postgres_database
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
                return not (kind == "index" and name in GIN_INDEXES and dialect != "postgresql")

            context = MigrationContext.configure(
                sync_connection,  # type: ignore[arg-type]
                opts={"compare_type": True, "include_object": include},
            )
            return list(compare_metadata(context, Base.metadata))

        async with engine.connect() as connection:
            differences = await connection.run_sync(diff)
        assert differences == []
    finally:
        await engine.dispose()
