"""`basisbaan demo` reproduces the published intake figures, computed from the records it creates."""

from __future__ import annotations

import pytest
from flask.cli import ScriptInfo

from basisbaan.cli import main
from basisbaan.services.tenants import get_by_slug
from tests.conftest import TenantRef, auth


@pytest.fixture
def demo(app, make_token):
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["demo"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    from basisbaan.extensions import db

    with app.app_context():
        refs = {slug: TenantRef(t.id, t.slug, t.plugin)
                for slug in ("groningen", "tilburg", "amersfoort") for t in [get_by_slug(db.session, slug)]}
        db.session.remove()
    return {slug: make_token(ref, "coach") for slug, ref in refs.items()}, runner


def funnel(client, token, slug, start, end):
    response = client.get(f"/api/v1/t/{slug}/funnel?from={start}&to={end}", headers=auth(token))
    assert response.status_code == 200, response.json
    return response.json


def test_groningen_funnel_as_published_on_2023_03_01(client, demo):
    tokens, _ = demo
    counts = funnel(client, tokens["groningen"], "groningen", "2020-01-01", "2023-03-01")
    assert counts["spoken"] == 151
    assert counts["not_started"] == 100
    assert counts["not_started_by_reason"] == {"cannot": 20, "will_not": 40, "may_not": 40}
    assert counts["started"] == 50
    assert counts["conversion_rate"] == pytest.approx(0.33, abs=0.005)


def test_tilburg_fills_five_places_and_keeps_a_waiting_list(client, demo):
    tokens, _ = demo
    counts = funnel(client, tokens["tilburg"], "tilburg", "2023-01-01", "2024-01-01")
    assert counts["started"] == 5
    assert counts["waiting_list"] == 3


def test_amersfoort_has_a_pool_and_no_starters(client, demo):
    tokens, _ = demo
    counts = funnel(client, tokens["amersfoort"], "amersfoort", "2024-01-01", "2026-01-01")
    assert counts["referred"] == 20 and counts["spoken"] == 8 and counts["started"] == 0


def test_the_figures_follow_the_records_and_a_second_run_adds_nothing(app, client, demo):
    tokens, runner = demo
    coach = auth(tokens["groningen"])
    again = runner.invoke(main, ["demo"], obj=ScriptInfo(create_app=lambda: app))
    assert "0 new candidates" in again.output
    listed = client.get("/api/v1/t/groningen/candidates?status=in_conversation&page_size=1", headers=coach)
    assert listed.status_code == 200
    # One more candidate spoken and decided: the funnel moves (no figure is hard-coded).
    made = client.post("/api/v1/t/groningen/candidates", headers=coach, json={
        "given_names": "Extra", "family_name": "Kandidaat", "referral_source": "self", "referral_date": "2022-05-01"})
    cid = made.json["id"]
    assert client.post(f"/api/v1/t/groningen/candidates/{cid}/conversations", headers=coach,
                       json={"held_on": "2022-05-10"}).status_code == 201
    assert client.post(f"/api/v1/t/groningen/candidates/{cid}/decision", headers=coach, json={
        "outcome": "not_started", "reason_category": "cannot", "decided_on": "2022-05-20"}).status_code == 201
    counts = funnel(client, tokens["groningen"], "groningen", "2020-01-01", "2023-03-01")
    assert counts["spoken"] == 152 and counts["not_started_by_reason"]["cannot"] == 21
