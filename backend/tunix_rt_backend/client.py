"""A typed Python client for notebooks and scripts.

from tunix_rt_backend.client import Client

with Client("http://127.0.0.1:8000") as api:
    trace = api.create_trace(prompt="2 + 2?", steps=["2 + 2 = 4"], final_answer="4")
    api.score(trace.id, "answer_match")
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from tunix_rt_backend.client_base import ApiError, trace_payload
from tunix_rt_backend.client_datasets import DatasetMethods
from tunix_rt_backend.rollouts.schemas import (
    RolloutsStored,
    RolloutStepList,
    RolloutStepRead,
    RolloutStepSummary,
)
from tunix_rt_backend.scores.schemas import BulkScoreResult, ScoreRead, ScorerRead
from tunix_rt_backend.traces.schemas import (
    TraceBatchResult,
    TraceComparison,
    TracePage,
    TraceRead,
    TraceSummary,
    TraceWithScores,
)

__all__ = ["ApiError", "Client", "trace_payload"]


class Client(DatasetMethods):
    """Synchronous client for every part of the API a notebook or a script needs: traces,
    scores, sources and datasets (:class:`DatasetMethods`), run rollouts. Writes carry an
    Idempotency-Key and are retried on 5xx and timeouts."""

    # --- service ---------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._request("GET", "/api/health").json()
        return result

    # --- traces ----------------------------------------------------------------------------
    def create_trace(self, **fields: Any) -> TraceRead:
        """Store one trace (see ``trace_payload`` for the fields)."""
        response = self._request(
            "POST", "/api/traces", json=trace_payload(**fields), idempotent=True
        )
        return TraceRead.model_validate_json(response.content)

    def create_traces(
        self, traces: Iterable[Mapping[str, Any]], *, batch_size: int = 5_000
    ) -> list[uuid.UUID]:
        """Store many trace bodies in batches (each its own transaction); ids in input order."""
        ids: list[uuid.UUID] = []
        batch: list[Mapping[str, Any]] = []

        def flush() -> None:
            if batch:
                response = self._request(
                    "POST", "/api/traces/batch", json={"traces": batch}, idempotent=True
                )
                ids.extend(TraceBatchResult.model_validate_json(response.content).ids)
                batch.clear()

        for trace in traces:
            batch.append(trace)
            if len(batch) >= batch_size:
                flush()
        flush()
        return ids

    def list_traces(
        self,
        *,
        source: str | None = None,
        tags: Sequence[str] = (),
        metadata: Mapping[str, Any] | None = None,
        q: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> TracePage:
        params: list[tuple[str, str | int]] = [("limit", limit)]
        if source:
            params.append(("source", source))
        params.extend(("tag", t) for t in tags)
        for key, value in (metadata or {}).items():
            params.append((f"metadata.{key}", str(value)))
        if q:
            params.append(("q", q))
        if cursor:
            params.append(("cursor", cursor))
        response = self._request("GET", "/api/traces", params=params)
        return TracePage.model_validate_json(response.content)

    def iter_traces(self, **filters: Any) -> Iterator[TraceSummary]:
        """Every matching trace, newest first, following the cursor page by page."""
        cursor: str | None = None
        while True:
            page = self.list_traces(cursor=cursor, **filters)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def get_trace(self, trace_id: uuid.UUID | str) -> TraceWithScores:
        response = self._request("GET", f"/api/traces/{trace_id}")
        return TraceWithScores.model_validate_json(response.content)

    def delete_trace(self, trace_id: uuid.UUID | str) -> None:
        self._request("DELETE", f"/api/traces/{trace_id}")

    def compare(self, base: uuid.UUID | str, other: uuid.UUID | str) -> TraceComparison:
        response = self._request(
            "GET", "/api/traces/compare", params={"base": str(base), "other": str(other)}
        )
        return TraceComparison.model_validate_json(response.content)

    # --- scores ----------------------------------------------------------------------------
    def scorers(self) -> list[ScorerRead]:
        return [ScorerRead.model_validate(s) for s in self._request("GET", "/api/scorers").json()]

    def score(self, trace_id: uuid.UUID | str, scorer: str) -> ScoreRead:
        """Run a built-in scorer on a trace and store the result."""
        response = self._request("POST", f"/api/traces/{trace_id}/scores", json={"scorer": scorer})
        return ScoreRead.model_validate_json(response.content)

    def add_score(
        self,
        trace_id: uuid.UUID | str,
        *,
        name: str,
        value: float,
        source: str = "human",
        label: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> ScoreRead:
        """Store a score measured elsewhere (``source`` is ``human`` or ``judge``)."""
        body: dict[str, Any] = {"name": name, "value": value, "source": source}
        if label is not None:
            body["label"] = label
        if details:
            body["details"] = dict(details)
        response = self._request("POST", f"/api/traces/{trace_id}/scores", json=body)
        return ScoreRead.model_validate_json(response.content)

    def scores(self, trace_id: uuid.UUID | str) -> list[ScoreRead]:
        response = self._request("GET", f"/api/traces/{trace_id}/scores")
        return [ScoreRead.model_validate(s) for s in response.json()]

    def score_bulk(
        self, scorer: str, *, filter: Mapping[str, Any] | None = None, skip_existing: bool = True
    ) -> BulkScoreResult:
        """Run a scorer over every trace matching ``filter`` (source, tags, metadata, q, …)."""
        response = self._request(
            "POST",
            "/api/scores/bulk",
            json={"scorer": scorer, "filter": dict(filter or {}), "skip_existing": skip_existing},
            idempotent=True,
        )
        return BulkScoreResult.model_validate_json(response.content)

    # --- imports ---------------------------------------------------------------------------
    # --- runs ------------------------------------------------------------------------------

    def add_rollouts(
        self,
        run_id: uuid.UUID | str,
        step: int,
        groups: Sequence[Mapping[str, Any]],
        *,
        scorers: Sequence[str],
        weights: Mapping[str, float] | None = None,
    ) -> RolloutsStored:
        """Record a GRPO step's groups (``{group, item_id, prompt, reference_answer,
        completions: [{index, response, advantage, reward, rewards}]}``): stored as rollout
        traces and scored with ``scorers``. A step already recorded answers what is stored
        (``created`` false), so a retry never duplicates anything."""
        body = {"step": step, "scorers": list(scorers), "weights": dict(weights or {})}
        response = self._request(
            "POST",
            f"/api/runs/{run_id}/rollouts",
            json={**body, "groups": [dict(g) for g in groups]},
            idempotent=True,
        )
        return RolloutsStored.model_validate_json(response.content)

    def rollout_steps(self, run_id: uuid.UUID | str) -> list[RolloutStepSummary]:
        """The run's steps that have rollouts, oldest first, with mean reward and scores."""
        response = self._request("GET", f"/api/runs/{run_id}/rollouts")
        return RolloutStepList.model_validate_json(response.content).steps

    def rollouts(self, run_id: uuid.UUID | str, step: int) -> RolloutStepRead:
        """One step's groups and completions with their scores."""
        response = self._request("GET", f"/api/runs/{run_id}/rollouts/{step}")
        return RolloutStepRead.model_validate_json(response.content)
