"""The full browser sign-in through a real OpenID provider (panva's oidc-provider), and sign-out."""

from __future__ import annotations

import re

import pytest

from basisbaan.extensions import db
from basisbaan.services import sso as sso_service
from basisbaan.services.audit import Actor
from basisbaan.services.tenants import get_by_slug
from basisbaan.tenancy import tenant_scope
from tests.browser.conftest import run_axe


@pytest.fixture
def groningen_sso(app, make_tenant, oidc):
    make_tenant("groningen")
    with app.app_context():
        tenant = get_by_slug(db.session, "groningen")
        with tenant_scope(db.session, tenant.id):
            sso_service.configure(db.session, tenant, app.extensions["basisbaan.secrets"], sso_service.SsoSettings(
                issuer=oidc.issuer, client_id="basisbaan-groningen", client_secret="groningen-secret",
                scopes="openid profile email groups", role_claim="groups",
                role_map={"admin": ["basisbaan-admin"], "coach": ["basisbaan-coach"]}), Actor.system("test"))
        db.session.commit()
        db.session.remove()


def provider_login(page, login: str) -> None:
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("test")
    page.locator("button[type=submit]").first.click()
    consent = page.locator("form button[type=submit]", has_text=re.compile("Continue|Authorize", re.I))
    page.wait_for_load_state()
    if "/interaction/" in page.url and consent.count():
        consent.first.click()


def test_sign_in_role_mapping_and_sign_out_in_the_browser(page, live_server, groningen_sso, oidc):
    base, _ = live_server
    page.goto(f"{base}/t/groningen/admin/users")
    assert page.url.startswith(oidc.issuer)  # sent to the municipality's own provider
    provider_login(page, "anna")
    page.wait_for_url(f"{base}/t/groningen/admin/users")
    assert "Anna de Vries" in page.content()
    # Mapped roles: admin and coach, shown on the users page.
    row = page.locator("tr", has_text="Anna de Vries")
    assert "Beheerder" in row.inner_text() and "Coach" in row.inner_text()
    assert run_axe(page) == []
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    if page.url.startswith(oidc.issuer):  # the provider asks to confirm the sign-out
        page.locator("button[name=logout], button[value=yes], button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/t/groningen/signed-out"))
    page.goto(f"{base}/t/groningen/")
    assert page.url.startswith(oidc.issuer)  # signed out here and at the provider: asked to sign in again


def test_a_person_without_a_role_sees_a_clear_page(page, live_server, groningen_sso):
    base, _ = live_server
    page.goto(f"{base}/t/groningen/login")
    provider_login(page, "piet")
    page.wait_for_url(re.compile(r"/t/groningen/auth/callback"))
    assert page.locator("h1").inner_text() == "Geen toegang"
    assert run_axe(page) == []
