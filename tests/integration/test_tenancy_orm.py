"""Wall 1: tenant isolation through the ORM session (basisbaan.tenancy). Runs on SQLite and PostgreSQL.

On PostgreSQL row-level security (wall 2) would hide other tenants' rows too; the SQLite pass is the one
that proves this wall on its own. Rows are checked "from outside" through `owner_engine`, a plain engine
(no tenant session; on PostgreSQL a superuser that bypasses RLS).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import (PrimaryKeyConstraint, UniqueConstraint, delete, event, exists, func, insert, select,
                        union_all, update)
from sqlalchemy.orm import aliased, joinedload, lazyload, selectinload

from basisbaan.extensions import db
from basisbaan.models import (Absence, ApiToken, Assignment, Candidate, CandidateDecision, CandidateStatusChange,
                              CoachingSession, Contract, ContractVersion, DebtSupport, DisplacementCheck,
                              GatekeeperStep, IntakeConversation, Training, WellbeingMeasurement, WorkProfile,
                              Forecast, FundingAllocation, FundingSource, WageValueAssessment, ReportSnapshot,
                              AuditEvent, Base, Neighbourhood, Organisation, Participant, PerformanceReport, Person,
                              SsoProvider, Task, Tenant, TenantOwned, TenantSettingsVersion, User, UserRole)
from basisbaan.tenancy import (CrossTenantWriteError, TenantScopeError, current_tenant_id, set_tenant,
                               tenant_scope)

pytestmark = pytest.mark.db

TENANT_MODELS = sorted(
    (m.class_ for m in Base.registry.mappers if issubclass(m.class_, TenantOwned)), key=lambda c: c.__name__
)


@dataclass
class Side:
    """What was seeded for one tenant."""

    id: uuid.UUID
    persons: dict[str, uuid.UUID] = field(default_factory=dict)  # family name -> id
    neighbourhood: uuid.UUID | None = None
    organisation: uuid.UUID | None = None
    user: uuid.UUID | None = None
    roles: tuple[str, ...] = ()
    token: uuid.UUID | None = None


@dataclass
class World:
    a: Side
    b: Side


def _seed(session, side: Side, families: list[str], roles: list[str]) -> None:
    with tenant_scope(session, side.id):
        hood = Neighbourhood(name="Centrum")
        session.add(hood)
        session.flush()
        org = Organisation(name="Werkbedrijf", is_employer=True, neighbourhood_id=hood.id)
        people = [Person(given_names="Sam", family_name=name, neighbourhood_id=hood.id) for name in families]
        # The same identity-provider subject in both tenants: lookups by subject must stay per tenant.
        user = User(issuer="https://idp.example", subject="s-1", display_name="Coach")
        user.role_rows = [UserRole(role=role) for role in roles]
        token = ApiToken(name="t", role="viewer", secret_hash="0" * 64,
                         expires_at=datetime.now(timezone.utc) + timedelta(days=30))
        sso = SsoProvider(issuer="https://idp.example", client_id="basisbaan", client_secret_encrypted="x")
        session.add_all([org, *people, user, token, sso])
        session.flush()
        candidate = Candidate(person_id=people[-1].id, status="started", status_since=date(2023, 1, 3),
                              referral_source="self", referral_date=date(2023, 1, 1))
        session.add(candidate)
        session.flush()
        session.add_all([
            CandidateStatusChange(candidate_id=candidate.id, status="referred", changed_on=date(2023, 1, 1)),
            IntakeConversation(candidate_id=candidate.id, held_on=date(2023, 1, 2)),
            CandidateDecision(candidate_id=candidate.id, decided_on=date(2023, 1, 3), outcome="started",
                              resulting_status="started", eligibility="pass"),
        ])
        session.flush()
        # The candidate started employment: a participant with a contract, its terms, a performance report,
        # and a sickness absence with a Gatekeeper step.
        participant = Participant(person_id=people[-1].id, candidate_id=candidate.id, started_on=date(2023, 2, 1))
        session.add(participant)
        session.flush()
        contract = Contract(participant_id=participant.id, employer_id=org.id, kind="temporary",
                            start_on=date(2023, 2, 1), end_on=date(2024, 1, 31))
        absence = Absence(participant_id=participant.id, start_on=date(2023, 3, 1), end_on=date(2023, 3, 3))
        session.add_all([contract, absence])
        session.flush()
        session.add_all([
            ContractVersion(contract_id=contract.id, valid_from=date(2023, 2, 1), hours_per_week=Decimal("32"),
                            cao="cao_sw", reason="start"),
            PerformanceReport(contract_id=contract.id, written_on=date(2023, 12, 1), author="Coach", advice="renew"),
            GatekeeperStep(absence_id=absence.id, step="problem_analysis", done_on=date(2023, 3, 2)),
        ])
        session.flush()
        # The work: a task in the neighbourhood, its passed displacement check, the task in the package.
        task = Task(title="Zwerfafval rapen", category="litter", hours_per_week=Decimal("8"), source="area_team",
                    neighbourhood_id=hood.id, status="active")
        session.add(task)
        session.flush()
        session.add_all([
            DisplacementCheck(task_id=task.id, checked_on=date(2023, 1, 20), done_by_paid_staff=False,
                              host_would_hire=False, done_by_volunteers=False, is_additional=True,
                              verdict="approved", reasons="Extra werk."),
            Assignment(participant_id=participant.id, task_id=task.id, hours_per_week=Decimal("8"), days=["mon"],
                       start_on=date(2023, 2, 1)),
        ])
        session.flush()
        # Support: coaching time, debt support and a training of the participant.
        session.add_all([
            CoachingSession(participant_id=participant.id, held_on=date(2023, 2, 6), kind="work",
                            hours=Decimal("1.5"), coach_id=user.id, organisation_id=org.id, coach_label="Coach"),
            DebtSupport(participant_id=participant.id, kind="credit_bank", referred_on=date(2023, 2, 10)),
            Training(participant_id=participant.id, kind="first_aid", name="BHV", started_on=date(2023, 3, 1)),
            WorkProfile(person_id=people[-1].id, preferred_categories=["litter"], available_days=["mon"]),
            WellbeingMeasurement(participant_id=participant.id, measured_on=date(2023, 2, 15), instrument="zrm2017",
                                 scores_encrypted="not-really-encrypted"),
            WageValueAssessment(participant_id=participant.id, assessed_on=date(2023, 3, 1),
                                wage_value_percent=Decimal("45"), assessor="UWV"),
            Forecast(name="Groei", parameters={"start_year": 2024}),
            ReportSnapshot(format_id="kpi-overview", title="Kerncijfers", language="nl", as_of=date(2023, 3, 1),
                           period_from=date(2020, 3, 1), period_to=date(2023, 3, 1), definition_version="1",
                           data_hash="0" * 64, figures={"participants_active": 1}, html="<html></html>"),
        ])
        session.flush()
        source = FundingSource(name="NPG", kind="grant", amount=Decimal("200000"), start_on=date(2023, 10, 1))
        session.add(source)
        session.flush()
        session.add(FundingAllocation(source_id=source.id, year=2024, amount=Decimal("100000")))
        session.flush()
        side.neighbourhood, side.organisation, side.user, side.token = hood.id, org.id, user.id, token.id
        side.persons = {p.family_name: p.id for p in people}
        side.roles = tuple(sorted(roles))


@pytest.fixture
def world(app, make_tenant) -> World:
    """Tenant A (groningen) and B (tilburg) with rows in every tenant-owned table.

    Both have a person called Jansen and a neighbourhood called Centrum, so joins on those values would
    pair rows across tenants if scoping failed. make_tenant already wrote a settings version and an audit
    event for each.
    """
    a = Side(make_tenant("groningen").id)
    b = Side(make_tenant("tilburg").id)
    with app.app_context():
        _seed(db.session, a, ["Jansen", "de Vries"], ["admin", "coach"])
        _seed(db.session, b, ["Jansen", "Bakker", "Visser"], ["viewer"])
        db.session.commit()
        db.session.remove()
    return World(a, b)


def owner_rows(owner_engine, model) -> list:
    """All rows of a model's table, read around the tenant session (the owner bypasses RLS)."""
    with owner_engine.connect() as conn:
        return conn.execute(select(model.__table__)).all()


