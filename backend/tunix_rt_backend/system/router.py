"""Service health."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from tunix_rt_backend import __version__
from tunix_rt_backend.errors import is_database_unavailable
from tunix_rt_backend.migrate import current_revision

router = APIRouter(tags=["system"])


class DatabaseHealth(BaseModel):
    status: Literal["ok", "unavailable"]
    dialect: str
    revision: str | None


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    database: DatabaseHealth


@router.get(
    "/api/health",
    summary="Service and database status",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database is unreachable."}},
)
async def health(request: Request) -> Health | JSONResponse:
    engine = request.app.state.engine
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        revision = await current_revision(engine)
    except Exception as exc:
        if not is_database_unavailable(exc):
            raise
        body = Health(
            status="degraded",
            version=__version__,
            database=DatabaseHealth(
                status="unavailable", dialect=engine.dialect.name, revision=None
            ),
        )
        return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": "2"})
    return Health(
        status="ok",
        version=__version__,
        database=DatabaseHealth(status="ok", dialect=engine.dialect.name, revision=revision),
    )
