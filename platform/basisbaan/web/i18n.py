"""Languages: Dutch by default, English on request; the choice is kept in the session."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, redirect, request, session
from flask_babel import Babel

LANGUAGES = {"nl": "Nederlands", "en": "English"}

bp = Blueprint("web_i18n", __name__)


def select_locale() -> str:
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return current_app.config["BASISBAAN_DEFAULT_LOCALE"]


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only local paths: never an absolute or protocol-relative URL (open redirect).

    Control characters are refused too: browsers drop tabs and newlines from URLs (so "/<tab>/evil.example"
    becomes "//evil.example"), and a newline cannot go into the Location header at all.
    """
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in target)):
        return target
    return fallback


@bp.get("/language/<code>")
def set_language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    Babel(app, locale_selector=select_locale)
    app.register_blueprint(bp)

    @app.context_processor
    def _languages():
        from flask_babel import get_locale

        return {"languages": LANGUAGES, "current_language": str(get_locale())}
