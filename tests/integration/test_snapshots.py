"""A report frozen as sent: the stored HTML and figures stay as they were; the hash of the data says whether
today's records would give another report."""

from __future__ import annotations

from tests.conftest import auth
from tests.employment_helpers import api, employer, start, started_candidate


def test_a_snapshot_keeps_what_was_sent_and_says_when_the_data_changed(client, make_tenant, make_token, owner_engine):
    tenant = make_tenant("groningen")
    coach, admin, finance = (auth(make_token(tenant, role)) for role in ("coach", "admin", "finance"))
    employer_id = employer(client, admin, "groningen", "Thermiek BV")
    start(client, coach, "groningen", started_candidate(client, coach, "groningen"), employer_id,
          started_on="2023-01-01", end_on="2023-12-31")
    made = client.post(api("groningen", "/report-snapshots"), headers=finance,
                       json={"format": "kpi-overview", "as_of": "2023-06-01", "from": "2023-01-01", "to": "2023-06-02"})
    assert made.status_code == 201, made.json
    snapshot = made.json
    assert len(snapshot["data_hash"]) == 64 and snapshot["created_by"] and snapshot["definition_version"] == "1"
    opened = client.get(api("groningen", f"/report-snapshots/{snapshot['id']}"), headers=finance).json
    assert opened["data_changed"] is False and opened["figures"]["participants_active"] == 1
    assert "Groningen" in opened["html"] and opened["html"].lstrip().lower().startswith("<!doctype html")
    # The same report again gives the same hash (deterministic); a new participant changes the data.
    again = client.post(api("groningen", "/report-snapshots"), headers=finance,
                        json={"format": "kpi-overview", "as_of": "2023-06-01", "from": "2023-01-01", "to": "2023-06-02"})
    assert again.json["data_hash"] == snapshot["data_hash"]
    start(client, coach, "groningen", started_candidate(client, coach, "groningen"), employer_id,
          started_on="2023-02-01", end_on="2023-12-31")
    later = client.get(api("groningen", f"/report-snapshots/{snapshot['id']}"), headers=finance).json
    assert later["data_changed"] is True
    assert later["html"] == opened["html"] and later["figures"]["participants_active"] == 1
    listed = client.get(api("groningen", "/report-snapshots"), headers=auth(make_token(tenant, "viewer"))).json
    assert {s["id"] for s in listed} == {snapshot["id"], again.json["id"]}
    # Bad input names the field; nothing is stored.
    for body, field in (({"format": "no-such-format", "as_of": "2023-06-01"}, "format"),
                        ({"format": "data-export", "as_of": "2023-06-01"}, "format"),
                        ({"format": "kpi-overview", "as_of": "2019-01-01"}, "as_of"),
                        ({"format": "kpi-overview", "as_of": "2023-06-01", "lang": "de"}, "lang")):
        refused = client.post(api("groningen", "/report-snapshots"), headers=finance, json=body)
        assert refused.status_code in (404, 422) and field in refused.json["errors"], (body, refused.json)
    assert len(client.get(api("groningen", "/report-snapshots"), headers=finance).json) == 2
    with owner_engine.connect() as conn:  # closed at once: an open one would hold its lock past the test
        audit = conn.exec_driver_sql("SELECT count(*) FROM audit_events WHERE action = 'report.frozen'").scalar()
    assert audit == 2
