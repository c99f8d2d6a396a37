"""Dutch first, English on request: every page a signed-in admin can see, in both languages.

The Dutch texts are read from the compiled catalogue (platform/basisbaan/translations; `make install`
compiles it, or `.venv/bin/pybabel compile -d platform/basisbaan/translations`).
"""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from tests.web.conftest import (TRANSLATIONS_DIR, assert_site_page, declared_permission, dutch, html_of,
                                is_public, page_routes, sign_in, start_session, url_for_rule)
from basisbaan.auth.permissions import allowed
from tests.web.test_participant_pages import with_employment

# Header texts on every page: (Dutch, English).
PRODUCT = ("Basisbanen", "Basic jobs")
SIGN_OUT = ("Uitloggen", "Sign out")
SWITCH_TO = ("English", "Nederlands")  # the link to the other language


def admin_html_pages(app, owner_engine, tenant):
    """URL of every GET page a signed-in admin may open and that answers with an HTML page."""
    urls = []
    for rule, method, view in page_routes(app):
        if method != "GET" or rule.endpoint in {"web_tenant.theme", "web_auth.login", "web_auth.callback"}:
            continue  # a stylesheet; the sign-in redirects a signed-in admin; the callback needs a provider
        if is_public(view) or allowed({"admin"}, declared_permission(view)):
            urls.append(url_for_rule(owner_engine, rule, tenant))
    return urls


@pytest.fixture
def world(world, app, make_token):
    """The shared world with a participant per municipality, so the participant pages have real ids."""
    return with_employment(app, world, make_token)


def role_html_pages(app, owner_engine, tenant, role: str):
    """URL of every protected GET page `role` may open that answers with an HTML page (not a download)."""
    return [url_for_rule(owner_engine, rule, tenant) for rule, method, view in page_routes(app)
            if method == "GET" and not is_public(view) and allowed({role}, declared_permission(view))
            and rule.endpoint != "web_candidates.export_candidates"]


def check_language(doc, lang: str):
    index = 0 if lang == "nl" else 1
    assert doc.find("html").get("lang") == lang
    header = doc.find("header", class_="site-header")
    assert header.find(class_="site-header__product").text == PRODUCT[index]
    assert header.find("button").text == SIGN_OUT[index]
    switch = header.find("a", hreflang="en" if lang == "nl" else "nl")
    assert switch is not None and switch.text == SWITCH_TO[index]
    assert switch.get("lang") == switch.get("hreflang")  # the language name is read in its own language
    assert doc.find("a", class_="skip-link").text == (dutch("Skip to content") if lang == "nl" else "Skip to content")


def test_every_admin_page_is_dutch_by_default_and_english_after_choosing_it(app, client, owner_engine, world):
    groningen = world.tenants["groningen"]
    sign_in(app, client, groningen, "admin")
    urls = admin_html_pages(app, owner_engine, groningen)
    assert len(urls) >= 10
    texts = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        doc = assert_site_page(response)
        check_language(doc, "nl")
        texts[url] = doc.find("main").text

    response = client.get("/language/en?next=/t/groningen/neighbourhoods")
    assert response.status_code == 302 and response.headers["Location"] == "/t/groningen/neighbourhoods"
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        doc = assert_site_page(response)
        check_language(doc, "en")
        # The page's own content is translated too, not only the layout around it.
        assert doc.find("main").text != texts[url], url

    # And back to Dutch.
    client.get("/language/nl")
    check_language(html_of(client.get("/t/groningen/")), "nl")


@pytest.mark.parametrize("role", ["coach", "jobcoach"])
def test_every_page_of_a_coach_is_dutch_by_default_and_english_after_choosing_it(app, client, owner_engine, world,
                                                                                   role):
    """The candidate and participant pages (the job coach's of their own organisation's participant)."""
    groningen = world.tenants["groningen"]
    start_session(client, groningen, world.users[("groningen", role)])
    urls = role_html_pages(app, owner_engine, groningen, role)
    assert any("/participants/" in url for url in urls) and any(url.endswith("/worklist") for url in urls)
    texts = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        doc = assert_site_page(response)
        check_language(doc, "nl")
        texts[url] = doc.find("main").text
    client.get("/language/en")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        doc = assert_site_page(response)
        check_language(doc, "en")
        assert doc.find("main").text != texts[url], url
    client.get("/language/nl")


def test_participant_labels_follow_the_language(app, client, world):
    """Statuses, contract kinds, CAO names and Gatekeeper steps are labels in the reader's language, never codes."""
    groningen = world.tenants["groningen"]
    start_session(client, groningen, world.users[("groningen", "coach")])
    for lang, expected in (("nl", [dutch("Employed"), dutch("Temporary"), dutch("Problem analysis"),
                                   dutch("Sickness report to UWV (week 42)")]),
                           ("en", ["Employed", "Temporary", "Problem analysis", "Sickness report to UWV (week 42)"])):
        client.get(f"/language/{lang}")
        listed = html_of(client.get("/t/groningen/participants")).find("tbody").text
        assert expected[0] in listed and expected[1] in listed and "CAO SW" in listed, lang
        assert "temporary" not in listed and "active" not in listed
        link = html_of(client.get("/t/groningen/participants")).find("tbody").find("a").get("href")
        page = html_of(client.get(link)).find("main").text
        assert expected[2] in page and expected[3] in page and "problem_analysis" not in page, lang
    client.get("/language/nl")


