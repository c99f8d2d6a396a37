"""Every page in both languages, checked with axe-core; keyboard use; demo sign-in; forms with errors."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from basisbaan.extensions import db
from basisbaan.models import ApiToken, User
from basisbaan.services.tenants import get_by_slug
from basisbaan.tenancy import tenant_scope
from tests.browser.conftest import run_axe
from tests.conftest import auth
from tests.employment_helpers import started_candidate
from tests.web.conftest import create_candidate
from tests.web.test_funding_pages import add_funding
from tests.web.test_participant_pages import add_employment

# GET pages that are not HTML pages to check (assets, redirects, the OpenID callback).
NOT_PAGES = {"web_candidates.export_candidates", "static", "web_assets.vendor", "web_tenant.theme", "web_i18n.set_language", "web_auth.login",
             "web_auth.callback", "api-docs.openapi_json", "api-docs.openapi_redoc", "health.healthz"}


def demo_sign_in(page, base: str, tenant: str = "Groningen", role: str = "admin") -> None:
    page.goto(f"{base}/demo-login")
    page.get_by_role("heading", name=tenant).wait_for()
    labels = {"admin": "Beheerder", "coach": "Coach", "viewer": "Meekijker"}
    page.locator("form", has=page.locator(f"input[name=tenant][value={tenant.lower()}]")) \
        .filter(has=page.locator(f"input[name=role][value={role}]")).get_by_role("button").click()
    page.wait_for_url(re.compile(rf"/t/{tenant.lower()}/$"))
    assert labels[role] in page.content() or role in page.content()


def ids(app, slug):
    with app.app_context():
        tenant = get_by_slug(db.session, slug)
        with tenant_scope(db.session, tenant.id):
            user = db.session.scalars(select(User.id)).first()
            token = db.session.scalars(select(ApiToken.id)).first()
        db.session.remove()
    return user, token


@pytest.fixture
def demo_tenants(app, make_tenant, make_token):
    refs = {slug: make_tenant(slug) for slug in ("groningen", "tilburg")}
    refs["candidate_id"] = create_candidate(app, refs["groningen"], family_name="Browsertest")
    # Employment for the participant pages: one participant with a contract and a sickness, and a
    # candidate decided to start who waits for the start of employment.
    client = app.test_client()
    coach, admin = make_token(refs["groningen"], "coach"), make_token(refs["groningen"], "admin")
    refs["employment"] = add_employment(client, "groningen", coach, admin, family_name="Werknemer")
    refs["waiting_id"] = started_candidate(client, auth(coach), "groningen", family_name="Wachtend")
    refs["funding"] = add_funding(client, "groningen", admin)
    return refs


def visit_and_check(page, url: str, lang: str, violations: dict) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 500, (url, response and response.status)
    assert page.locator("html").get_attribute("lang") == lang, url
    assert page.locator("h1").count() == 1, url
    found = run_axe(page)
    if found:
        violations[f"{lang} {url}"] = found


def test_every_page_passes_axe_in_both_languages(page, live_server, demo_tenants, app):
    base, served = live_server
    demo_sign_in(page, base)
    page.goto(f"{base}/t/groningen/admin/tokens")
    page.get_by_label("Naam").fill("Koppeling")
    page.get_by_role("button", name="Token aanmaken").click()
    assert "bb_groningen_" in page.locator("#new-token").inner_text()
    user_id, token_id = ids(app, "groningen")
    f = demo_tenants["funding"]
    tenant_pages = ["/", "/neighbourhoods", "/neighbourhoods/new", "/organisations", "/organisations/new",
                    "/admin/users", f"/admin/users/{user_id}", "/admin/sso", "/admin/tokens", "/admin/audit",
                    "/admin/cao-transition", "/funding", "/funding?kind=grant", "/funding/new",
                    f"/funding/{f['source_id']}", f"/funding/{f['source_id']}/edit", "/forecasts", "/forecasts/new",
                    f"/forecasts/{f['forecast_id']}",
                    f"/forecasts/compare?ids={f['forecast_id']}&ids={f['other_forecast_id']}", "/forecasts/compare",
                    "/costs", "/costs?group_by=month", "/budget"]
    urls = [f"{base}/", f"{base}/demo-login"] + [f"{base}/t/groningen{p}" for p in tenant_pages] + [
        f"{base}/t/groningen/no-such-page"]
    violations: dict = {}
    for lang in ("nl", "en"):
        page.goto(f"{base}/language/{lang}?next=/")
        for url in urls:
            visit_and_check(page, url, lang, violations)
    # Pages that need another state: signed out, and forms showing their error summary.
    for lang in ("nl", "en"):
        page.goto(f"{base}/language/{lang}?next=/t/groningen/neighbourhoods/new")
        page.locator("main form[method=post] button[type=submit]").click()
        assert page.locator("#error-summary").is_visible()
        assert page.locator("#error-summary a[href='#name']").count() == 1
        violations.update({f"{lang} new neighbourhood with errors": v for v in [run_axe(page)] if v})
        page.goto(f"{base}/t/groningen/admin/sso")
        page.locator("main form[method=post] button[type=submit]").click()
        assert page.locator("#error-summary").is_visible()
        violations.update({f"{lang} sso with errors": v for v in [run_axe(page)] if v})
        # The CAO transition: errors, then a preview with its table and the confirmation.
        page.goto(f"{base}/t/groningen/admin/cao-transition")
        page.locator("main button[value=preview]").click()
        page.locator("#error-summary").wait_for()
        violations.update({f"{lang} cao transition with errors": v for v in [run_axe(page)] if v})
        page.locator("#to_cao").select_option("cao_aan_de_slag")
        page.locator("#on").fill(date.today().isoformat())
        page.locator("main button[value=preview]").click()
        page.locator("#preview").wait_for()
        assert "Werknemer" in page.locator("main table").first.inner_text()
        violations.update({f"{lang} cao transition preview": v for v in [run_axe(page)] if v})
        page.locator("main button[value=apply]").click()  # without the confirmation: refused, named
        page.locator("#error-summary a[href='#confirm']").wait_for()
        violations.update({f"{lang} cao transition unconfirmed": v for v in [run_axe(page)] if v})
    page.get_by_role("button", name=re.compile("Sign out|Uitloggen")).click()
    page.wait_for_url(re.compile("/signed-out$"))
    violations.update({"signed out": v for v in [run_axe(page)] if v})

    # The coach's pages: candidates, one candidate (with the BSN revealed), forms with errors, import, funnel.
    demo_sign_in(page, base, role="coach")
    candidate = demo_tenants["candidate_id"]
    e = demo_tenants["employment"]
    person = f"/participants/{e['participant_id']}"
    coach_pages = ["/candidates", "/candidates/new", f"/candidates/{candidate}", f"/candidates/{candidate}/edit",
                   "/candidates/import", "/funnel", "/participants", "/participants?status=", "/participants/new",
                   f"/participants/new?candidate={demo_tenants['waiting_id']}",
                   f"/candidates/{demo_tenants['waiting_id']}",
                   person, f"{person}/contracts/new", f"{person}/contracts/{e['contract_id']}/change",
                   f"{person}/contracts/{e['contract_id']}/report", f"{person}/absences/new",
                   f"{person}/absences/{e['absence_id']}/edit", f"{person}/exit", "/worklist", "/worklist?scope=all",
                   "/tasks", "/tasks/new", f"/tasks/{e['task_id']}", f"/tasks/{e['task_id']}/edit",
                   f"/tasks/{e['task_id']}/check", f"/tasks/{e['task_id']}/matches",
                   f"/tasks/{e['task_id']}/matches?include_blocked=1", f"{person}/work", f"{person}/assignments/new",
                   f"{person}/assignments/{e['assignment_id']}/end", f"{person}/matches",
                   f"{person}/matches?include_blocked=1", f"{person}/work-profile", "/coaching", "/coaching/new",
                   f"{person}/wellbeing", f"{person}/wellbeing/new", f"{person}/support",
                   f"{person}/support/debt/new", f"{person}/support/debt/{e['debt_id']}/edit",
                   f"{person}/support/trainings/new", f"{person}/support/trainings/{e['training_id']}/edit",
                   f"{person}/costs", f"{person}/wage-values/new", "/costs?group_by=employer",
                   "/budget?from_year=2025&to_year=2023"]
    for lang in ("nl", "en"):
        page.goto(f"{base}/language/{lang}?next=/")
        for path in coach_pages:
            visit_and_check(page, f"{base}/t/groningen{path}", lang, violations)
        page.goto(f"{base}/t/groningen/candidates/{candidate}")
        page.locator("form[action$='/decision'] button[type=submit]").click()
        assert page.locator("#error-summary").count() >= 1
        violations.update({f"{lang} decision with errors": v for v in [run_axe(page)] if v})
        # Participant forms with errors: a start without a date, a renewal without its report, a step
        # dated in the future, a change of terms with too many hours.
        page.goto(f"{base}/t/groningen/participants/new?candidate={demo_tenants['waiting_id']}")
        page.locator("main form[method=post] button[type=submit]").click()
        page.locator("#error-summary").wait_for()
        assert page.locator("#error-summary a[href='#started_on']").count() == 1
        violations.update({f"{lang} start with errors": v for v in [run_axe(page)] if v})
        page.goto(f"{base}/t/groningen{person}/contracts/new")
        page.locator("main form[method=post] button[type=submit]").click()
        page.locator("#error-summary").wait_for()
        violations.update({f"{lang} contract with errors": v for v in [run_axe(page)] if v})
        page.goto(f"{base}/t/groningen{person}/contracts/{e['contract_id']}/change")
        page.locator("#valid_from").fill(date.today().isoformat())
        page.locator("#hours_per_week").fill("99")
        page.locator("main form[method=post] button[type=submit]").click()
        page.locator("#error-summary").wait_for()
        assert page.locator("#error-summary a[href='#hours_per_week']").count() == 1
        violations.update({f"{lang} change of terms with errors": v for v in [run_axe(page)] if v})
        page.goto(f"{base}/t/groningen{person}")
        step = page.locator("form.step-form").first
        step.locator("input[type=date]").fill((date.today() + timedelta(days=2)).isoformat())
        step.locator("button[type=submit]").click()
        page.locator("#error-summary").wait_for()
        violations.update({f"{lang} gatekeeper step with errors": v for v in [run_axe(page)] if v})
    page.goto(f"{base}/t/groningen/candidates/{candidate}")
    assert violations == {}

    # Every GET page of the web blueprints was visited above (new pages must join this test).
    visited = {"web_home.index", "web_platform_auth.demo_login", "web_tenant.dashboard",
               "web_reference.neighbourhoods", "web_reference.new_neighbourhood", "web_reference.organisations",
               "web_reference.new_organisation", "web_admin.users", "web_admin.user_detail", "web_admin.sso",
               "web_admin.tokens", "web_admin.audit", "web_auth.signed_out", "web_candidates.candidates",
               "web_candidates.new_candidate", "web_candidates.candidate", "web_candidates.edit_candidate",
               "web_candidates.import_candidates", "web_candidates.funnel", "web_participants.participants",
               "web_participants.start", "web_participants.participant", "web_participants.new_contract",
               "web_participants.change_terms", "web_participants.performance_report", "web_participants.new_absence",
               "web_participants.edit_absence", "web_participants.exit_participant", "web_participants.worklist",
               "web_cao_transition.cao_transition", "web_tasks.tasks", "web_tasks.new_task", "web_tasks.task",
               "web_tasks.edit_task", "web_tasks.displacement_check", "web_tasks.task_matches", "web_work.work",
               "web_work.new_assignment", "web_work.end_assignment", "web_work.matches", "web_work.work_profile",
               "web_support.coaching", "web_support.new_coaching", "web_support.wellbeing",
               "web_support.new_measurement", "web_support.support", "web_support.new_debt", "web_support.edit_debt",
               "web_support.new_training", "web_support.edit_training", "web_funding.funding_sources",
               "web_funding.new_funding_source", "web_funding.funding_source", "web_funding.edit_funding_source",
               "web_funding.forecasts", "web_funding.new_forecast", "web_funding.forecast",
               "web_funding.compare_forecasts", "web_finance.costs", "web_finance.budget",
               "web_finance.participant_costs", "web_finance.new_wage_value"}
    get_pages = {rule.endpoint for rule in served.url_map.iter_rules()
                 if "GET" in rule.methods and not rule.rule.startswith("/api/v1/t/")} - NOT_PAGES
    assert get_pages <= visited, f"pages without a browser check: {sorted(get_pages - visited)}"


def test_keyboard_skip_link_and_visible_focus(page, live_server, demo_tenants):
    base, _ = live_server
    demo_sign_in(page, base)
    page.goto(f"{base}/t/groningen/neighbourhoods")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused skip link has no visible outline"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # The search works from the keyboard alone.
    page.get_by_label(re.compile("Zoeken op naam|Search by name")).focus()
    page.keyboard.type("Beij")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=Beij"))


def test_form_errors_keep_the_input_and_name_the_fields(page, live_server, demo_tenants):
    base, _ = live_server
    demo_sign_in(page, base)
    page.goto(f"{base}/t/groningen/neighbourhoods/new")
    page.get_by_label("CBS-wijkcode").fill("WK12")
    page.get_by_role("button", name="Opslaan").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.locator("a[href='#name']").count() == 1
    assert summary.locator("a[href='#cbs_code']").count() == 1
    assert page.get_by_label("CBS-wijkcode").input_value() == "WK12"
    assert page.get_by_label("CBS-wijkcode").get_attribute("aria-invalid") == "true"
    page.get_by_label("Naam").fill("Selwerd-Noord")
    page.get_by_label("CBS-wijkcode").fill("WK001499")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile("/neighbourhoods$"))
    assert "Selwerd-Noord" in page.content()


def test_pages_work_without_javascript(browser, live_server, demo_tenants):
    base, _ = live_server
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        demo_sign_in(page, base, role="admin")
        page.goto(f"{base}/t/groningen/organisations/new")
        page.get_by_label("Naam").fill("Buurthuis De Linde")
        page.get_by_label("Werkbiedende partij").check()
        page.get_by_role("button", name="Opslaan").click()
        page.wait_for_url(re.compile("/organisations$"))
        assert "Buurthuis De Linde" in page.content()
    finally:
        context.close()


def test_employment_forms_work_without_javascript(browser, live_server, demo_tenants):
    """Starting employment and marking a Gatekeeper step done, with plain HTML forms only."""
    base, _ = live_server
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        demo_sign_in(page, base, role="coach")
        page.goto(f"{base}/t/groningen/candidates/{demo_tenants['waiting_id']}")
        page.locator("#start-employment-link").click()
        page.wait_for_url(re.compile(r"/participants/new\?candidate="))
        page.locator("#started_on").fill((date.today() - timedelta(days=3)).isoformat())
        page.locator("main form[method=post] button[type=submit]").click()
        page.wait_for_url(re.compile(r"/participants/[0-9a-f-]{36}$"))
        assert "Wachtend" in page.locator("h1").inner_text()
        e = demo_tenants["employment"]
        page.goto(f"{base}/t/groningen/participants/{e['participant_id']}")
        step = page.locator("form.step-form", has=page.locator("input[name=step][value=problem_analysis]"))
        step.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r"#absences$"))
        assert page.locator("form.step-form input[name=step][value=problem_analysis]").count() == 0
    finally:
        context.close()


def test_each_municipality_has_its_own_theme(page, live_server, demo_tenants):
    base, _ = live_server
    colours = {}
    for tenant in ("Groningen", "Tilburg"):
        demo_sign_in(page, base, tenant=tenant, role="viewer")
        colours[tenant] = page.evaluate(
            "getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        assert tenant in page.locator(".site-header__home").inner_text()
        page.get_by_role("button", name="Uitloggen").click()
        page.wait_for_url(re.compile("/signed-out$"))
    assert colours["Groningen"] != colours["Tilburg"]


def test_the_axe_check_finds_violations(page, live_server):
    """Control: the same check reports a page with an unlabelled field and an image without text."""
    base, _ = live_server
    page.goto(f"{base}/")
    page.set_content('<html lang="nl"><head><title>x</title></head><body><main><h1>x</h1>'
                     '<img src="/static/app.css"><input type="text"></main></body></html>')
    found = {v["id"] for v in run_axe(page)}
    assert {"image-alt", "label"} <= found
