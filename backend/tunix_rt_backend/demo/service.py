"""Load the example data: GSM8K's two splits (shipped with the package), a small set of
generated arithmetic problems, every trace scored with ``answer_match``, and a GSM8K dataset
with a held-out split. Each step is the one a user would run by hand, through the same
services as the routes, and each is idempotent: loading twice stores nothing new."""

from __future__ import annotations

import time

from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.contracts.arithmetic import ArithmeticSpec
from tunix_rt_backend.data import GSM8K_SPLITS, gsm8k_file
from tunix_rt_backend.datasets import service as datasets
from tunix_rt_backend.datasets.schemas import DatasetBuildRequest, SplitRequest
from tunix_rt_backend.demo.schemas import DemoResult
from tunix_rt_backend.errors import Conflict
from tunix_rt_backend.scores.schemas import BulkScoreRequest
from tunix_rt_backend.scores.service import score_bulk
from tunix_rt_backend.settings import Settings
from tunix_rt_backend.sources import arithmetic
from tunix_rt_backend.sources.importer import file_chunks, import_stream
from tunix_rt_backend.sources.schemas import ImportOptions
from tunix_rt_backend.traces.filters import TraceFilter

ARITHMETIC = ArithmeticSpec(count=500, seed=0)
DATASET = DatasetBuildRequest(
    dataset_name="gsm8k-demo",
    dataset_version="v1",
    filters=TraceFilter(source="gsm8k", metadata={"split": "train"}),
    selection_strategy="random",
    seed=0,
    limit=2000,
    dedup=True,
    split=SplitRequest(eval_fraction=0.1),
    description="Example data: 2,000 GSM8K train problems, a tenth held out for evaluation.",
)


async def load(session: AsyncSession, *, settings: Settings) -> DemoResult:
    started = time.perf_counter()
    imported = {}
    for split in GSM8K_SPLITS:
        with gsm8k_file(split).open("rb") as handle:
            imported[split] = await import_stream(
                session,
                file_chunks(handle),
                ImportOptions(format="gsm8k", split=split),
                max_trace_bytes=settings.max_trace_bytes,
            )
    generated = await arithmetic.generate(
        session, spec=ARITHMETIC, max_trace_bytes=settings.max_trace_bytes
    )
    scored = await score_bulk(session, request=BulkScoreRequest(scorer="answer_match"))
    try:
        await datasets.build(session, request=DATASET, root=settings.datasets_dir)
        created = True
    except Conflict:  # built by an earlier load: versions are immutable
        await session.rollback()
        created = False
    return DemoResult(
        gsm8k=imported,
        arithmetic=generated,
        scored=scored,
        dataset_key=DATASET.dataset_key,
        dataset_created=created,
        seconds=round(time.perf_counter() - started, 2),
    )
