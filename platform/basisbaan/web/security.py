"""Security headers for every response; Content-Security-Policy without inline scripts."""

from __future__ import annotations

import re

from flask import Flask, current_app, g, request, session

_ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d+)?$")


def _safe_origin(value) -> bool:
    return isinstance(value, str) and bool(_ORIGIN_RE.match(value))

PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action {form_action}")
# The API reference (Redoc, served from our own origin) styles itself inline and renders in a worker.
DOCS_CSP = ("default-src 'self'; script-src 'self' blob:; worker-src blob:; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'")


def _headers(response):
    headers = response.headers
    if request.path.startswith("/api/v1/docs"):
        headers.setdefault("Content-Security-Policy", DOCS_CSP)
    else:
        # The sign-out form redirects to the identity provider's end-session endpoint.
        origin = session.get("logout_origin", "") if _safe_origin(session.get("logout_origin")) else ""
        headers.setdefault("Content-Security-Policy", PAGE_CSP.format(form_action=f"'self' {origin}".strip()))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("BASISBAAN_ENV") == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if (g.get("personal_data") or g.get("principal") is not None) and response.mimetype != "text/css":
        # Pages and answers for a signed-in person may hold personal data: never store them.
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
