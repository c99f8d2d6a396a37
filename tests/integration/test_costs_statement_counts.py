"""Programme costs and a participant's cost card take a fixed number of SQL statements, whatever the number
of participants: the same for 3 as for 30 (each with three contracts over three years, absences, a task with a
host contribution, a wage-value assessment and a training with a cost)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from basisbaan.extensions import db
from basisbaan.models import Assignment, Participant, Task, Training, WageValueAssessment
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.employment_helpers import api
from tests.integration.test_employment_statement_counts import EXTRA, first_id, list_statements, populate

FIRST = date(2022, 1, 1)
# GET /costs: tenant, token, settings versions, participants (person, neighbourhood and coach joined), the
# coaches' roles, contract periods with their versions, employers, task packages with host contributions,
# wage-value assessments, trainings.
COSTS = 10 + EXTRA
# GET /participants/<id>/costs: the same for one participant, plus loading the participant (and its coach's
# roles) and recording the view (audit row).
CARD = COSTS + 3


def add_cost_data(app, tenant) -> None:
    with app.app_context():
        with tenant_scope(db.session, tenant.id):
            s = db.session
            task = Task(title="Buurtcentrum", category="maintenance", hours_per_week=Decimal(8), places=100,
                        source="area_team", status="active", host_contribution_per_year=Decimal(120))
            s.add(task)
            s.flush()
            for participant in s.scalars(db.select(Participant)):
                s.add_all([
                    Assignment(participant_id=participant.id, task_id=task.id, hours_per_week=Decimal(8),
                               days=["mon"], start_on=participant.started_on),
                    WageValueAssessment(participant_id=participant.id, assessed_on=participant.started_on,
                                        wage_value_percent=Decimal(40), assessor="UWV"),
                    Training(participant_id=participant.id, kind="first_aid", name="BHV", cost=Decimal(300),
                             started_on=participant.started_on + timedelta(days=30))])
            s.flush()
        db.session.commit()
        db.session.remove()


def test_programme_costs_and_a_cost_card_take_a_fixed_number_of_statements(app, client, make_tenant, make_token):
    small, large = make_tenant("groningen"), make_tenant("groningen", slug="groningen-groot", cbs_code="GM9014")
    results = []
    for tenant, count in ((small, 3), (large, 30)):
        populate(app, tenant, count, FIRST)
        add_cost_data(app, tenant)
        headers = auth(make_token(tenant, "finance"))
        programme, statements = list_statements(app, client, headers, api(tenant.slug, "/costs"),
                                                {"from": "2022-01-01", "to": "2025-01-01", "group_by": "month"})
        someone = first_id(app, tenant, Participant)
        card, card_statements = list_statements(app, client, headers, api(tenant.slug, f"/participants/{someone}/costs"),
                                                {"from": "2022-01-01", "to": "2025-01-01"})
        results.append((programme.json, statements, card.json, card_statements))
    (few, few_statements, few_card, few_card_statements), (many, many_statements, _, many_card_statements) = results
    assert (few["participants"], many["participants"]) == (3, 30)
    assert len(few["groups"]) == len(many["groups"]) == 36
    assert Decimal(many["total"]["lines"]["training"]) == 30 * 300
    assert Decimal(many["total"]["lines"]["wage_cost_subsidy"]) < 0 < Decimal(many["total"]["gross"])
    assert len(few_statements) == len(many_statements) == COSTS, (few_statements, many_statements)
    assert len(few_card_statements) == len(many_card_statements) == CARD, few_card_statements
    assert Decimal(few_card["totals"]["lines"]["host_contribution"]) < 0
