"""NUL characters are refused in URLs, as they are in JSON bodies (see ``http.parse_json``).

PostgreSQL text cannot hold NUL, and file paths cannot either: a ``%00`` in a query or path
parameter would otherwise fail deep inside a query or a file lookup (a 500) instead of being
named as bad input. One check in front of every route covers parameters added later too.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from tunix_rt_backend.errors import error_response


def nul_location(scope: Scope) -> str | None:
    """``"path"`` or ``"query"`` when that part of the URL decodes to a NUL, else None."""
    if "\x00" in scope.get("path", ""):
        return "path"
    query: bytes = scope.get("query_string", b"")
    if b"\x00" in unquote_to_bytes(query):
        return "query"
    return None


class RejectNulMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        where = nul_location(scope) if scope["type"] == "http" else None
        if where is None:
            await self.app(scope, receive, send)
            return
        response = error_response(
            422,
            "validation_error",
            f"The URL's {where} may not contain NUL (%00) characters.",
            [{"loc": [where], "msg": "NUL character", "type": "nul_character"}],
        )
        await response(scope, receive, send)
