"""Wall 2: PostgreSQL row-level security, roles and grants, tested with raw SQL (no ORM scoping involved).

The app's engine connects as `basisbaan_test_app` (not the owner, not superuser, NOBYPASSRLS). Setup data is
written through `owner_engine`, the superuser that owns the tables and bypasses RLS. The checks that read
the catalogue (pg_class, pg_policies, privileges) cover every table that exists, so a future migration that
forgets enable_tenant_rls() or grant_app() fails here.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from basisbaan.extensions import db
from basisbaan.models import (Absence, ApiToken, Assignment, Candidate, CandidateDecision, CandidateStatusChange,
                              CoachingSession, Contract, ContractVersion, DebtSupport, DisplacementCheck,
                              GatekeeperStep, IntakeConversation, Training, WellbeingMeasurement, WorkProfile,
                              Forecast, FundingAllocation, FundingSource, WageValueAssessment, ReportSnapshot,
                              AuditEvent, Base, Neighbourhood, Organisation, Participant, PerformanceReport, Person,
                              SsoProvider, Task, TenantOwned, User, UserRole)
from basisbaan.tenancy import RLS_SETTING, set_tenant

from tests.conftest import APP_ROLE

pytestmark = pytest.mark.postgres_only

TENANT_TABLES_IN_MODEL = sorted(
    {m.local_table.name for m in Base.registry.mappers if issubclass(m.class_, TenantOwned)})
# Tables the app only appends to.
APPEND_ONLY = {"audit_events"}
# Tables that belong to the migration tool, not the app.
NOT_FOR_APP = {"alembic_version"}


def _seed(conn, tenant_id: uuid.UUID, tag: str) -> None:
    """One row of each tenant-owned table for `tenant_id`, written as the owner."""
    hood, user, organisation = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    conn.execute(Neighbourhood.__table__.insert(), {"id": hood, "tenant_id": tenant_id, "name": f"Centrum {tag}"})
    conn.execute(Organisation.__table__.insert(),
                 {"id": organisation, "tenant_id": tenant_id, "name": f"Werkbedrijf {tag}", "neighbourhood_id": hood,
                  "is_employer": True})
    conn.execute(Person.__table__.insert(), [
        {"tenant_id": tenant_id, "given_names": "Sam", "family_name": f"Jansen {tag}", "neighbourhood_id": hood},
        {"tenant_id": tenant_id, "given_names": "Kim", "family_name": f"Bakker {tag}", "neighbourhood_id": None},
    ])
    conn.execute(User.__table__.insert(), {"id": user, "tenant_id": tenant_id, "issuer": "https://idp",
                                           "subject": "s-1", "display_name": "Coach"})
    conn.execute(UserRole.__table__.insert(), {"tenant_id": tenant_id, "user_id": user, "role": "admin"})
    conn.execute(ApiToken.__table__.insert(), {
        "tenant_id": tenant_id, "name": "t", "role": "viewer", "secret_hash": "0" * 64,
        "expires_at": datetime.now(timezone.utc) + timedelta(days=1)})
    conn.execute(AuditEvent.__table__.insert(), {"tenant_id": tenant_id, "actor_type": "system", "action": "seed"})
    conn.execute(SsoProvider.__table__.insert(), {"tenant_id": tenant_id, "issuer": f"https://idp/{tag}",
                                                  "client_id": "c", "client_secret_encrypted": "x"})
    candidate = uuid.uuid4()
    person = conn.execute(select(Person.__table__.c.id).where(Person.__table__.c.tenant_id == tenant_id)
                          .order_by(Person.__table__.c.family_name).limit(1)).scalar_one()
    conn.execute(Candidate.__table__.insert(), {
        "id": candidate, "tenant_id": tenant_id, "person_id": person, "status": "started",
        "status_since": date(2023, 1, 3), "referral_source": "self", "referral_date": date(2023, 1, 1)})
    conn.execute(CandidateStatusChange.__table__.insert(), {"tenant_id": tenant_id, "candidate_id": candidate,
                                                            "status": "referred", "changed_on": date(2023, 1, 1)})
    conn.execute(IntakeConversation.__table__.insert(), {"tenant_id": tenant_id, "candidate_id": candidate,
                                                         "held_on": date(2023, 1, 2)})
    conn.execute(CandidateDecision.__table__.insert(), {
        "tenant_id": tenant_id, "candidate_id": candidate, "decided_on": date(2023, 1, 3), "outcome": "started",
        "resulting_status": "started", "eligibility": "pass"})
    participant, contract, absence = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    conn.execute(Participant.__table__.insert(), {
        "id": participant, "tenant_id": tenant_id, "person_id": person, "candidate_id": candidate,
        "started_on": date(2023, 2, 1)})
    conn.execute(Contract.__table__.insert(), {
        "id": contract, "tenant_id": tenant_id, "participant_id": participant, "employer_id": organisation,
        "kind": "temporary", "start_on": date(2023, 2, 1), "end_on": date(2024, 1, 31)})
    conn.execute(ContractVersion.__table__.insert(), {
        "tenant_id": tenant_id, "contract_id": contract, "valid_from": date(2023, 2, 1),
        "hours_per_week": Decimal("32"), "cao": "cao_sw", "reason": "start"})
    conn.execute(PerformanceReport.__table__.insert(), {
        "tenant_id": tenant_id, "contract_id": contract, "written_on": date(2023, 12, 1), "author": f"Coach {tag}",
        "advice": "renew"})
    conn.execute(Absence.__table__.insert(), {
        "id": absence, "tenant_id": tenant_id, "participant_id": participant, "start_on": date(2023, 3, 1),
        "end_on": date(2023, 3, 3), "percentage": Decimal("100")})
    conn.execute(GatekeeperStep.__table__.insert(), {
        "tenant_id": tenant_id, "absence_id": absence, "step": "problem_analysis", "done_on": date(2023, 3, 2)})
    task = uuid.uuid4()
    conn.execute(Task.__table__.insert(), {
        "id": task, "tenant_id": tenant_id, "title": f"Zwerfafval {tag}", "category": "litter",
        "neighbourhood_id": hood, "hours_per_week": Decimal("8"), "days": [], "places": 1,
        "physical_demand": "light", "demands": [], "source": "area_team", "status": "active", "version": 1})
    conn.execute(DisplacementCheck.__table__.insert(), {
        "tenant_id": tenant_id, "task_id": task, "checked_on": date(2023, 1, 20), "done_by_paid_staff": False,
        "host_would_hire": False, "done_by_volunteers": False, "is_additional": True, "verdict": "approved",
        "reasons": f"Extra werk {tag}"})
    conn.execute(Assignment.__table__.insert(), {
        "tenant_id": tenant_id, "participant_id": participant, "task_id": task, "hours_per_week": Decimal("8"),
        "days": ["mon"], "start_on": date(2023, 2, 1)})
    conn.execute(CoachingSession.__table__.insert(), {
        "tenant_id": tenant_id, "participant_id": participant, "held_on": date(2023, 2, 6), "kind": "work",
        "hours": Decimal("1.5"), "coach_id": user, "organisation_id": organisation, "coach_label": f"Coach {tag}",
        "created_at": datetime.now(timezone.utc)})
    conn.execute(DebtSupport.__table__.insert(), {
        "tenant_id": tenant_id, "participant_id": participant, "kind": "credit_bank", "referred_on": date(2023, 2, 10),
        "status": "referred", "version": 1})
    conn.execute(Training.__table__.insert(), {
        "tenant_id": tenant_id, "participant_id": participant, "kind": "first_aid", "name": f"BHV {tag}",
        "started_on": date(2023, 3, 1), "version": 1})
    conn.execute(WorkProfile.__table__.insert(), {
        "tenant_id": tenant_id, "person_id": person, "preferred_categories": ["litter"], "available_days": ["mon"],
        "version": 1, "created_at": datetime.now(timezone.utc)})
    conn.execute(WellbeingMeasurement.__table__.insert(), {
        "tenant_id": tenant_id, "participant_id": participant, "measured_on": date(2023, 2, 15),
        "instrument": "zrm2017", "scores_encrypted": f"not-really-encrypted {tag}",
        "created_at": datetime.now(timezone.utc)})
    now = datetime.now(timezone.utc)
    conn.execute(WageValueAssessment.__table__.insert(), {
        "tenant_id": tenant_id, "participant_id": participant, "assessed_on": date(2023, 3, 1),
        "wage_value_percent": Decimal("45"), "assessor": f"UWV {tag}", "created_at": now})
    source = uuid.uuid4()
    conn.execute(FundingSource.__table__.insert(), {
        "id": source, "tenant_id": tenant_id, "name": f"NPG {tag}", "kind": "grant", "amount": Decimal("200000"),
        "start_on": date(2023, 10, 1), "version": 1, "created_at": now})
    conn.execute(FundingAllocation.__table__.insert(), {
        "tenant_id": tenant_id, "source_id": source, "year": 2024, "amount": Decimal("100000"), "created_at": now})
    conn.execute(Forecast.__table__.insert(), {
        "tenant_id": tenant_id, "name": f"Groei {tag}", "parameters": {"start_year": 2024}, "created_at": now})
    conn.execute(ReportSnapshot.__table__.insert(), {
        "tenant_id": tenant_id, "format_id": "kpi-overview", "title": f"Kerncijfers {tag}", "language": "nl",
        "as_of": date(2023, 3, 1), "period_from": date(2020, 3, 1), "period_to": date(2023, 3, 1),
        "definition_version": "1", "data_hash": "0" * 64, "figures": {"participants_active": 1},
        "html": f"<html>{tag}</html>", "created_at": now})


@pytest.fixture
def tenants(make_tenant, owner_engine):
    """Tenants A and B with rows in every tenant-owned table (make_tenant adds settings and audit rows)."""
    a, b = make_tenant("groningen").id, make_tenant("tilburg").id
    with owner_engine.begin() as conn:
        _seed(conn, a, "A")
        _seed(conn, b, "B")
    return a, b


@pytest.fixture
def engine(ctx):
    """The app's engine: connects as the app's login role."""
    return db.engine


def tenant_tables(conn) -> list[str]:
    """Every table in the database that has a tenant_id column."""
    return conn.execute(text(
        "SELECT table_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name")).scalars().all()


def all_tables(conn) -> list[str]:
    return conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).scalars().all()


def owner_counts(owner_engine) -> dict[str, dict[uuid.UUID, int]]:
    with owner_engine.connect() as conn:
        result = {}
        for table in tenant_tables(conn):
            rows = conn.execute(text(f"SELECT tenant_id, count(*) FROM {table} GROUP BY tenant_id")).all()
            result[table] = {tenant: n for tenant, n in rows}
        return result


def as_tenant(conn, tenant_id) -> None:
    conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})


def sql_error(exc: pytest.ExceptionInfo) -> tuple[str | None, str]:
    orig = exc.value.orig
    return getattr(orig, "sqlstate", None), str(orig)


# --- the tables under test -------------------------------------------------------------------------------

def test_tables_with_tenant_id_are_the_tenant_owned_models(owner_engine, app):
    with owner_engine.connect() as conn:
        assert tenant_tables(conn) == TENANT_TABLES_IN_MODEL
    assert len(TENANT_TABLES_IN_MODEL) >= 8


def test_seed_covers_every_tenant_table(tenants, owner_engine):
    # Guard for the visibility tests below: they prove nothing for a table without rows of both tenants.
    a, b = tenants
    for table, counts in owner_counts(owner_engine).items():
        assert counts.get(a) and counts.get(b), f"add seed rows for {table} in _seed()"


# --- visibility ------------------------------------------------------------------------------------------

def test_only_the_set_tenants_rows_are_visible(tenants, engine, owner_engine):
    expected = owner_counts(owner_engine)
    for tenant in tenants:
        with engine.connect() as conn, conn.begin():
            as_tenant(conn, tenant)
            for table in tenant_tables(conn):
                total, others = conn.execute(text(
                    f"SELECT count(*), count(*) FILTER (WHERE tenant_id <> :t) FROM {table}"), {"t": tenant}).one()
                assert (table, total, others) == (table, expected[table][tenant], 0)
                # Filtering on the other tenant explicitly finds nothing either.
                other = next(t for t in tenants if t != tenant)
                assert conn.execute(text(f"SELECT count(*) FROM {table} WHERE tenant_id = :o"),
                                    {"o": other}).scalar_one() == 0, table


@pytest.mark.parametrize("setting", [None, ""], ids=["unset", "empty"])
def test_nothing_is_visible_without_a_tenant(tenants, engine, setting):
    with engine.connect() as conn, conn.begin():
        if setting is not None:
            conn.execute(text("SELECT set_config('app.tenant_id', :v, true)"), {"v": setting})
        for table in tenant_tables(conn):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table


def test_shared_tenant_registry_is_visible_without_a_tenant(tenants, engine):
    with engine.connect() as conn:
        assert set(conn.execute(text("SELECT id FROM tenants")).scalars()) == set(tenants)


def test_setting_is_transaction_local(tenants, engine):
    a, _ = tenants
    with engine.connect() as conn:
        with conn.begin():
            as_tenant(conn, a)
            assert conn.execute(text("SELECT count(*) FROM persons")).scalar_one() == 2
        with conn.begin():  # same connection, next transaction
            assert conn.execute(text("SELECT current_setting('app.tenant_id', true)")).scalar_one() in (None, "")
            assert conn.execute(text("SELECT count(*) FROM persons")).scalar_one() == 0
        with conn.begin():
            as_tenant(conn, a)
            conn.rollback()
        with conn.begin():
            assert conn.execute(text("SELECT count(*) FROM persons")).scalar_one() == 0


# --- writes ----------------------------------------------------------------------------------------------

INSERTS = {
    "persons": ("INSERT INTO persons (id, tenant_id, given_names, family_name, gender, created_at) "
                "VALUES (gen_random_uuid(), :t, 'X', 'Indringer', 'unknown', now())"),
    "neighbourhoods": ("INSERT INTO neighbourhoods (id, tenant_id, name, kind, created_at) "
                       "VALUES (gen_random_uuid(), :t, 'Indringer', 'village', now())"),
    "api_tokens": ("INSERT INTO api_tokens (id, tenant_id, name, role, secret_hash, expires_at, created_at) "
                   "VALUES (gen_random_uuid(), :t, 'Indringer', 'admin', repeat('0', 64), now(), now())"),
    "audit_events": ("INSERT INTO audit_events (tenant_id, occurred_at, actor_type, action, details) "
                     "VALUES (:t, now(), 'system', 'Indringer', '{}')"),
}


@pytest.mark.parametrize("table", INSERTS)
def test_insert_for_another_tenant_fails_with_check(tenants, engine, owner_engine, table):
    a, b = tenants
    before = owner_counts(owner_engine)[table]
    with engine.connect() as conn:
        with conn.begin():
            as_tenant(conn, a)
            with pytest.raises(DBAPIError) as exc:
                conn.execute(text(INSERTS[table]), {"t": b})
        state, message = sql_error(exc)
        assert state == "42501" and "row-level security" in message, message
        # Control: the same statement for the tenant that is set goes through.
        with conn.begin():
            as_tenant(conn, a)
            conn.execute(text(INSERTS[table]), {"t": a})
        # And with no tenant set, no insert is allowed at all.
        with conn.begin():
            with pytest.raises(DBAPIError) as exc:
                conn.execute(text(INSERTS[table]), {"t": a})
        assert "row-level security" in sql_error(exc)[1]
    after = owner_counts(owner_engine)[table]
    assert after[b] == before[b]
    assert after[a] == before[a] + 1


def test_update_and_delete_cannot_touch_another_tenants_rows(tenants, engine, owner_engine):
    a, b = tenants
    before = owner_counts(owner_engine)
    with owner_engine.connect() as conn:
        b_persons = conn.execute(text("SELECT id, family_name, phone FROM persons WHERE tenant_id = :b ORDER BY id"),
                                 {"b": b}).all()
    with engine.connect() as conn:
        with conn.begin():
            as_tenant(conn, a)
            assert conn.execute(text("UPDATE persons SET phone = 'x' WHERE tenant_id = :b"), {"b": b}).rowcount == 0
            assert conn.execute(text("UPDATE persons SET phone = 'x' WHERE id = :id"),
                                {"id": b_persons[0].id}).rowcount == 0
            assert conn.execute(text("UPDATE persons SET phone = 'a'")).rowcount == before["persons"][a]
            assert conn.execute(text("DELETE FROM persons WHERE tenant_id = :b"), {"b": b}).rowcount == 0
            # Everything the app may delete, in foreign-key order: only A's rows go.
            deletable = [t.name for t in reversed(Base.metadata.sorted_tables)
                         if t.name in tenant_tables(conn) and t.name not in APPEND_ONLY]
            for table in deletable:
                conn.execute(text(f"DELETE FROM {table}"))
    after = owner_counts(owner_engine)
    for table in deletable:
        assert after[table].get(a, 0) == 0, table
        assert after[table][b] == before[table][b], table
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT id, family_name, phone FROM persons WHERE tenant_id = :b ORDER BY id"),
                            {"b": b}).all() == b_persons


def test_update_cannot_move_a_row_to_another_tenant(tenants, engine, owner_engine):
    a, b = tenants
    before = owner_counts(owner_engine)["api_tokens"]
    with engine.connect() as conn, conn.begin():
        as_tenant(conn, a)
        with pytest.raises(DBAPIError) as exc:
            conn.execute(text("UPDATE api_tokens SET tenant_id = :b"), {"b": b})
    assert "row-level security" in sql_error(exc)[1]
    assert owner_counts(owner_engine)["api_tokens"] == before


# --- the audit log ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'rewritten'",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",
])
def test_app_cannot_change_or_delete_audit_events(tenants, engine, owner_engine, statement):
    a, _ = tenants
    before = owner_counts(owner_engine)["audit_events"]
    with engine.connect() as conn, conn.begin():
        as_tenant(conn, a)
        with pytest.raises(DBAPIError) as exc:
            conn.execute(text(statement))
    state, message = sql_error(exc)
    assert state == "42501" and "permission denied for table audit_events" in message, message
    assert owner_counts(owner_engine)["audit_events"] == before


def test_app_can_append_to_and_read_audit_events(tenants, engine, owner_engine):
    a, _ = tenants
    with engine.connect() as conn:
        with conn.begin():
            as_tenant(conn, a)
            new_id = conn.execute(text(
                "INSERT INTO audit_events (tenant_id, occurred_at, actor_type, action, details) "
                "VALUES (:t, now(), 'system', 'appended', '{}') RETURNING id"), {"t": a}).scalar_one()
        with conn.begin():
            as_tenant(conn, a)
            assert conn.execute(text("SELECT action FROM audit_events WHERE id = :i"),
                                {"i": new_id}).scalar_one() == "appended"
    with owner_engine.connect() as conn:
        assert conn.execute(text("SELECT tenant_id FROM audit_events WHERE id = :i"),
                            {"i": new_id}).scalar_one() == a


# --- the catalogue: every table, present and future -------------------------------------------------------

def test_every_tenant_table_forces_rls_with_a_policy(app, engine):
    with engine.connect() as conn:
        tables = tenant_tables(conn)
        assert tables
        flags = dict(conn.execute(text(
            "SELECT c.relname, (c.relrowsecurity AND c.relforcerowsecurity) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'")).all())
        policies = conn.execute(text(
            "SELECT tablename, cmd, permissive, roles, qual, with_check FROM pg_policies "
            "WHERE schemaname = 'public'")).all()
    for table in tables:
        assert flags[table] is True, f"{table}: ENABLE and FORCE ROW LEVEL SECURITY (enable_tenant_rls)"
        mine = [p for p in policies if p.tablename == table]
        assert mine, f"{table}: no row-level security policy"
        # One permissive policy for all commands, comparing tenant_id with the setting for reads and writes.
        assert any(p.cmd == "ALL" and p.permissive == "PERMISSIVE" and "public" in p.roles
                   and "tenant_id" in p.qual and RLS_SETTING in p.qual
                   and "tenant_id" in p.with_check and RLS_SETTING in p.with_check for p in mine), mine
    # No policy elsewhere that could open a table up (permissive policies are OR-ed together).
    assert {p.tablename for p in policies} <= set(tables)
    assert all(p.permissive == "PERMISSIVE" and RLS_SETTING in p.qual for p in policies), policies


def test_app_role_is_not_privileged(app, engine, database):
    with engine.connect() as conn:
        user = conn.execute(text("SELECT current_user")).scalar_one()
        assert user == APP_ROLE
        super_, bypass = conn.execute(text(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
        assert (super_, bypass) == (False, False)
        # No table is owned by the app role or by any role it is a member of (an owner is exempt from RLS
        # unless forced, and can ALTER or DROP the table).
        owned = conn.execute(text(
            "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
            "AND pg_has_role(current_user, c.relowner, 'MEMBER')")).all()
        assert owned == []
        # No inherited role grants what the login role lacks.
        assert conn.execute(text(
            "SELECT count(*) FROM pg_roles WHERE (rolsuper OR rolbypassrls) "
            "AND pg_has_role(current_user, oid, 'MEMBER')")).scalar_one() == 0
        assert conn.execute(text("SELECT has_schema_privilege('public', 'CREATE')")).scalar_one() is False
        assert conn.execute(text("SELECT has_database_privilege(current_database(), 'CREATE')")).scalar_one() is False
    with pytest.raises(DBAPIError) as exc:
        with engine.connect() as conn, conn.begin():
            conn.execute(text("ALTER TABLE persons DISABLE ROW LEVEL SECURITY"))
    assert sql_error(exc)[0] == "42501"
    assert user != database.owner_url.split("://", 1)[1].split("@", 1)[0]


def test_app_role_has_privileges_on_every_table(app, engine):
    with engine.connect() as conn:
        tables = all_tables(conn)
        assert set(TENANT_TABLES_IN_MODEL) | {"tenants"} <= set(tables)
        missing = []
        for table in tables:
            if table in NOT_FOR_APP:
                continue
            wanted = ["SELECT", "INSERT"] if table in APPEND_ONLY else ["SELECT", "INSERT", "UPDATE", "DELETE"]
            for privilege in wanted:
                if not conn.execute(text("SELECT has_table_privilege(:t, :p)"),
                                    {"t": table, "p": privilege}).scalar_one():
                    missing.append(f"{privilege} ON {table}")
            if table in APPEND_ONLY:
                for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
                    assert not conn.execute(text("SELECT has_table_privilege(:t, :p)"),
                                            {"t": table, "p": privilege}).scalar_one(), f"{privilege} ON {table}"
        assert missing == [], "grant_app() missing in a migration"
        # Sequences behind serial columns: the app must be able to use them to insert.
        sequences = conn.execute(text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'S'")).scalars().all()
        for sequence in sequences:
            assert conn.execute(text("SELECT has_sequence_privilege(:s, 'USAGE')"),
                                {"s": sequence}).scalar_one(), sequence


# --- the session writes the setting (basisbaan.tenancy on PostgreSQL) -------------------------------------

def test_session_tenant_confines_raw_sql(tenants, session):
    a, b = tenants
    count = text("SELECT count(*) FROM persons")
    assert session.execute(count).scalar_one() == 0  # no tenant: raw SQL sees nothing
    session.rollback()
    set_tenant(session, a)
    assert session.execute(text("SELECT count(DISTINCT tenant_id) FROM persons")).scalar_one() == 1
    assert session.execute(text("SELECT tenant_id FROM persons LIMIT 1")).scalar_one() == a
    set_tenant(session, b)  # mid-transaction: the setting follows
    assert session.execute(text("SELECT tenant_id FROM persons LIMIT 1")).scalar_one() == b
    session.commit()  # the next transaction gets it again
    assert session.execute(text("SELECT current_setting('app.tenant_id', true)")).scalar_one() == str(b)
    set_tenant(session, None)
    assert session.execute(count).scalar_one() == 0