def owner_ids_by_tenant(owner_engine, model) -> dict[uuid.UUID, set]:
    result: dict[uuid.UUID, set] = {}
    table = model.__table__
    pk = list(table.primary_key.columns)
    for row in owner_rows(owner_engine, model):
        key = tuple(row._mapping[c.name] for c in pk)
        result.setdefault(row.tenant_id, set()).add(key if len(key) > 1 else key[0])
    return result


def pk_of(obj):
    key = tuple(getattr(obj, c.key) for c in obj.__mapper__.primary_key)
    return key if len(key) > 1 else key[0]


# --- no tenant in context: fail closed ------------------------------------------------------------------

NO_TENANT_STATEMENTS = {
    "count": lambda w: select(func.count()).select_from(Person),
    "column only": lambda w: select(Person.family_name),
    "join from a shared table": lambda w: select(Tenant).join(Person, Person.tenant_id == Tenant.id),
    "in subquery": lambda w: select(Tenant).where(Tenant.id.in_(select(Person.tenant_id))),
    "correlated exists": lambda w: select(Tenant).where(exists().where(Person.tenant_id == Tenant.id)),
    "scalar subquery": lambda w: select(select(func.count()).select_from(Person).scalar_subquery()),
    "aliased entity": lambda w: select(aliased(Person)),
    "union": lambda w: union_all(select(Tenant.id), select(Person.id)),
    "cte": lambda w: select(select(Person.id).cte()),
    "core table": lambda w: select(Person.__table__),
}


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
def test_select_of_every_tenant_model_without_tenant_raises(world, session, model):
    assert current_tenant_id(session) is None
    with pytest.raises(TenantScopeError):
        session.scalars(select(model)).all()


