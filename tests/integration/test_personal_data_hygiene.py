"""Personal data stays out of logs, keys can rotate without breaking look-ups, and odd input is refused."""

from __future__ import annotations

import io
import logging
from datetime import date

from basisbaan.crypto import Secrets, generate_key
from basisbaan.extensions import db
from basisbaan.services import candidates as candidate_service
from basisbaan.services import intake
from basisbaan.services.audit import Actor
from basisbaan.services.tenants import get_by_slug
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth, make_app


def test_unhandled_errors_are_logged_without_their_message(database, registry, caplog):
    app = make_app(database, registry, PROPAGATE_EXCEPTIONS=False)  # as in production: a 500, not a raise

    @app.get("/boom")
    def boom():
        raise RuntimeError("jan.jansen@example.nl 111222333")

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "RuntimeError" in caplog.text and "/boom" in caplog.text
    assert "jan.jansen" not in caplog.text and "111222333" not in caplog.text


def test_database_errors_do_not_carry_statement_values(app):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
    with app.app_context():
        assert db.engine.hide_parameters is True


def test_rotating_encryption_keys_keeps_lookup_hashes_and_old_values_readable():
    old, new = generate_key(), generate_key()
    before = Secrets.from_config({"BASISBAAN_ENCRYPTION_KEYS": old, "SECRET_KEY": "x"})
    after = Secrets.from_config({"BASISBAAN_ENCRYPTION_KEYS": f"{new},{old}", "SECRET_KEY": "x"})
    assert after.keyed_hash("t:111222333") == before.keyed_hash("t:111222333")
    assert after.decrypt(before.encrypt("geheim")) == "geheim"
    other = Secrets.from_config({"BASISBAAN_ENCRYPTION_KEYS": new, "SECRET_KEY": "x"})
    assert other.keyed_hash("t:111222333") != before.keyed_hash("t:111222333")


def test_gender_null_is_a_validation_error_not_a_crash(client, make_tenant, make_token):
    coach = auth(make_token(make_tenant("groningen"), "coach"))
    made = client.post("/api/v1/t/groningen/candidates", headers=coach, json={
        "given_names": "Sam", "family_name": "Null", "referral_source": "self", "referral_date": "2024-01-02"})
    assert made.status_code == 201
    response = client.patch(f"/api/v1/t/groningen/candidates/{made.json['id']}", headers=coach,
                            json={"gender": None})
    assert response.status_code == 422 and "gender" in response.json["errors"]


def test_import_refuses_long_phone_numbers_bad_emails_and_huge_numbers_per_row(client, make_tenant, make_token):
    coach = auth(make_token(make_tenant("groningen"), "coach"))
    content = ("voornamen;achternaam;telefoon;e-mail;uren\n"
               f"Sam;Een;{'0' * 41};;32\n"
               "Kim;Twee;;geen-adres;32\n"
               "Eva;Drie;;;1e400\n").encode()
    response = client.post("/api/v1/t/groningen/candidates/import", headers=coach, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), "rows.csv"), "dry_run": "true"})
    assert response.status_code == 200, response.json
    problems = {p["row"]: set(p["errors"]) for p in response.json["problems"]}
    assert problems == {2: {"phone"}, 3: {"email"}, 4: {"available_hours"}}


def test_a_late_recorded_conversation_does_not_take_a_candidate_off_the_waiting_list(app, make_tenant, registry):
    make_tenant("tilburg", settings={"pilot_places": 0})
    with app.app_context():
        secrets = app.extensions["basisbaan.secrets"]
        tenant = get_by_slug(db.session, "tilburg")
        hooks = registry.for_tenant(tenant)
        actor, today = Actor.system("test"), date(2024, 6, 1)
        with tenant_scope(db.session, tenant.id):
            candidate = candidate_service.create(db.session, secrets, {
                "given_names": "Sam", "family_name": "Wacht", "referral_source": "self",
                "referral_date": date(2024, 1, 2), "social_assistance_since": date(2015, 1, 1)}, actor, today)
            intake.add_conversation(db.session, secrets, candidate, held_on=date(2024, 2, 1), coach_id=None,
                                    notes=None, actor=actor, today=today)
            intake.decide(db.session, hooks, candidate, intake.DecisionInput("started", date(2024, 3, 1)), actor,
                          today)
            assert candidate.status == "waiting_list"
            intake.add_conversation(db.session, secrets, candidate, held_on=date(2024, 2, 15), coach_id=None,
                                    notes="Vergeten gesprek", actor=actor, today=today)
            assert (candidate.status, candidate.status_since) == ("waiting_list", date(2024, 3, 1))
            intake.add_conversation(db.session, secrets, candidate, held_on=date(2024, 4, 1), coach_id=None,
                                    notes=None, actor=actor, today=today)
            assert candidate.status == "in_conversation"
        db.session.remove()
