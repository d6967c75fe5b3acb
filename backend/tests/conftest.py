"""Fixtures: every API test runs on a real SQLite file and on a real PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tunix_rt_backend.app import create_app
from tunix_rt_backend.db import Base, create_engine
from tunix_rt_backend.migrate import upgrade
from tunix_rt_backend.settings import Settings

POSTGRES_ADMIN_DSN = os.environ.get(
    "TUNIX_RT_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)


async def _admin_connect() -> asyncpg.Connection:
    return await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)


async def create_postgres_database() -> str:
    """A fresh, uniquely named database; returns its SQLAlchemy URL."""
    try:
        admin = await _admin_connect()
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI and is unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable ({exc}); set CI=1 to make this a failure")
    name = f"tunix_rt_test_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = await _admin_connect()
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('sqlite') / 'tunix_rt.db'}"
        return
    url = await create_postgres_database()
    yield url
    await drop_postgres_database(url)


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        datasets_dir=tmp_path_factory.mktemp("datasets"),
        max_trace_bytes=100_000,
        max_batch_traces=500,
        max_batch_bytes=5_000_000,
    )


@pytest.fixture(scope="session")
async def migrated_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def app(settings: Settings, migrated_engine: AsyncEngine) -> FastAPI:
    return create_app(settings)


async def _empty_tables(engine: AsyncEngine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
async def client(app: FastAPI, migrated_engine: AsyncEngine) -> AsyncIterator[AsyncClient]:
    await _empty_tables(migrated_engine)
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://tunix-rt.test") as http:
        yield http


@pytest.fixture
def dialect(settings: Settings) -> str:
    return settings.dialect


def make_trace(i: int = 0, **overrides: object) -> dict[str, object]:
    """A GSM8K-shaped trace payload."""
    body: dict[str, object] = {
        "prompt": f"Natalia sold clips to {48 + i} of her friends in April. How many in total?",
        "steps": [
            {"type": "reasoning", "content": f"In May she sold {48 + i}/2 = {(48 + i) / 2} clips."},
            {"type": "reasoning", "content": f"Total: {48 + i} + {(48 + i) / 2}."},
        ],
        "final_answer": str(48 + i + (48 + i) / 2),
        "reference_answer": str(48 + i + (48 + i) / 2),
        "source": "gsm8k",
        "tags": ["math", f"bucket-{i % 3}"],
        "metadata": {"split": "train", "index": i, "nested": {"level": i % 2}},
    }
    body.update(overrides)
    return body