@pytest.mark.parametrize("build", NO_TENANT_STATEMENTS.values(), ids=NO_TENANT_STATEMENTS.keys())
def test_statements_touching_tenant_tables_without_tenant_raise(world, session, build):
    with pytest.raises(TenantScopeError):
        session.execute(build(world)).all()


def test_get_and_legacy_query_without_tenant_raise(world, session):
    with pytest.raises(TenantScopeError):
        session.get(Person, world.a.persons["Jansen"])
    with pytest.raises(TenantScopeError):
        session.query(Person).all()
    with pytest.raises(TenantScopeError):
        session.query(User).filter_by(subject="s-1").first()


WRITES_WITHOUT_TENANT = {
    "bulk update": lambda w: update(Person).values(phone="0600000000"),
    "bulk update with where": lambda w: update(Person).where(Person.id == w.b.persons["Bakker"]).values(phone="x"),
    "bulk delete": lambda w: delete(Person),
    "bulk delete with where": lambda w: delete(Person).where(Person.family_name == "Jansen"),
    "core update": lambda w: update(Person.__table__).values(phone="0600000000"),
    "orm insert": lambda w: insert(Person).values(given_names="X", family_name="Y", tenant_id=w.b.id),
}


@pytest.mark.parametrize("build", WRITES_WITHOUT_TENANT.values(), ids=WRITES_WITHOUT_TENANT.keys())
def test_writes_without_tenant_raise_and_change_nothing(world, session, owner_engine, build):
    before = sorted(tuple(r) for r in owner_rows(owner_engine, Person))
    with pytest.raises(TenantScopeError):
        session.execute(build(world))
    session.commit()
    assert sorted(tuple(r) for r in owner_rows(owner_engine, Person)) == before


def test_adding_a_tenant_row_without_tenant_raises(world, session, owner_engine):
    session.add(Person(given_names="No", family_name="Tenant"))
    with pytest.raises(TenantScopeError):
        session.flush()
    session.rollback()
    assert not [r for r in owner_rows(owner_engine, Person) if r.family_name == "Tenant"]


def test_shared_tables_work_without_tenant(world, session):
    # The wall is not "refuse everything": the tenant registry is readable with no tenant in context.
    assert set(session.scalars(select(Tenant.id))) == {world.a.id, world.b.id}


# --- tenant A in context: only A's rows -----------------------------------------------------------------

@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
def test_select_of_every_tenant_model_returns_only_current_tenants_rows(world, session, owner_engine, model):
    expected = owner_ids_by_tenant(owner_engine, model)
    # Seed sanity: both tenants have rows, or this test would prove nothing for the table.
    assert expected.get(world.a.id) and expected.get(world.b.id), f"seed rows of both tenants in {model.__name__}"
    for side in (world.a, world.b):
        set_tenant(session, side.id)
        found = session.scalars(select(model)).all()
        assert {pk_of(o) for o in found} == expected[side.id]
        assert {o.tenant_id for o in found} == {side.id}
        assert session.scalar(select(func.count()).select_from(model)) == len(expected[side.id])


def test_count_and_filters_are_scoped(world, session):
    set_tenant(session, world.a.id)
    assert session.scalar(select(func.count()).select_from(Person)) == 2
    assert session.scalar(select(func.count(Person.id))) == 2
    assert session.scalars(select(Person.id).where(Person.family_name == "Bakker")).all() == []
    jansen = session.scalars(select(Person).where(Person.family_name == "Jansen")).one()
    assert jansen.id == world.a.persons["Jansen"]
    user = session.scalars(select(User).where(User.subject == "s-1")).one()
    assert user.id == world.a.user


