"""What loading the example data reports."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tunix_rt_backend.scores.schemas import BulkScoreResult
from tunix_rt_backend.sources.schemas import ArithmeticResult, ImportResult


class DemoResult(BaseModel):
    """What loading the example data did; counts are of this call (0 new the second time)."""

    gsm8k: dict[str, ImportResult] = Field(description="Per GSM8K split: rows read and stored.")
    arithmetic: ArithmeticResult
    scored: BulkScoreResult = Field(description="answer_match over every trace not yet scored.")
    dataset_key: str
    dataset_created: bool = Field(description="False when the dataset existed already.")
    seconds: float
