"""The one JSON error shape: {"code", "status", "message", "errors": {field: [messages]}}."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from basisbaan.errors import DomainError

JSON_PREFIXES = ("/api/", "/healthz")

_CODES = {422: "validation_error", 500: "internal_error", 503: "unavailable", 429: "rate_limited"}


class ErrorSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Machine-readable error code", "example": "not_found"})
    status = ma.fields.Integer(required=True, metadata={"description": "HTTP status", "example": 404})
    message = ma.fields.String(required=True, metadata={"description": "What went wrong, for people"})
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(),
                            metadata={"description": "Messages per field (for a query parameter or body field)"})


def _flatten(messages: Any) -> dict[str, Any]:
    """webargs nests messages by location ({"json": {"name": [...]}}); callers want them per field."""
    if not isinstance(messages, dict):
        return {"_body": messages if isinstance(messages, list) else [str(messages)]}
    flat: dict[str, Any] = {}
    for location, fields in messages.items():
        if location in {"json", "query", "querystring", "form", "files", "headers", "path", "view_args"}:
            if isinstance(fields, dict):
                flat.update({str(k): v for k, v in fields.items()})
            else:
                flat["_body" if location in {"json", "form"} else location] = fields
        else:
            flat[str(location)] = fields
    return flat


def error_payload(status: int, message: str, errors: dict[str, Any] | None = None,
                  code: str | None = None) -> dict[str, Any]:
    return {
        "code": code or _CODES.get(status) or _status_code_name(status),
        "status": status,
        "message": message,
        "errors": errors or {},
    }


def _status_code_name(status: int) -> str:
    from werkzeug.http import HTTP_STATUS_CODES

    return HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "_").replace("-", "_")


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)


class BasisbaanApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException):
        if not wants_json():
            from basisbaan.web.errors import render_error

            return render_error(error)
        data = getattr(error, "data", None) or {}
        if error.code >= 500:
            original = getattr(error, "original_exception", None)
            if original is not None:
                # Logged by type and place only: messages of database errors can carry personal data.
                current_app.logger.error("unhandled %s in %s %s", type(original).__name__, request.method,
                                         request.url_rule.rule if request.url_rule else "?")
        message = data.get("message") or (error.description if error.code < 500 else "Internal error.")
        errors = _flatten(data["errors"] if "errors" in data else data.get("messages", {}))
        if error.code == 422 and "message" not in data:
            message = "The request has invalid fields."
        elif error.code == 400 and errors and "message" not in data:
            message = "The request body could not be read."
        headers = data.get("headers", {})
        return error_payload(error.code, message, errors), error.code, headers


def handle_domain_error(error: DomainError):
    return error_payload(error.status, error.message, error.errors, error.code), error.status
