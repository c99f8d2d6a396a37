"""Front-end assets from npm (installed by `make`, not committed) and each municipality's theme."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, render_template, send_file

# name -> path inside node_modules. Only these files are served.
VENDOR_FILES = {
    "utrecht-components.css": "@utrecht/component-library-css/dist/index.css",
    "utrecht-tokens.css": "@utrecht/design-tokens/dist/theme.css",
    "redoc.standalone.js": "redoc/bundles/redoc.standalone.js",
}

bp = Blueprint("web_assets", __name__)


@bp.get("/static/vendor/<name>")
def vendor(name: str):
    relative = VENDOR_FILES.get(name)
    if relative is None:
        abort(404)
    path = Path(current_app.config["BASISBAAN_NODE_MODULES"]) / relative
    if not path.is_file():
        current_app.logger.warning("front-end asset %s missing: run `make install` (npm ci)", name)
        abort(404)
    return send_file(path, max_age=3600)


def theme_css(colour: str) -> str:
    return render_template("web/theme.css", colour=colour)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
