"""Every call the training package makes to the tunix-rt server, in one place (httpx).

The training package never imports the server: it talks to it over REST, and only when
``api.url`` is set. Endpoints used:

- ``GET  /api/datasets/{key}/export.jsonl?format=tunix_sft&split=…`` (NDJSON; ETag = checksum)
- ``POST /api/runs`` → 201 ``{id, …}`` (status ``running``); ``PATCH /api/runs/{id}`` with
  ``{status?, error?, artifacts?, summary?}`` (an empty body is a heartbeat: the server marks a
  ``running`` run that stays silent too long as failed); ``POST /api/runs/{id}/metrics`` with
  ``{"metrics": [{step, name, value, time}]}`` (a step sent again replaces its value)
- ``POST /api/runs/{id}/rollouts`` with one GRPO step's groups of completions, their rewards
  and advantages: the server stores each completion as a ``source="rollout"`` trace of the run
  and scores it with the named scorers (a step is stored once; a retry answers 200).
- ``POST /api/evaluations`` with the raw outputs (``items``): the server parses them with the
  same contracts, stores them as ``source="eval"`` traces linked to the run, scores them with
  its built-in scorers and answers the summary.

Failures while training (a server restart, a network blip) must not stop a run: metric posts
that fail are kept and retried with the next batch, a heartbeat thread keeps the run alive
through long compilations and checkpoint saves, and a warning is logged once. Registering the
run at the start, fetching a dataset and recording an evaluation fail loudly instead: the user
asked for them.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from tunix_rt_training.config import ApiConfig

log = logging.getLogger(__name__)

API_KEY_ENV = "TUNIX_RT_API_KEY"  # the same variable the tunix-rt CLI and client read
EXPORT_FORMAT = "tunix_sft"
MAX_METRICS_PER_POST = 10_000  # the server's limit per request
MAX_EVALUATION_ITEMS = 10_000
HEARTBEAT_S = 60.0


class ApiError(RuntimeError):
    """The server refused a request or could not be reached; the message says which."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def refused(self) -> bool:
        """The server answered that the request itself is wrong (a 4xx other than a timeout or
        a rate limit): sending it again would not help."""
        return (
            self.status is not None and 400 <= self.status < 500 and self.status not in (408, 429)
        )


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def finite(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without NaN/infinite floats (the server refuses them, rightly)."""
    return {k: v for k, v in values.items() if not (isinstance(v, float) and not math.isfinite(v))}


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
        self._client_args: dict[str, Any] = {
            "base_url": api.url,
            "headers": headers,
            "timeout": api.timeout_s,
            "transport": transport,
        }
        self._client = httpx.Client(**self._client_args)
        self._pending_metrics: list[dict[str, Any]] = []
        self._pending_rollouts: list[dict[str, Any]] = []
        self._warned = False
        self._heartbeat: threading.Thread | None = None
        self._heartbeat_stop = threading.Event()

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.stop_heartbeat()
        self._client.close()

    # ----------------------------------------------------------------- plumbing

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        client: httpx.Client | None = None,
    ) -> httpx.Response:
        try:
            response = (client or self._client).request(method, path, json=json, params=params)
        except httpx.HTTPError as exc:
            raise ApiError(f"{method} {self.base_url}{path} failed: {exc}") from None
        if response.status_code >= 400:
            raise ApiError(
                f"{method} {self.base_url}{path} answered {response.status_code}: "
                f"{response.text[:500]}",
                response.status_code,
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

    def fetch_dataset(
        self, key: str, split: str, export_format: str = EXPORT_FORMAT
    ) -> DatasetExport:
        """The export of dataset ``key`` (one split, ``tunix_sft`` by default) as raw JSONL
        lines."""
        path = f"/api/datasets/{key}/export.jsonl"
        response = self._request("GET", path, params={"format": export_format, "split": split})
        etag = response.headers.get("etag")
        checksum = etag.removeprefix("W/").strip('"') if etag else None
        lines = [line for line in response.content.splitlines() if line.strip()]
        return DatasetExport(lines=lines, checksum=checksum)

    # ----------------------------------------------------------------- runs

    def create_run(
        self,
        *,
        kind: str,
        name: str | None,
        dataset_key: str | None,
        base_model: str,
        config: Mapping[str, Any],
        seed: int,
        git_sha: str | None,
        dataset_checksum: str | None,
        artifacts: Mapping[str, Any],
        parent_run_id: str | None = None,
    ) -> str:
        """Register a run (status ``running``); its server id. ``parent_run_id``: the server
        run it started from (a GRPO run's SFT run)."""
        body = {
            "kind": kind,
            "name": name,
            "dataset_key": dataset_key,
            "base_model": base_model,
            "config": dict(config),
            "seed": seed,
            "git_sha": git_sha,
            "dataset_checksum": dataset_checksum,
            "artifacts": dict(artifacts),
            "status": "running",
        }
        if parent_run_id is not None:
            body["parent_run_id"] = parent_run_id
        run = self._json(self._request("POST", "/api/runs", json=body))
        if "id" not in run:
            raise ApiError("POST /api/runs answered without an id")
        return str(run["id"])

    def update_run(
        self,
        run_id: str,
        *,
        status: str | None = None,
        error: str | None = None,
        artifacts: Mapping[str, Any] | None = None,
        summary: Mapping[str, Any] | None = None,
    ) -> None:
        """Change a run's status (the server stamps ``finished_at`` on a final one), error,
        artifacts or summary (both merged into what is stored)."""
        body: dict[str, Any] = {}
        if status is not None:
            body["status"] = status
        if error is not None:
            body["error"] = error[:20_000]
        if artifacts is not None:
            body["artifacts"] = finite(artifacts)
        if summary is not None:
            body["summary"] = finite(summary)
        self._request("PATCH", f"/api/runs/{run_id}", json=body)

    def start_heartbeat(self, run_id: str, every_s: float = HEARTBEAT_S) -> None:
        """PATCH an empty body every ``every_s`` seconds from a thread until stopped, so a run
        busy compiling or checkpointing is not taken for dead."""
        self.stop_heartbeat()
        self._heartbeat_stop = threading.Event()
        stop = self._heartbeat_stop

        def beat() -> None:
            with httpx.Client(**self._client_args) as client:
                while not stop.wait(every_s):
                    try:
                        self._request("PATCH", f"/api/runs/{run_id}", json={}, client=client)
                    except ApiError as exc:
                        log.debug("heartbeat failed: %s", exc)

        self._heartbeat = threading.Thread(target=beat, name="tunix-rt-heartbeat", daemon=True)
        self._heartbeat.start()

    def stop_heartbeat(self) -> None:
        self._heartbeat_stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=5)
            self._heartbeat = None

    def queue_metrics(self, step: int, values: Mapping[str, float], time: str) -> None:
        self._pending_metrics.extend(
            {"step": step, "name": name, "value": value, "time": time}
            for name, value in finite(values).items()
        )

    def flush_metrics(self, run_id: str) -> bool:
        """Post queued metric rows; on a network or server error keep them for the next
        flush. Rows the server refuses as invalid (4xx) are dropped with a warning: sending
        them again would not help."""
        while self._pending_metrics:
            batch = self._pending_metrics[:MAX_METRICS_PER_POST]
            try:
                self._request("POST", f"/api/runs/{run_id}/metrics", json={"metrics": batch})
            except ApiError as exc:
                if exc.refused:
                    log.warning("the server refused %d metric rows: %s", len(batch), exc)
                    del self._pending_metrics[: len(batch)]
                    continue
                self._warn("posting metrics", exc)
                return False
            del self._pending_metrics[: len(batch)]
            self._warned = False
        return True

    # ----------------------------------------------------------------- rollouts

    def queue_rollouts(self, step: int, body: Mapping[str, Any]) -> None:
        """Queue one step's rollout groups (``POST /api/runs/{id}/rollouts``'s body without
        ``step``); posted by :meth:`flush_rollouts`."""
        self._pending_rollouts.append({"step": step, **body})

    def flush_rollouts(self, run_id: str) -> bool:
        """Post queued rollout steps, oldest first; on a network or server error keep them for
        the next flush (the server stores a step once, so a retry never duplicates). A step
        the server refuses as invalid (4xx) is dropped with a warning."""
        while self._pending_rollouts:
            body = self._pending_rollouts[0]
            try:
                self._request("POST", f"/api/runs/{run_id}/rollouts", json=body)
            except ApiError as exc:
                if exc.refused:
                    log.warning("the server refused the rollouts of step %s: %s", body["step"], exc)
                    self._pending_rollouts.pop(0)
                    continue
                self._warn("posting rollouts", exc)
                return False
            self._pending_rollouts.pop(0)
        return True

    # ----------------------------------------------------------------- evaluations

    def create_evaluation(
        self,
        *,
        name: str,
        model: str,
        run_id: str | None,
        dataset_key: str | None,
        split: str | None,
        scorers: Sequence[str],
        config: Mapping[str, Any],
        items: Sequence[Mapping[str, Any]],
    ) -> dict[str, Any]:
        """Record an evaluation: the server parses, stores (as eval traces) and scores the
        items (``{item_id, prompt, response, reference_answer, metadata}``); its answer."""
        if len(items) > MAX_EVALUATION_ITEMS:
            raise ApiError(
                f"the server records at most {MAX_EVALUATION_ITEMS} items per evaluation; "
                f"this one has {len(items)}: set eval.limit or split the data"
            )
        body = {
            "name": name[:128],
            "model": model[:256],
            "run_id": run_id,
            "dataset_key": dataset_key,
            "split": split,
            "scorers": list(scorers),
            "config": dict(config),
            "items": [dict(item) for item in items],
        }
        evaluation = self._json(self._request("POST", "/api/evaluations", json=body))
        if "id" not in evaluation:
            raise ApiError("POST /api/evaluations answered without an id")
        return evaluation
