"""GET /kpis takes a fixed number of SQL statements: the same for 3 participants as for 30 (three contracts
each over three years, absences), whatever the period."""

from __future__ import annotations

from datetime import date

from tests.conftest import auth
from tests.employment_helpers import api
from tests.integration.test_employment_statement_counts import EXTRA, list_statements, populate

# tenant, token, the programme's first start, settings versions, active participants (person, neighbourhood
# and coach joined), their coaches' roles, exits, starts, contracts in force, their kinds, the funnel (three),
# absence (two), coaching (two), wellbeing measurements, costs (seven: participants, roles, contract periods,
# employers, task packages, assessments, trainings), debt support.
KPIS = 26 + EXTRA


def test_the_key_figures_take_a_fixed_number_of_statements(app, client, make_tenant, make_token):
    small, large = make_tenant("groningen"), make_tenant("groningen", slug="groningen-groot", cbs_code="GM9014")
    results = []
    for tenant, count in ((small, 3), (large, 30)):
        populate(app, tenant, count, date(2022, 1, 1))
        response, statements = list_statements(app, client, auth(make_token(tenant, "viewer")),
                                               api(tenant.slug, "/kpis"), {"as_of": "2023-06-01"})
        results.append((response.json, statements))
    (few, few_statements), (many, many_statements) = results
    assert (few["participants_active"], many["participants_active"]) == (3, 30)
    assert len(few_statements) == len(many_statements), (few_statements, many_statements)
    assert len(many_statements) == KPIS, "\n".join(s[:90].replace("\n", " ") for s in many_statements)
