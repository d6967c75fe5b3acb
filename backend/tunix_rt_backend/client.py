"""A typed Python client for notebooks and scripts.

from tunix_rt_backend.client import Client

with Client("http://127.0.0.1:8000") as api:
    trace = api.create_trace(prompt="2 + 2?", steps=["2 + 2 = 4"], final_answer="4")
    api.score(trace.id, "answer_match")
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import httpx

from tunix_rt_backend.scores.schemas import BulkScoreResult, ScoreRead, ScorerRead
from tunix_rt_backend.traces.schemas import (
    TraceBatchResult,
    TraceComparison,
    TracePage,
    TraceRead,
    TraceSummary,
    TraceWithScores,
)

_RETRYABLE_STATUS = {502, 503, 504}


class ApiError(Exception):
    """The server refused a request; ``code`` and ``details`` come from its error body."""

    def __init__(self, status: int, code: str, message: str, details: Any = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def _steps(steps: Sequence[str | Mapping[str, str]]) -> list[dict[str, str]]:
    return [{"type": "reasoning", "content": s} if isinstance(s, str) else dict(s) for s in steps]


def trace_payload(
    *,
    prompt: str,
    final_answer: str,
    steps: Sequence[str | Mapping[str, str]] = (),
    reference_answer: str | None = None,
    source: str | None = None,
    tags: Sequence[str] = (),
    metadata: Mapping[str, Any] | None = None,
    run_id: uuid.UUID | str | None = None,
) -> dict[str, Any]:
    """A trace body; steps may be plain strings (type ``reasoning``) or ``{type, content}``."""
    body: dict[str, Any] = {"prompt": prompt, "final_answer": final_answer, "steps": _steps(steps)}
    if reference_answer is not None:
        body["reference_answer"] = reference_answer
    if source is not None:
        body["source"] = source
    if tags:
        body["tags"] = list(tags)
    if metadata:
        body["metadata"] = dict(metadata)
    if run_id is not None:
        body["run_id"] = str(run_id)
    return body


class Client:
    """Synchronous client. Writes carry an Idempotency-Key and are retried on 5xx/timeouts."""

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8000",
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        retries: int = 3,
        transport: httpx.BaseTransport | None = None,
    ):
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )
        self._retries = retries

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Any = None,
        idempotent: bool = False,
    ) -> httpx.Response:
        headers = {"Idempotency-Key": uuid.uuid4().hex} if idempotent else {}
        safe = method == "GET" or idempotent
        attempt = 0
        while True:
            try:
                response = self._http.request(
                    method, path, json=json, params=params, headers=headers
                )
            except (httpx.TransportError, httpx.TimeoutException):
                if not safe or attempt >= self._retries:
                    raise
            else:
                if response.status_code not in _RETRYABLE_STATUS or not safe:
                    break
                if attempt >= self._retries:
                    break
            attempt += 1
            time.sleep(min(0.5 * 2**attempt, 8.0))
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
                raise ApiError(
                    response.status_code, error["code"], error["message"], error.get("details")
                )
            except (ValueError, KeyError, TypeError):
                raise ApiError(response.status_code, "http_error", response.text) from None
        return response

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
