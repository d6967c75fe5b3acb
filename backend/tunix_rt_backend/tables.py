"""Every table, imported in one place so that metadata (migrations, tests) sees them all."""

from tunix_rt_backend.datasets.models import Dataset, DatasetTrace
from tunix_rt_backend.scores.models import Score
from tunix_rt_backend.traces.models import IdempotencyKey, Trace

__all__ = ["Dataset", "DatasetTrace", "IdempotencyKey", "Score", "Trace"]
