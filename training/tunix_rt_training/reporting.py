"""Every call the training package makes to the tunix-rt server, in one place (httpx).

The training package never imports the server: it talks to it over REST, and only when
``api.url`` is set. Endpoints used:

- ``GET  /api/datasets/{key}/export.jsonl?format=tunix_sft&split=…`` (NDJSON; ETag = checksum)
- ``POST /api/runs`` → 201 ``{id, …}``; ``PATCH /api/runs/{id}``;
  ``POST /api/runs/{id}/metrics`` with ``{"metrics": [{step, name, value, time}]}``
- ``POST /api/evaluations`` → 201 ``{id, …}``
- ``POST /api/traces/batch`` (eval outputs as traces, ``source="eval"``, linked to the run)
- ``POST /api/scores/bulk`` with ``{"scorer": NAME, "filter": …}``: the server runs its own
  built-in scorer over the evaluation's traces, so stored scores are the server's.

Failures while training (a server restart, a network blip) must not kill a run: metric posts
that fail are kept and retried with the next batch, and a warning is logged once. Registering
the run at the start, and fetching a dataset, fail loudly instead: the user asked for them.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from tunix_rt_training.config import ApiConfig

log = logging.getLogger(__name__)

TRACE_BATCH_SIZE = 500
API_KEY_ENV = "TUNIX_RT_API_KEY"  # the same variable the tunix-rt CLI and client read
EXPORT_FORMAT = "tunix_sft"


class ApiError(RuntimeError):
    """The server refused a request or could not be reached; the message says which."""


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass(frozen=True, slots=True)
class DatasetExport:
    lines: list[bytes]
    checksum: str | None


class Reporter:
    """A client for one server (``api.url``). Use as a context manager, or call ``close``."""

    def __init__(self, api: ApiConfig, transport: httpx.BaseTransport | None = None) -> None:
        if api.url is None:
            raise ValueError("Reporter needs api.url")
        headers = {"Accept": "application/json"}
        token = api.token or os.environ.get(API_KEY_ENV)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.base_url = api.url
        self._client = httpx.Client(
            base_url=api.url, headers=headers, timeout=api.timeout_s, transport=transport
        )
        self._pending_metrics: list[dict[str, Any]] = []
        self._warned = False

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # ----------------------------------------------------------------- plumbing

    def _request(
        self, method: str, path: str, *, json: Any = None, params: Mapping[str, str] | None = None
    ) -> httpx.Response:
        try:
            response = self._client.request(method, path, json=json, params=params)
        except httpx.HTTPError as exc:
            raise ApiError(f"{method} {self.base_url}{path} failed: {exc}") from None
        if response.status_code >= 400:
            raise ApiError(
                f"{method} {self.base_url}{path} answered {response.status_code}: "
                f"{response.text[:500]}"
            )
        return response

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise ApiError(
                f"{response.request.method} {response.request.url} did not answer JSON"
            ) from None
        if not isinstance(body, dict):
            raise ApiError(f"{response.request.url} answered {type(body).__name__}, not an object")
        return body

    def _warn(self, what: str, exc: Exception) -> None:
        if not self._warned:
            log.warning("%s failed (%s); training goes on, will retry", what, exc)
            self._warned = True

    # ----------------------------------------------------------------- datasets

    def fetch_dataset(self, key: str, split: str) -> DatasetExport:
        """The ``tunix_sft`` export of dataset ``key`` (one split), as raw JSONL lines."""
        path = f"/api/datasets/{key}/export.jsonl"
        response = self._request("GET", path, params={"format": EXPORT_FORMAT, "split": split})
        etag = response.headers.get("etag")
        checksum = etag.strip('"').removeprefix("W/").strip('"') if etag else None
        lines = [line for line in response.content.splitlines() if line.strip()]
        return DatasetExport(lines=lines, checksum=checksum)

    # ----------------------------------------------------------------- runs

    def create_run(
        self,
        *,
        kind: str,
        dataset_key: str | None,
        base_model: str,
        config: Mapping[str, Any],
        seed: int,
        git_sha: str | None,
        dataset_checksum: str | None,
        artifacts: Mapping[str, Any],
    ) -> str:
        """Register a run (status ``running``); its server id."""
        body = {
            "kind": kind,
            "dataset_key": dataset_key,
            "base_model": base_model,
            "config": dict(config),
            "seed": seed,
            "git_sha": git_sha,
            "dataset_checksum": dataset_checksum,
            "artifacts": dict(artifacts),
            "status": "running",
        }
        run = self._json(self._request("POST", "/api/runs", json=body))
        if "id" not in run:
            raise ApiError("POST /api/runs answered without an id")
        return str(run["id"])

    def update_run(
        self,
        run_id: str,
        *,
        status: str,
        error: str | None = None,
        artifacts: Mapping[str, Any] | None = None,
        finished: bool = False,
    ) -> None:
        body: dict[str, Any] = {"status": status}
        if error is not None:
            body["error"] = error
        if artifacts is not None:
            body["artifacts"] = dict(artifacts)
        if finished:
            body["finished_at"] = utc_now()
        self._request("PATCH", f"/api/runs/{run_id}", json=body)

    def try_update_run(self, run_id: str, **kwargs: Any) -> bool:
        """``update_run`` that logs instead of raising (used while a run is ending)."""
        try:
            self.update_run(run_id, **kwargs)
        except ApiError as exc:
            log.warning("could not update run %s on the server: %s", run_id, exc)
            return False
        return True

    def queue_metrics(self, step: int, values: Mapping[str, float], time: str) -> None:
        self._pending_metrics.extend(
            {"step": step, "name": name, "value": value, "time": time}
            for name, value in values.items()
        )

    def flush_metrics(self, run_id: str) -> bool:
        """Post queued metric rows in one request; on failure keep them for the next flush."""
        if not self._pending_metrics:
            return True
        batch = self._pending_metrics
        try:
            self._request("POST", f"/api/runs/{run_id}/metrics", json={"metrics": batch})
        except ApiError as exc:
            self._warn("posting metrics", exc)
            return False
        self._pending_metrics = []
        self._warned = False
        return True

    # ----------------------------------------------------------------- evaluations

    def create_evaluation(
        self,
        *,
        name: str,
        run_id: str | None,
        model: str,
        dataset_key: str | None,
        summary: Mapping[str, float],
    ) -> str:
        body = {
            "name": name,
            "run_id": run_id,
            "model": model,
            "dataset_key": dataset_key,
            "summary": dict(summary),
        }
        evaluation = self._json(self._request("POST", "/api/evaluations", json=body))
        if "id" not in evaluation:
            raise ApiError("POST /api/evaluations answered without an id")
        return str(evaluation["id"])

    def post_traces(self, traces: Sequence[Mapping[str, Any]]) -> list[str]:
        """Store traces in batches; their ids, in order."""
        ids: list[str] = []
        for chunk in _chunks(traces, TRACE_BATCH_SIZE):
            result = self._json(
                self._request("POST", "/api/traces/batch", json={"traces": list(chunk)})
            )
            chunk_ids = result.get("ids")
            if not isinstance(chunk_ids, list) or len(chunk_ids) != len(chunk):
                raise ApiError("POST /api/traces/batch did not answer one id per trace")
            ids.extend(str(item) for item in chunk_ids)
        return ids

    def score_evaluation(self, evaluation_id: str, scorer: str) -> dict[str, Any]:
        """Run the server's built-in ``scorer`` over the evaluation's traces."""
        body = {
            "scorer": scorer,
            "filter": {"source": "eval", "metadata": {"evaluation_id": evaluation_id}},
        }
        return self._json(self._request("POST", "/api/scores/bulk", json=body))


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
