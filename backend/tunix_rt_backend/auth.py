"""Optional API keys: when configured, every /api route but the health check needs one."""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

from tunix_rt_backend.errors import error_response

OPEN_ROUTES = {("GET", "/api/health"), ("HEAD", "/api/health")}


class ApiKeyMiddleware:
    """Checks ``Authorization: Bearer KEY`` in constant time; keys are never logged."""

    def __init__(self, app: ASGIApp, keys: list[str]) -> None:
        self.app = app
        self.keys = [key.encode() for key in keys]

    def _allowed(self, presented: bytes) -> bool:
        # Compare against every key, so the time taken says nothing about which one is close.
        found = False
        for key in self.keys:
            found |= hmac.compare_digest(presented, key)
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.keys:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        if not (path == "/api" or path.startswith("/api/")) or (method, path) in OPEN_ROUTES:
            await self.app(scope, receive, send)
            return
        if method == "OPTIONS":  # CORS preflight carries no credentials
            await self.app(scope, receive, send)
            return
        header = b""
        for name, value in scope["headers"]:
            if name == b"authorization":
                header = value
                break
        scheme, _, presented = header.partition(b" ")
        if scheme.lower() == b"bearer" and presented and self._allowed(presented.strip()):
            await self.app(scope, receive, send)
            return
        response = error_response(
            401,
            "unauthorized",
            "This server requires an API key: send `Authorization: Bearer KEY`."
            if not header
            else "The API key is not valid.",
            headers={"WWW-Authenticate": "Bearer"},
        )
        await response(scope, receive, send)
