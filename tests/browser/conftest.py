"""Browser tests: Playwright driving Debian's Chromium against the app served on 127.0.0.1.

Chromium comes from apt (`make test` installs it: scripts/ensure-chromium.sh). Without it these tests are
skipped locally, with the reason; with CI=true they fail instead. A failing test leaves a screenshot in
test-output/screenshots/.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app
from tests.oidc.harness import NodeProvider, free_port

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required for the browser tests in CI (scripts/ensure-chromium.sh)")
        pytest.skip("Chromium is not installed; `make test` installs it when run as root (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_port():
    return free_port()


@pytest.fixture(scope="session")
def oidc(live_port):
    base = f"http://127.0.0.1:{live_port}"
    clients = [{"client_id": "basisbaan-groningen", "client_secret": "groningen-secret",
                "redirect_uris": [f"{base}/t/groningen/auth/callback"],
                "post_logout_redirect_uris": [f"{base}/t/groningen/signed-out"]}]
    accounts = {"anna": {"name": "Anna de Vries", "email": "anna@example.nl",
                         "groups": ["basisbaan-admin", "basisbaan-coach"]},
                "piet": {"name": "Piet Zonder Rol", "email": "piet@example.nl", "groups": []}}
    with NodeProvider(clients, accounts) as provider:
        yield provider


@pytest.fixture(scope="session")
def live_server(app, database, registry, live_port):
    """The platform with demo sign-in, on a real port, sharing the test database (migrated by `app`)."""
    served = make_app(database, registry, BASISBAAN_DEMO_LOGIN=True, SERVER_NAME=None)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log in the test output
    server = make_server("127.0.0.1", live_port, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{live_port}", served
    server.shutdown()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(browser, request, live_server):
    context = browser.new_context(bypass_csp=False, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def run_axe(page) -> list[dict]:
    """Serious and critical axe-core violations on the current page (WCAG 2.1 A and AA rules)."""
    # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) stays in force.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]
