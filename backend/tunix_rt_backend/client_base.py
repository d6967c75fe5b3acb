"""The client's transport: one httpx session, the error type, retries for safe requests."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self

import httpx

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


def raise_for_error(response: httpx.Response) -> None:
    """ApiError for a 4xx or 5xx answer, with the server's error code, message and details."""
    if response.status_code < 400:
        return
    try:
        error = response.json()["error"]
        raise ApiError(response.status_code, error["code"], error["message"], error.get("details"))
    except (ValueError, KeyError, TypeError):
        raise ApiError(response.status_code, "http_error", response.text) from None


class ClientBase:
    """Synchronous transport. Writes carry an Idempotency-Key and are retried on 5xx/timeouts."""

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

    def __enter__(self) -> Self:
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
        raise_for_error(response)
        return response