def test_joins_are_scoped_on_every_side(world, session):
    set_tenant(session, world.a.id)
    # From a shared table into a tenant table.
    rows = session.execute(select(Tenant.id, Person.id).join(Person, Person.tenant_id == Tenant.id)).all()
    assert {r[1] for r in rows} == set(world.a.persons.values())
    assert {r[0] for r in rows} == {world.a.id}
    # Between two tenant tables on a value both tenants share (would pair A's and B's "Centrum").
    rows = session.execute(
        select(Person.id, Neighbourhood.id).join(Neighbourhood, Neighbourhood.name == "Centrum")
    ).all()
    assert {r[0] for r in rows} == set(world.a.persons.values())
    assert {r[1] for r in rows} == {world.a.neighbourhood}
    # Self-join through an alias: every occurrence of the table is scoped, not only the first.
    other = aliased(Person)
    rows = session.execute(
        select(Person.id, other.id).join(other, other.family_name == Person.family_name)
    ).all()
    assert rows and all(r[0] in world.a.persons.values() and r[1] in world.a.persons.values() for r in rows)
    assert len(rows) == 2  # Jansen-Jansen and de Vries-de Vries, both A's
    # Outer join from a tenant table.
    rows = session.execute(select(Organisation.id, Person.id).outerjoin(
        Person, Person.neighbourhood_id == Organisation.neighbourhood_id)).all()
    assert {r[0] for r in rows} == {world.a.organisation}
    assert {r[1] for r in rows} == set(world.a.persons.values())


def test_subqueries_ctes_and_unions_are_scoped(world, session):
    set_tenant(session, world.a.id)
    assert session.scalars(select(Tenant.id).where(Tenant.id.in_(select(Person.tenant_id)))).all() == [world.a.id]
    assert session.scalars(
        select(Tenant.id).where(exists().where(Person.tenant_id == Tenant.id))
    ).all() == [world.a.id]
    assert session.scalar(select(select(func.count()).select_from(Person).scalar_subquery())) == 2
    assert set(session.scalars(select(Person.id).where(Person.id.in_(select(Person.id))))) == set(
        world.a.persons.values())
    cte = select(Person.id.label("pid")).cte()
    assert set(session.scalars(select(cte.c.pid))) == set(world.a.persons.values())
    subq = select(Person.family_name).subquery()
    assert set(session.scalars(select(subq.c.family_name))) == {"Jansen", "de Vries"}
    ids = set(session.scalars(union_all(select(Person.id), select(Organisation.id))))
    assert ids == set(world.a.persons.values()) | {world.a.organisation}


def test_get_does_not_return_another_tenants_row(world, session):
    set_tenant(session, world.a.id)
    assert session.get(Person, world.b.persons["Bakker"]) is None
    assert session.get(Person, world.b.persons["Jansen"]) is None
    assert session.get(User, world.b.user) is None
    assert session.get(UserRole, (world.b.id, world.b.user, "viewer")) is None
    assert session.get(ApiToken, world.b.token) is None
    mine = session.get(Person, world.a.persons["Jansen"])
    assert mine is not None and mine.tenant_id == world.a.id


def test_legacy_query_is_scoped(world, session):
    set_tenant(session, world.b.id)
    assert {p.id for p in session.query(Person)} == set(world.b.persons.values())
    assert session.query(Person).count() == 3
    assert session.query(User).filter_by(subject="s-1").one().id == world.b.user


@pytest.fixture
def statements(app):
    """SQL text of every statement sent to the database while the test runs."""
    seen: list[str] = []

    def _record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _record)
    yield seen
    event.remove(engine, "before_cursor_execute", _record)


@pytest.mark.parametrize("option", [None, selectinload, joinedload, lazyload],
                         ids=["default selectin", "selectinload", "joinedload", "lazyload"])
