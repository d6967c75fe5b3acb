"""The configured database for command-line work: migrated first, as `tunix-rt serve` does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.db import create_engine, create_sessionmaker
from tunix_rt_backend.migrate import upgrade
from tunix_rt_backend.settings import Settings, get_settings


@asynccontextmanager
async def migrated_session(settings: Settings | None = None) -> AsyncIterator[AsyncSession]:
    settings = settings or get_settings()
    engine = create_engine(settings)
    try:
        await upgrade(engine)
        async with create_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()
