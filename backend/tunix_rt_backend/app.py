"""The FastAPI application: routers, error handlers, and the built dashboard."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tunix_rt_backend import __version__
from tunix_rt_backend.auth import ApiKeyMiddleware
from tunix_rt_backend.datasets.router import router as datasets_router
from tunix_rt_backend.db import create_engine, create_sessionmaker
from tunix_rt_backend.demo.router import router as demo_router
from tunix_rt_backend.errors import allowed_methods, install_error_handlers
from tunix_rt_backend.evaluations.router import router as evaluations_router
from tunix_rt_backend.nul import RejectNulMiddleware
from tunix_rt_backend.openapi import install_openapi, operation_id
from tunix_rt_backend.rollouts.router import router as rollouts_router
from tunix_rt_backend.runs.router import router as runs_router
from tunix_rt_backend.scores.router import router as scores_router
from tunix_rt_backend.settings import Settings, get_settings
from tunix_rt_backend.sources.arithmetic_router import router as arithmetic_router
from tunix_rt_backend.sources.router import router as import_router
from tunix_rt_backend.sources.ungar_router import router as ungar_router
from tunix_rt_backend.system.router import router as system_router
from tunix_rt_backend.traces.router import router as traces_router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = create_engine(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        settle_garbage_collector()
        yield
        await engine.dispose()

    app = FastAPI(
        title="tunix-rt",
        version=__version__,
        description=(
            "Collect, score, curate and export reasoning traces for Gemma fine-tuning with Tunix."
        ),
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)

    # Innermost: unauthenticated callers get their 401 first.
    app.add_middleware(RejectNulMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    keys = settings.all_api_keys()
    if keys:
        app.add_middleware(ApiKeyMiddleware, keys=keys)
    install_error_handlers(app)
    install_openapi(app)
    app.include_router(system_router)
    app.include_router(import_router)
    app.include_router(traces_router)
    app.include_router(scores_router)
    app.include_router(datasets_router)
    app.include_router(runs_router)
    app.include_router(rollouts_router)
    app.include_router(evaluations_router)
    app.include_router(ungar_router)
    app.include_router(arithmetic_router)
    app.include_router(demo_router)
    _mount_dashboard(app, settings.frontend_dist)
    return app


def settle_garbage_collector() -> None:
    """Once the server has started: leave what start-up built out of every later collection.

    The modules, models and schemas loaded at start are a few hundred thousand objects that
    live as long as the process; each full collection walked all of them again. Frozen,
    collections walk only what requests create (measured on its own: an export spent about
    20 % less CPU; see docs/performance.md)."""
    gc.collect()
    gc.freeze()


def _mount_dashboard(app: FastAPI, dist: Path) -> None:
    """Serve the built dashboard; unknown non-API paths fall back to index.html (client routes)."""
    root = dist.resolve()

    @app.get("/{path:path}", include_in_schema=False)
    def dashboard(path: str, request: Request) -> Response:  # sync: file checks run off the loop
        if path == "api" or path.startswith("api/"):
            allowed = allowed_methods(request)
            if allowed:  # an API route answers other methods here
                raise StarletteHTTPException(405, headers={"Allow": ", ".join(allowed)})
            raise StarletteHTTPException(404, f"No API route {request.url.path}.")
        index = root / "index.html"
        if not index.is_file():
            return Response(
                "The dashboard is not built. Run `make install` (or `npm run build` in "
                "frontend/), then reload. The API is at /api and its docs at /docs.",
                media_type="text/plain",
                status_code=404,
            )
        candidate = (root / path).resolve()
        if path and candidate.is_relative_to(root) and candidate.is_file():
            headers = (
                {"Cache-Control": "public, max-age=31536000, immutable"}
                if (path.startswith("assets/"))
                else None
            )
            return FileResponse(candidate, headers=headers)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
