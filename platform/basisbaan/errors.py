"""Domain errors raised by services; the API and CLI turn them into responses and messages at the edge."""

from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class InvalidInput(DomainError):
    """Input that fails validation; `errors` names the fields."""

    code = "validation_error"
    status = 422


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    """The input clashes with what exists (a duplicate name, for example)."""

    code = "conflict"
    status = 409
