"""HTTP for the example data: ``POST /api/demo``."""

from __future__ import annotations

from fastapi import APIRouter

from tunix_rt_backend.demo import service
from tunix_rt_backend.demo.schemas import DemoResult
from tunix_rt_backend.deps import SessionDep, SettingsDep
from tunix_rt_backend.openapi import ERROR_RESPONSES

router = APIRouter(prefix="/api/demo", tags=["demo"], responses=ERROR_RESPONSES)


@router.post(
    "",
    summary="Load the example data (GSM8K, arithmetic problems, scores, a dataset)",
    description=(
        "Imports GSM8K's train and test splits (they ship with tunix-rt), generates 500 "
        "arithmetic word problems, scores every trace not yet scored with `answer_match`, and "
        "builds the dataset `gsm8k-demo-v1` (2,000 GSM8K train problems, a tenth held out). "
        "Idempotent: a second call stores nothing new and reports what exists. A few seconds "
        "on SQLite."
    ),
)
async def load_demo(session: SessionDep, settings: SettingsDep) -> DemoResult:
    return await service.load(session, settings=settings)
