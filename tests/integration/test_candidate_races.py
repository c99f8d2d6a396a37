"""Two coaches registering the same BSN at the same moment: the database decides, the loser gets a 409."""

from datetime import date

import pytest

from basisbaan.errors import Conflict
from basisbaan.extensions import db
from basisbaan.services import candidates as candidate_service
from basisbaan.services.audit import Actor
from basisbaan.services.tenants import get_by_slug
from basisbaan.tenancy import tenant_scope

DATA = {"given_names": "Sam", "family_name": "Gelijktijdig", "bsn": "111222333", "referral_source": "self",
        "referral_date": date(2024, 1, 2)}


def test_a_concurrent_duplicate_bsn_is_a_conflict_not_a_server_error(app, make_tenant, monkeypatch):
    make_tenant("groningen")
    with app.app_context():
        secrets = app.extensions["basisbaan.secrets"]
        tenant = get_by_slug(db.session, "groningen")
        with tenant_scope(db.session, tenant.id):
            candidate_service.create(db.session, secrets, DATA, Actor.system("first"), date(2024, 2, 1))
        db.session.commit()
        # The second request checked before the first one committed: its check found no duplicate.
        original = candidate_service._check
        monkeypatch.setattr(candidate_service, "_check", lambda session, secrets, data, today, person=None: {
            key: value for key, value in original(session, secrets, {**data, "bsn": None}, today).items()} | {
            "bsn_hash": candidate_service.bsn_digest(session, secrets, "111222333"), "bsn_last3": "333",
            "bsn_encrypted": secrets.encrypt("111222333")})
        with tenant_scope(db.session, tenant.id):
            with pytest.raises(Conflict) as raised:
                candidate_service.create(db.session, secrets, DATA, Actor.system("second"), date(2024, 2, 1))
        assert "bsn" in raised.value.errors
        db.session.rollback()
        with tenant_scope(db.session, tenant.id):
            assert len(db.session.scalars(candidate_service.list_query()).all()) == 1
        db.session.remove()