def test_relationship_loads_are_scoped(world, session, statements, option):
    set_tenant(session, world.a.id)
    stmt = select(User)
    if option is not None:
        stmt = stmt.options(option(User.role_rows))
    users = session.scalars(stmt).unique().all()
    assert [u.id for u in users] == [world.a.user]
    assert users[0].roles == list(world.a.roles)
    assert {r.tenant_id for r in users[0].role_rows} == {world.a.id}
    # The statement that loaded the roles carries the tenant criterion for user_roles itself, so a
    # relationship load can never reach another tenant's rows even if the join condition allowed it.
    role_loads = [s for s in statements if re.search(r"FROM[\s\S]*\buser_roles\b", s)]
    assert role_loads, statements
    assert all(re.search(r"user_roles(?:_\d+)?\.tenant_id = (?:\?|%\()", s) for s in role_loads), role_loads


# --- writes ---------------------------------------------------------------------------------------------

def test_insert_gets_the_current_tenant(world, session, owner_engine):
    set_tenant(session, world.b.id)
    person = Person(given_names="Nieuw", family_name="Mens")
    user = User(issuer="https://idp.example", subject="s-2", display_name="Nieuw")
    user.role_rows.append(UserRole(role="finance"))
    session.add_all([person, user])
    session.flush()
    assert person.tenant_id == world.b.id
    assert user.tenant_id == world.b.id and user.role_rows[0].tenant_id == world.b.id
    session.commit()
    stored = {r.id: r.tenant_id for r in owner_rows(owner_engine, Person)}
    assert stored[person.id] == world.b.id
    roles = {(r.user_id, r.role): r.tenant_id for r in owner_rows(owner_engine, UserRole)}
    assert roles[(user.id, "finance")] == world.b.id


@pytest.mark.parametrize("make", [
    lambda w: Person(given_names="X", family_name="Indringer", tenant_id=w.b.id),
    lambda w: Neighbourhood(name="Elders", tenant_id=w.b.id),
    lambda w: UserRole(tenant_id=w.b.id, user_id=w.b.user, role="admin"),
    lambda w: AuditEvent(tenant_id=w.b.id, actor_type="system", action="forged"),
], ids=["person", "neighbourhood", "user_role", "audit_event"])
def test_adding_a_row_of_another_tenant_raises(world, session, owner_engine, make):
    set_tenant(session, world.a.id)
    obj = make(world)
    model = type(obj)
    before = owner_ids_by_tenant(owner_engine, model)
    session.add(Person(given_names="Goed", family_name="Bedoeld"))  # a valid row in the same flush
    session.add(obj)
    with pytest.raises(CrossTenantWriteError):
        session.flush()
    session.rollback()
    assert owner_ids_by_tenant(owner_engine, model) == before
    assert not [r for r in owner_rows(owner_engine, Person) if r.family_name == "Bedoeld"]


def test_merge_of_another_tenants_row_raises(world, session, owner_engine):
    set_tenant(session, world.a.id)
    # A detached copy of B's person, e.g. built from a request body carrying B's id.
    forged = Person(id=world.b.persons["Bakker"], tenant_id=world.b.id, given_names="X", family_name="Overschreven")
    session.merge(forged)
    with pytest.raises(CrossTenantWriteError):
        session.flush()
    session.rollback()
    names = {r.id: r.family_name for r in owner_rows(owner_engine, Person)}
    assert names[world.b.persons["Bakker"]] == "Bakker"


def test_changing_tenant_id_of_a_loaded_row_raises(world, session, owner_engine):
    set_tenant(session, world.a.id)
    person = session.get(Person, world.a.persons["de Vries"])
    person.tenant_id = world.b.id
    with pytest.raises(CrossTenantWriteError):
        session.flush()
    session.rollback()
    stored = {r.id: r.tenant_id for r in owner_rows(owner_engine, Person)}
    assert stored[world.a.persons["de Vries"]] == world.a.id


def test_changing_and_deleting_own_rows_works(world, session, owner_engine):
    # Control for the refusals above: ordinary writes of the current tenant's rows go through.
    set_tenant(session, world.a.id)
    session.get(Person, world.a.persons["Jansen"]).phone = "0612345678"
    session.delete(session.get(Person, world.a.persons["de Vries"]))
    session.commit()
    rows = {r.id: r for r in owner_rows(owner_engine, Person)}
    assert rows[world.a.persons["Jansen"]].phone == "0612345678"
    assert world.a.persons["de Vries"] not in rows


def _phones(owner_engine) -> dict[uuid.UUID, str | None]:
    return {r.id: r.phone for r in owner_rows(owner_engine, Person)}


