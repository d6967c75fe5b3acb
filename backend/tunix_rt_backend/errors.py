"""One error shape for every failure: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger("tunix_rt")


class AppError(Exception):
    """An error the user caused or can act on; rendered with its status and code."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: Any = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers


class BadRequest(AppError):
    status_code = 400
    code = "bad_request"


class InvalidJSON(AppError):
    status_code = 400
    code = "invalid_json"


class Invalid(AppError):
    status_code = 422
    code = "validation_error"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


class Unavailable(AppError):
    status_code = 503
    code = "unavailable"


class NotImplementedFeature(AppError):
    status_code = 501
    code = "not_implemented"


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        error_body(code, message, details), status_code=status_code, headers=headers
    )


def _jsonable_validation_errors(errors: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for err in errors:
        item = {
            "loc": [str(part) for part in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        out.append(item)
    return out


def validation_details(errors: Any) -> list[dict[str, Any]]:
    """Pydantic errors without their raw inputs (which may be huge or unprintable)."""
    return _jsonable_validation_errors(errors)


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}


# SQLSTATE classes 08 (connection exception) and 57P (shutting down, starting up, restarted by
# an operator), and 53300 (too many connections): the database is away, the query is not wrong.
_UNAVAILABLE_SQLSTATES = ("08", "57P", "53300")


def is_database_unavailable(exc: BaseException) -> bool:
    """True when the database could not be reached (as opposed to a query being wrong)."""
    if isinstance(exc, OperationalError | ConnectionError | TimeoutError | PoolTimeout):
        # PoolTimeout: every pooled connection is busy (the server is overloaded): retry later.
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    orig = getattr(exc, "orig", None)
    if orig is None:
        return False
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES):
        return True
    return isinstance(orig, ConnectionError | OSError)


def allowed_methods(request: Request) -> list[str]:
    """The methods documented for the request's path, for the Allow header of a 405.

    A literal path (``/api/traces/import``) wins over a parameter at the same place
    (``/api/traces/{trace_id}``), as it does in routing.
    """
    path = request.url.path
    best: tuple[int, list[str]] | None = None
    for template, operations in request.app.openapi().get("paths", {}).items():
        if _template_pattern(template).fullmatch(path):
            params = template.count("{")
            if best is None or params < best[0]:
                best = (params, sorted(method.upper() for method in operations))
    return best[1] if best else []


@functools.cache
def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[^}]+\}", template)
    return re.compile("[^/]+".join(re.escape(part) for part in parts))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(
            422,
            "validation_error",
            "The request is not valid: see details for each problem.",
            validation_details(exc.errors()),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405 and request.url.path.startswith("/api/"):
            # Starlette names the methods of the first route on the path only.
            allowed = allowed_methods(request)
            if not allowed:  # only the dashboard's catch-all matched
                return error_response(
                    404, "not_found", f"No API route {request.url.path}.", None, None
                )
            headers = {**(headers or {}), "Allow": ", ".join(allowed)}
        code = _STATUS_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, code, message, None, headers)

    async def _database_error(_: Request, exc: Exception) -> JSONResponse:
        if not is_database_unavailable(exc):
            raise exc
        logger.warning("database unavailable: %s", type(exc).__name__)
        return error_response(
            503,
            "database_unavailable",
            "The database is not reachable right now; retry shortly.",
            None,
            {"Retry-After": "2"},
        )

    # Specific classes are handled here and answered; anything else reaches Starlette's
    # last-resort handler (a logged 500 with the same body shape).
    for exc_class in (DBAPIError, OSError, TimeoutError, PoolTimeout):
        app.add_exception_handler(exc_class, _database_error)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error")
        return error_response(500, "internal_error", "An unexpected error occurred.")
