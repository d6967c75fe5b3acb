"""Every table, imported in one place so that metadata (migrations, tests) sees them all."""

from tunix_rt_backend.datasets.models import Dataset
from tunix_rt_backend.evaluations.models import Evaluation, EvaluationItem
from tunix_rt_backend.rollouts.models import Rollout, RolloutStep
from tunix_rt_backend.runs.models import Run, RunMetric
from tunix_rt_backend.scores.models import Score
from tunix_rt_backend.traces.models import IdempotencyKey, Trace

__all__ = [
    "Dataset",
    "Evaluation",
    "EvaluationItem",
    "IdempotencyKey",
    "Rollout",
    "RolloutStep",
    "Run",
    "RunMetric",
    "Score",
    "Trace",
]