def test_bulk_update_changes_only_current_tenants_rows(world, session, owner_engine):
    set_tenant(session, world.a.id)
    result = session.execute(update(Person).values(phone="0600000000"))
    assert result.rowcount == 2
    result = session.execute(update(Person).where(Person.id == world.b.persons["Bakker"]).values(phone="9"))
    assert result.rowcount == 0
    result = session.execute(update(Person).where(Person.family_name == "Jansen").values(email="j@example.nl"))
    assert result.rowcount == 1
    assert session.query(Person).filter(Person.family_name == "Visser").update({"phone": "8"}) == 0
    session.commit()
    phones = _phones(owner_engine)
    assert {phones[i] for i in world.a.persons.values()} == {"0600000000"}
    assert {phones[i] for i in world.b.persons.values()} == {None}
    emails = {r.id: r.email for r in owner_rows(owner_engine, Person)}
    assert emails[world.b.persons["Jansen"]] is None


def test_bulk_update_by_primary_key_cannot_reach_another_tenant(world, session, owner_engine):
    set_tenant(session, world.a.id)
    rows = [{"id": world.b.persons["Bakker"], "phone": "666"}, {"id": world.a.persons["Jansen"], "phone": "111"}]
    session.execute(update(Person), rows, execution_options={"synchronize_session": None})
    session.commit()
    phones = _phones(owner_engine)
    assert phones[world.b.persons["Bakker"]] is None
    assert phones[world.a.persons["Jansen"]] == "111"
    # With identity-map synchronisation SQLAlchemy cannot add the tenant criterion: refused, not run unscoped.
    with pytest.raises(TenantScopeError):
        session.execute(update(Person), [{"id": world.b.persons["Visser"], "phone": "666"}])
    session.rollback()
    assert _phones(owner_engine)[world.b.persons["Visser"]] is None


def test_bulk_update_by_primary_key_updates_own_rows(world, session, owner_engine):
    set_tenant(session, world.a.id)
    session.execute(update(Person), [{"id": world.a.persons["Jansen"], "phone": "111"}],
                    execution_options={"synchronize_session": None})
    session.commit()
    assert _phones(owner_engine)[world.a.persons["Jansen"]] == "111"


@pytest.mark.parametrize("build", [
    lambda w: update(Person).values(tenant_id=w.b.id),
    lambda w: update(Person).values({Person.tenant_id: w.b.id}).where(Person.family_name == "Jansen"),
    lambda w: update(Person).values(tenant_id=str(w.b.id)),
    lambda w: update(Person).ordered_values((Person.tenant_id, w.b.id)),
    lambda w: update(Person).values(tenant_id=Tenant.id),  # an expression: cannot be checked, so refused
], ids=["values", "column key", "string id", "ordered values", "expression"])
def test_bulk_update_moving_rows_to_another_tenant_raises(world, session, owner_engine, build):
    set_tenant(session, world.a.id)
    before = owner_ids_by_tenant(owner_engine, Person)
    with pytest.raises(CrossTenantWriteError):
        session.execute(build(world))
    session.rollback()
    assert owner_ids_by_tenant(owner_engine, Person) == before


def test_bulk_delete_removes_only_current_tenants_rows(world, session, owner_engine):
    set_tenant(session, world.a.id)
    assert session.execute(delete(Person).where(Person.id == world.b.persons["Visser"])).rowcount == 0
    assert session.execute(delete(Person).where(Person.family_name == "Jansen")).rowcount == 1
    assert session.query(Person).delete() == 1
    session.commit()
    by_tenant = owner_ids_by_tenant(owner_engine, Person)
    assert world.a.id not in by_tenant
    assert by_tenant[world.b.id] == set(world.b.persons.values())


@pytest.mark.parametrize("build, params", [
    (lambda w: insert(Person).values(given_names="X", family_name="Y", tenant_id=w.b.id), None),
    (lambda w: insert(Person), lambda w: [{"given_names": "X", "family_name": "Y", "tenant_id": w.a.id},
                                          {"given_names": "X", "family_name": "Z", "tenant_id": w.b.id}]),
    (lambda w: insert(Person).values([{"given_names": "X", "family_name": "Y", "tenant_id": w.b.id}]), None),
    (lambda w: insert(Neighbourhood).from_select(
        ["tenant_id", "name", "kind"], select(Tenant.id, Tenant.slug, Tenant.slug)), None),
], ids=["values", "bulk parameters", "multi values", "from select"])
def test_orm_insert_statement_for_another_tenant_raises(world, session, owner_engine, build, params):
    set_tenant(session, world.a.id)
    before_persons = owner_ids_by_tenant(owner_engine, Person)
    before_hoods = owner_ids_by_tenant(owner_engine, Neighbourhood)
    with pytest.raises(CrossTenantWriteError):
        session.execute(build(world), params(world) if params else None)
    session.rollback()
    assert owner_ids_by_tenant(owner_engine, Person) == before_persons
    assert owner_ids_by_tenant(owner_engine, Neighbourhood) == before_hoods


