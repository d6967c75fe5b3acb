"""What the server does once started, before its first request."""

from __future__ import annotations

import gc

from tunix_rt_backend.app import create_app
from tunix_rt_backend.settings import Settings


async def test_start_up_objects_are_left_out_of_later_collections(settings: Settings) -> None:
    app = create_app(settings)
    gc.unfreeze()
    try:
        async with app.router.lifespan_context(app):
            frozen = gc.get_freeze_count()
        # The app, its routes and every module loaded so far: far more than a request makes.
        assert frozen > 100_000
    finally:
        gc.unfreeze()
