"""A typed Python client for notebooks and scripts.

from tunix_rt_backend.client import Client

with Client("http://127.0.0.1:8000") as api:
    trace = api.create_trace(prompt="2 + 2?", steps=["2 + 2 = 4"], final_answer="4")
    api.score(trace.id, "answer_match")
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import httpx
import orjson

from tunix_rt_backend.contracts.arithmetic import ArithmeticSpec
from tunix_rt_backend.datasets.schemas import (
    DatasetBuildResult,
    DatasetList,
    DatasetPreview,
    DatasetRead,
)
from tunix_rt_backend.rollouts.schemas import (
    RolloutsStored,
    RolloutStepList,
    RolloutStepRead,
    RolloutStepSummary,
)
from tunix_rt_backend.scores.schemas import BulkScoreResult, ScoreRead, ScorerRead
from tunix_rt_backend.sources.schemas import ArithmeticResult, ImportResult
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


def _raise_for(response: httpx.Response) -> None:
    """ApiError for a 4xx or 5xx answer, with the server's error code, message and details."""
    if response.status_code < 400:
        return
    try:
        error = response.json()["error"]
        raise ApiError(response.status_code, error["code"], error["message"], error.get("details"))
    except (ValueError, KeyError, TypeError):
        raise ApiError(response.status_code, "http_error", response.text) from None


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
        content: Callable[[], Any] | None = None,
    ) -> httpx.Response:
        """``content``: a function that returns a fresh body (a file opened again) per attempt."""
        headers = {"Idempotency-Key": uuid.uuid4().hex} if idempotent else {}
        safe = method == "GET" or idempotent
        attempt = 0
        while True:
            body = content() if content is not None else None
            try:
                response = self._http.request(
                    method, path, json=json, params=params, headers=headers, content=body
                )
            except (httpx.TransportError, httpx.TimeoutException):
                if not safe or attempt >= self._retries:
                    raise
            else:
                if response.status_code not in _RETRYABLE_STATUS or not safe:
                    break
                if attempt >= self._retries:
                    break
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()
            attempt += 1
            time.sleep(min(0.5 * 2**attempt, 8.0))
        _raise_for(response)
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

    # --- imports ---------------------------------------------------------------------------
    def import_file(
        self,
        path: str | Path,
        format: Literal["gsm8k", "jsonl"],
        *,
        source: str | None = None,
        map: Mapping[str, str] | None = None,
        parser: str = "tags",
        split: str | None = None,
        keep_calculator_marks: bool = False,
        skip_invalid: bool = False,
    ) -> ImportResult:
        """Import a JSONL file, streamed as the request body (never read whole). Traces already
        stored are counted as ``existing``, so a retried import stores nothing twice."""
        params: list[tuple[str, str]] = [("format", format), ("parser", parser)]
        if source is not None:
            params.append(("source", source))
        params.extend(("map", f"{field}={where}") for field, where in (map or {}).items())
        if split is not None:
            params.append(("split", split))
        if keep_calculator_marks:
            params.append(("keep_calculator_marks", "true"))
        if skip_invalid:
            params.append(("skip_invalid", "true"))
        file = Path(path)
        response = self._request(
            "POST",
            "/api/traces/import",
            params=params,
            content=lambda: file.open("rb"),
            idempotent=True,
        )
        return ImportResult.model_validate_json(response.content)

    def generate_arithmetic(
        self, spec: ArithmeticSpec | None = None, /, **fields: Any
    ) -> ArithmeticResult:
        """Generate arithmetic word problems on the server and store them as traces
        (``POST /api/sources/arithmetic/generate``): pass an ``ArithmeticSpec`` or its fields
        (``count``, ``seed``, ``min_steps``, ``max_steps``, ``operand_min``, ``operand_max``,
        ``start_min``, ``start_max``, ``operations``, ``answer_only``). The same spec again
        stores nothing new (``created == 0``), so it is retried safely."""
        if spec is not None and fields:
            raise TypeError("pass an ArithmeticSpec or its fields, not both")
        body = spec.model_dump() if spec is not None else fields
        response = self._request(
            "POST", "/api/sources/arithmetic/generate", json=body, idempotent=True
        )
        return ArithmeticResult.model_validate_json(response.content)

    # --- datasets --------------------------------------------------------------------------
    def build_dataset(self, **request: Any) -> DatasetBuildResult:
        """``POST /api/datasets/build`` with these fields (dataset_name, dataset_version,
        filters, selection_strategy, seed, limit, dedup, split, …). Not retried: the same key
        twice is a 409."""
        response = self._request("POST", "/api/datasets/build", json=request)
        return DatasetBuildResult.model_validate_json(response.content)

    def preview_dataset(self, **request: Any) -> DatasetPreview:
        """How many traces the same request matches and would select; stores nothing."""
        response = self._request("POST", "/api/datasets/preview", json=request)
        return DatasetPreview.model_validate_json(response.content)

    def datasets(self) -> list[DatasetRead]:
        return DatasetList.model_validate_json(self._request("GET", "/api/datasets").content).items

    def dataset(self, key: str) -> DatasetRead:
        return DatasetRead.model_validate_json(self._request("GET", f"/api/datasets/{key}").content)

    def manifest(self, key: str) -> dict[str, Any]:
        """The manifest file: every trace id in order and the split lists."""
        manifest: dict[str, Any] = self._request("GET", f"/api/datasets/{key}/manifest.json").json()
        return manifest

    @contextmanager
    def _export(
        self,
        key: str,
        *,
        format: Literal["trace", "tunix_sft", "chat", "prompt_only"] = "tunix_sft",
        split: Literal["train", "eval"] | None = None,
        style: Literal["tags", "numbered"] = "tags",
        system: str | None = None,
    ) -> Iterator[httpx.Response]:
        """The export's streamed response, or ApiError before any of it is read."""
        params: dict[str, str] = {"format": format, "style": style}
        if split is not None:
            params["split"] = split
        if system is not None:
            params["system"] = system
        with self._http.stream(
            "GET", f"/api/datasets/{key}/export.jsonl", params=params
        ) as response:
            if response.status_code >= 400:
                response.read()
                _raise_for(response)
            yield response

    def export_lines(self, key: str, **options: Any) -> Iterator[bytes]:
        """The export's lines (each one JSON record, newline included), streamed. Options:
        ``format`` (default ``tunix_sft``), ``split``, ``style``, ``system``."""
        with self._export(key, **options) as response:
            pending = b""
            for chunk in response.iter_bytes():
                lines = (pending + chunk).split(b"\n")
                pending = lines.pop()
                for line in lines:
                    yield line + b"\n"
            if pending:
                yield pending

    def export_records(self, key: str, **options: Any) -> Iterator[dict[str, Any]]:
        """The export's records as dicts, streamed (options as for export_lines)."""
        for line in self.export_lines(key, **options):
            record: dict[str, Any] = orjson.loads(line)
            yield record

    def export_dataset(self, key: str, out: str | Path, **options: Any) -> Path:
        """Write the export to ``out`` (streamed; options as for export_lines): the file a
        Tunix notebook loads. Written to a temporary name first, so a failed export leaves no
        partial file under ``out``."""
        target = Path(out)
        partial = target.with_name(f".{target.name}.partial")
        try:
            with self._export(key, **options) as response, partial.open("wb") as handle:
                for chunk in response.iter_bytes():
                    handle.write(chunk)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        return target

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