def test_orm_insert_statement_for_current_tenant_works(world, session, owner_engine):
    set_tenant(session, world.a.id)
    session.execute(insert(Person), [{"given_names": "X", "family_name": "Bulk", "tenant_id": world.a.id}])
    session.commit()
    assert [r.tenant_id for r in owner_rows(owner_engine, Person) if r.family_name == "Bulk"] == [world.a.id]


@pytest.mark.parametrize("build", [
    lambda w: select(Person.__table__),
    lambda w: update(Person.__table__).values(phone="666"),
    lambda w: delete(Person.__table__),
], ids=["select", "update", "delete"])
def test_core_statements_on_tenant_tables_are_refused_under_a_tenant(world, session, owner_engine, build):
    # The loader criteria only reach mapped entities, so a Core table statement cannot be scoped.
    set_tenant(session, world.a.id)
    before = sorted(tuple(r) for r in owner_rows(owner_engine, Person))
    with pytest.raises(TenantScopeError):
        session.execute(build(world))
    session.rollback()
    assert sorted(tuple(r) for r in owner_rows(owner_engine, Person)) == before


# --- switching tenants ----------------------------------------------------------------------------------

@pytest.mark.parametrize("change", ["new", "dirty", "deleted"])
def test_switching_tenant_with_pending_changes_raises(world, session, change):
    set_tenant(session, world.a.id)
    if change == "new":
        session.add(Person(given_names="X", family_name="Onderweg"))
    elif change == "dirty":
        session.get(Person, world.a.persons["Jansen"]).phone = "1"
    else:
        session.delete(session.get(Person, world.a.persons["Jansen"]))
    with pytest.raises(TenantScopeError):
        set_tenant(session, world.b.id)
    assert current_tenant_id(session) == world.a.id
    with pytest.raises(TenantScopeError):
        set_tenant(session, None)
    assert current_tenant_id(session) == world.a.id
    session.flush()
    set_tenant(session, world.b.id)  # flushed: the switch is allowed
    assert current_tenant_id(session) == world.b.id


def test_switching_tenant_drops_loaded_rows_from_the_identity_map(world, session):
    set_tenant(session, world.a.id)
    person = session.get(Person, world.a.persons["Jansen"])
    tenant = session.get(Tenant, world.a.id)
    set_tenant(session, world.b.id)
    assert person not in session
    assert tenant in session  # shared rows may stay
    # Not served from memory for the other tenant, and not from the database either.
    assert session.get(Person, world.a.persons["Jansen"]) is None
    assert world.a.persons["Jansen"] not in {p.id for p in session.scalars(select(Person))}


def test_tenant_scope_restores_the_previous_tenant(world, session):
    assert current_tenant_id(session) is None
    with tenant_scope(session, world.a.id):
        assert current_tenant_id(session) == world.a.id
        assert session.scalar(select(func.count()).select_from(Person)) == 2
        with tenant_scope(session, world.b.id):
            assert current_tenant_id(session) == world.b.id
            assert session.scalar(select(func.count()).select_from(Person)) == 3
        assert current_tenant_id(session) == world.a.id
        assert session.scalar(select(func.count()).select_from(Person)) == 2
    assert current_tenant_id(session) is None
    with pytest.raises(TenantScopeError):
        session.scalars(select(Person)).all()


def test_tenant_scope_flushes_its_changes(world, session, owner_engine):
    with tenant_scope(session, world.b.id):
        person = Person(given_names="X", family_name="Geflusht")
        session.add(person)
    assert person.tenant_id == world.b.id  # flushed at the end of the block, under B
    session.commit()
    assert [r.tenant_id for r in owner_rows(owner_engine, Person) if r.family_name == "Geflusht"] == [world.b.id]


def test_tenant_scope_rolls_back_on_error(world, session, owner_engine):
    set_tenant(session, world.a.id)
    before = sorted(tuple(r) for r in owner_rows(owner_engine, Person))
    with pytest.raises(RuntimeError, match="boom"):
        with tenant_scope(session, world.b.id):
            session.add(Person(given_names="X", family_name="Half"))
            session.get(Person, world.b.persons["Bakker"]).phone = "1"
            session.flush()  # written to the transaction ...
            raise RuntimeError("boom")
    assert current_tenant_id(session) == world.a.id
    session.commit()  # ... but rolled back: committing now writes nothing of it
    assert sorted(tuple(r) for r in owner_rows(owner_engine, Person)) == before


