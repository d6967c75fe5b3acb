"""A stand-in for the tunix-rt server's run, evaluation, trace and dataset endpoints: it
answers as the API contract says and records every request, so tests can check what the
training package sends."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    authorization: str | None = None


@dataclass
class FakeApi:
    datasets: dict[str, bytes] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    fail_metrics: int = 0
    url: str = ""

    def find(self, method: str, prefix: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.startswith(prefix)]

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: Any,
        authorization: str | None = None,
    ) -> tuple[int, Any, dict[str, str]]:
        self.calls.append(Call(method, path, query, body, authorization))
        parts = path.strip("/").split("/")
        if method == "GET" and parts[:2] == ["api", "datasets"] and parts[-1] == "export.jsonl":
            data = self.datasets.get(parts[2])
            if data is None:
                return 404, {"detail": f"no dataset {parts[2]}"}, {}
            return 200, data, {"ETag": '"sha256:fake"'}
        if method == "POST" and path == "/api/runs":
            return 201, {"id": str(uuid.uuid4()), **body}, {}
        if method == "PATCH" and parts[:2] == ["api", "runs"] and len(parts) == 3:
            return 200, {"id": parts[2], **body}, {}
        if method == "POST" and parts[:2] == ["api", "runs"] and parts[-1] == "metrics":
            if self.fail_metrics > 0:
                self.fail_metrics -= 1
                return 503, {"detail": "busy"}, {}
            return 201, {"inserted": len(body["metrics"])}, {}
        if method == "POST" and path == "/api/evaluations":
            return 201, {"id": str(uuid.uuid4()), **body}, {}
        if method == "POST" and path == "/api/traces/batch":
            ids = [str(uuid.uuid4()) for _ in body["traces"]]
            return 201, {"ids": ids, "created": len(ids), "existing": 0}, {}
        if method == "POST" and path == "/api/scores/bulk":
            return 200, {"scorer": body["scorer"], "matched": 0, "scored": 0}, {}
        return 404, {"detail": "no such route"}, {}


def serve(api: FakeApi) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def _dispatch(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            status, answer, headers = api.handle(
                self.command,
                parts.path,
                parse_qs(parts.query),
                body,
                self.headers.get("Authorization"),
            )
            payload = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = _dispatch

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    return server