def test_known_texts_in_both_languages(app, client, world):
    sign_in(app, client, world.tenants["groningen"], "admin")
    dutch_page = client.get("/t/groningen/neighbourhoods").get_data(as_text=True)
    assert "Basisbanen" in dutch_page and "Uitloggen" in dutch_page
    assert dutch("Neighbourhoods") in dutch_page and dutch("Neighbourhoods") != "Neighbourhoods"
    client.get("/language/en")
    english_page = client.get("/t/groningen/neighbourhoods").get_data(as_text=True)
    assert "Basic jobs" in english_page and "Sign out" in english_page and "Neighbourhoods" in english_page
    assert "Basisbanen" not in english_page and "Uitloggen" not in english_page


def test_error_pages_and_the_public_front_page_follow_the_language_choice(app, client, world):
    response = client.get("/t/groningen/nothing-here")
    assert response.status_code == 404
    doc = html_of(response)
    assert doc.find("html").get("lang") == "nl" and doc.find("h1").text == dutch("Page not found")
    assert html_of(client.get("/")).find("html").get("lang") == "nl"
    client.get("/language/en")
    doc = html_of(client.get("/t/groningen/nothing-here"))
    assert doc.find("html").get("lang") == "en" and doc.find("h1").text == "Page not found"
    assert html_of(client.get("/")).find("html").get("lang") == "en"


def test_the_language_choice_survives_signing_in_and_out(app, client, world):
    client.get("/language/en")
    sign_in(app, client, world.tenants["groningen"], "admin")  # keeps the choice, as _start_session does
    assert html_of(client.get("/t/groningen/")).find("html").get("lang") == "en"
    token = html_of(client.get("/t/groningen/")).find("input", name="csrf_token").get("value")
    response = client.post("/t/groningen/logout", data={"csrf_token": token})
    assert response.status_code == 302
    doc = html_of(client.get("/t/groningen/signed-out"))
    assert doc.find("html").get("lang") == "en"


def test_an_unknown_language_changes_nothing(client, app, world):
    response = client.get("/language/fr?next=/t/groningen/login")
    assert response.status_code == 302 and response.headers["Location"] == "/t/groningen/login"
    assert html_of(client.get("/")).find("html").get("lang") == "nl"
    with client.session_transaction() as flask_session:
        assert "lang" not in flask_session


def test_the_language_link_returns_to_the_same_page_with_its_query(app, client, world):
    sign_in(app, client, world.tenants["groningen"], "admin")
    doc = html_of(client.get("/t/groningen/neighbourhoods?q=Beij&page=1"))
    link = doc.find("a", hreflang="en").get("href")
    response = client.get(link)
    assert response.headers["Location"] == "/t/groningen/neighbourhoods?q=Beij&page=1"


@pytest.mark.parametrize("target", [
    "//evil.example", "https://evil.example", "http://evil.example/t/groningen/", "/\\evil.example",
    "\\\\evil.example", "javascript:alert(1)", "/%09/evil.example", "/%0a/evil.example", "/%0d/evil.example",
    "%2F%2Fevil.example", " //evil.example", "evil.example", "",
])
def test_the_language_switch_only_redirects_to_local_paths(app, client, target):
    response = client.get(f"/language/en?next={target}")
    assert response.status_code == 302, target
    location = response.headers["Location"]
    assert location == "/", (target, location)


def test_the_language_switch_keeps_local_paths(app, client):
    for target in ("/", "/t/groningen/", "/t/groningen/neighbourhoods?q=a%20b&page=2"):
        from urllib.parse import quote

        response = client.get("/language/en?next=" + quote(target, safe=""))
        assert response.headers["Location"] == target


def test_the_dutch_catalogue_is_complete():
    """Every text in the Dutch catalogue is translated, and none is marked fuzzy (a guess)."""
    with open(TRANSLATIONS_DIR / "nl" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    messages = [m for m in catalogue if m.id]
    assert len(messages) > 100
    untranslated = [m.id for m in messages if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not untranslated and not fuzzy, (untranslated, fuzzy)


def test_every_text_in_the_source_is_in_the_dutch_catalogue(tmp_path):
    """Texts added to templates or code since the last `make translations` would show up in English."""
    import subprocess
    import sys

    from basisbaan.config import SOURCE_ROOT

    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "-k", "N_", "-o", str(pot), "."], cwd=SOURCE_ROOT, check=True,
                   capture_output=True)
    with open(pot, "rb") as handle:
        in_source = {m.id for m in read_po(handle) if m.id}
    with open(TRANSLATIONS_DIR / "nl" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        in_catalogue = {m.id for m in read_po(handle) if m.id}
    assert len(in_source) > 100
    assert not in_source - in_catalogue, "run `make translations` and translate the new texts"