def test_tenant_scope_rolls_back_when_its_final_flush_fails(world, session, owner_engine):
    before = sorted(tuple(r) for r in owner_rows(owner_engine, Person))
    with pytest.raises(CrossTenantWriteError):
        with tenant_scope(session, world.a.id):
            session.add(Person(given_names="X", family_name="Goed"))
            session.add(Person(given_names="X", family_name="Fout", tenant_id=world.b.id))
    assert current_tenant_id(session) is None
    assert not session.new
    session.commit()
    assert sorted(tuple(r) for r in owner_rows(owner_engine, Person)) == before


# --- the schema ------------------------------------------------------------------------------------------

def _tenant_tables():
    return sorted({m.__table__ for m in TENANT_MODELS}, key=lambda t: t.name)


def test_tenant_owned_models_are_the_expected_tables():
    assert {t.name for t in _tenant_tables()} >= {
        "api_tokens", "audit_events", "neighbourhoods", "organisations", "persons", "tenant_settings_versions",
        "user_roles", "users"}
    assert Tenant.__table__ not in _tenant_tables()
    assert TenantSettingsVersion in TENANT_MODELS


@pytest.mark.parametrize("table", _tenant_tables(), ids=lambda t: t.name)
def test_tenant_table_keys_start_with_tenant_id(table):
    assert "tenant_id" in table.c, table.name
    assert table.c.tenant_id.nullable is False
    # tenant_id names an existing tenant: directly, or through a composite key into another tenant table.
    targets = {(fk.column.table.name, fk.column.name) for fk in table.c.tenant_id.foreign_keys}
    tenant_tables = {t.name for t in _tenant_tables()}
    assert ("tenants", "id") in targets or any(t in tenant_tables and c == "tenant_id" for t, c in targets), targets
    keys = [c for c in table.constraints if isinstance(c, (UniqueConstraint, PrimaryKeyConstraint))]
    keys += list(table.indexes)
    for key in keys:
        columns = [c.name for c in key.columns]
        if isinstance(key, PrimaryKeyConstraint) and columns == ["id"]:
            continue
        assert columns[0] == "tenant_id", f"{table.name}: {type(key).__name__} {columns} must start with tenant_id"
    for column in table.columns:
        assert not (column.unique or column.index) or column.name == "tenant_id", (
            f"{table.name}.{column.name}: a single-column unique/index would span tenants")


@pytest.mark.parametrize("table", _tenant_tables(), ids=lambda t: t.name)
def test_references_between_tenant_tables_include_tenant_id(table):
    # A foreign key from one tenant table to another must carry tenant_id, so a row can only point at a
    # row of its own tenant.
    tenant_tables = {t.name for t in _tenant_tables()}
    for fk in table.foreign_key_constraints:
        if fk.referred_table.name in tenant_tables:
            pairs = {(c.name, e.column.name) for c, e in zip(fk.columns, fk.elements)}
            assert ("tenant_id", "tenant_id") in pairs, f"{table.name}: {fk.name} does not include tenant_id"


def _dialect_insert(session):
    from sqlalchemy.dialects import postgresql, sqlite

    return {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[session.get_bind().dialect.name]


def test_upsert_into_a_tenant_table_cannot_overwrite_another_tenants_row(world, session, owner_engine):
    set_tenant(session, world.a.id)
    stmt = _dialect_insert(session)(Neighbourhood).values(
        id=world.b.neighbourhood, tenant_id=world.a.id, name="Overgenomen", kind="village")
    # The conflicting row is B's; DO UPDATE would change it although the new row names tenant A.
    with pytest.raises(CrossTenantWriteError):
        session.execute(stmt.on_conflict_do_update(index_elements=[Neighbourhood.id], set_={"name": "Overgenomen"}))
    session.rollback()
    # DO NOTHING cannot change an existing row, so it is allowed.
    session.execute(stmt.on_conflict_do_nothing())
    session.commit()
    rows = {r.id: (r.tenant_id, r.name) for r in owner_rows(owner_engine, Neighbourhood)}
    assert rows[world.b.neighbourhood] == (world.b.id, "Centrum")
    assert "Overgenomen" not in {name for _, name in rows.values()}
