"""OpenAPI details shared by the routers: the error shape and bodies read by hand."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. validation_error.")
    message: str = Field(description="What was wrong and what to do.")
    details: Any = None


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed request (e.g. invalid JSON)."},
    401: {"model": ErrorBody, "description": "No API key or a wrong one (when keys are set)."},
    404: {"model": ErrorBody, "description": "Not found."},
    409: {"model": ErrorBody, "description": "Conflicts with what is stored."},
    413: {"model": ErrorBody, "description": "Too large."},
    422: {"model": ErrorBody, "description": "Invalid input."},
    503: {"model": ErrorBody, "description": "Database unavailable; retry."},
}

#: Request models of endpoints that read their own body; added to the schema's components.
BODY_MODELS: list[type[BaseModel]] = []


def operation_id(route: APIRoute) -> str:
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def install_openapi(app: FastAPI) -> None:
    def custom_openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if BODY_MODELS:
            _, defs = models_json_schema(
                [(m, "validation") for m in BODY_MODELS],
                ref_template="#/components/schemas/{model}",
            )
            for name, definition in defs.get("$defs", {}).items():
                components.setdefault(name, definition)
        # FastAPI's default 422 schema is replaced by our error body everywhere.
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.get("responses", {})
                if "422" in responses:
                    responses["422"] = {
                        "description": "Invalid input.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ErrorBody"}
                            }
                        },
                    }
        app.openapi_schema = schema
        return schema

    app.openapi = custom_openapi  # type: ignore[method-assign]
