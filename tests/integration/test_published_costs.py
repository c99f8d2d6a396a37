"""Groningen's cost table (council letter of 8 March 2023), reproduced by the cost model from records: a
32-hour participant under CAO SW in 2023, coached by a coaching organisation and a municipal coach, on a task
whose host contributes 100 a year, single (for the assistance no longer paid).

| letter                                          | published | model  | assumption that closes the gap          |
| wage costs and employer charges + employership  | 28,500    | 28,511 | Groningen's settings carry the letter's |
|                                                 |           |        | 15% charges incl. pension on the pay    |
| coaching, average of the first three years      | 5,000     | 4,833  | (4,000 + 3,000 + 3,000) / 3 + 1,500;    |
|                                                 |           |        | the letter rounds to "about 5,000"      |
| contribution of host organisations              | -100      | -100   | a task fee of 100 a year                |
| total                                           | 33,400    | 33,244 |                                         |
| wage-cost subsidy and benefits no longer paid   | -15,000   | -14,475| single norm of 2023, by day; no wage-   |
|                                                 |           |        | value assessment, so no subsidy         |
| net                                             | 18,400    | 18,769 |                                         |

Each model figure is within 4% of the published one.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import auth
from tests.employment_helpers import api, published_example

PUBLISHED = {"wage_and_employership": 28500, "coaching": 5000, "host": -100, "total": 33400, "offsets": -15000,
             "net": 18400}


def near(value, published, tolerance=Decimal("0.04")) -> bool:
    return abs(Decimal(value) - published) <= abs(Decimal(published)) * tolerance


@pytest.fixture
def participant(client, make_tenant, make_token):
    tenant = make_tenant("groningen")
    coach, admin = auth(make_token(tenant, "coach")), auth(make_token(tenant, "admin"))
    made = published_example(client, coach, admin)
    finance = auth(make_token(tenant, "finance"))
    return made["id"], finance, coach


def costs(client, headers, participant_id, start, end) -> dict:
    response = client.get(api("groningen", f"/participants/{participant_id}/costs"), headers=headers,
                          query_string={"from": start, "to": end})
    assert response.status_code == 200, response.json
    return response.json


def test_the_published_cost_table_of_groningen(client, participant):
    pid, finance, _ = participant
    year = costs(client, finance, pid, "2023-01-01", "2024-01-01")
    lines = {code: Decimal(v) for code, v in year["totals"]["lines"].items()}
    assert year["missing"] == [] and year["provisional_from"] is None
    wage_and_employership = lines["wages"] + lines["employer_charges"] + lines["employership"]
    three = costs(client, finance, pid, "2023-01-01", "2026-01-01")
    three_lines = {code: Decimal(v) for code, v in three["totals"]["lines"].items()}
    coaching = (three_lines["coaching_external"] + three_lines["coaching_municipal"]) / 3
    total = wage_and_employership + coaching + lines["host_contribution"]
    offsets = Decimal(year["totals"]["offsets"])
    net = total + offsets
    model = {"wage_and_employership": wage_and_employership, "coaching": coaching, "host": lines["host_contribution"],
             "total": total, "offsets": offsets, "net": net}
    for key, published in PUBLISHED.items():
        assert near(model[key], published), (key, model[key], published)
    # The lines as the model computes them from the records and the settings.
    assert round(lines["wages"]) == 23488  # CAO SW pay: 12.40 then 12.79 an hour, 8% + 3.75% on top
    assert lines["employership"] == Decimal(1500) and lines["host_contribution"] == Decimal(-100)
    assert round(coaching) == 4833 and lines["wage_cost_subsidy"] == 0
    # Day-accurate: 181 days of 2023 at 12 x 1,195.66 a year and 184 days at 12 x 1,216.62.
    assert lines["assistance_saved"] == -(Decimal("1195.66") * 12 * 181 / 365
                                          + Decimal("1216.62") * 12 * 184 / 365).quantize(Decimal("0.01"))


def test_every_line_says_how_it_was_computed(client, participant):
    pid, finance, _ = participant
    year = costs(client, finance, pid, "2023-01-01", "2024-01-01")
    lines = {line["code"]: line for line in year["lines"]}
    wages = lines["wages"]["bases"]
    assert [(b["start"], b["end"], b["rate"], b["hours"]) for b in wages] == [
        ("2023-01-01", "2023-07-01", "12.40", "32.0"), ("2023-07-01", "2024-01-01", "12.79", "32.0")]
    assert all("CAO SW" in b["source"] and "minimum_wage" in b["source"] for b in wages)
    [coaching] = lines["coaching_external"]["bases"]
    assert (coaching["rate"], coaching["unit"], coaching["days"]) == ("4000", "per_year", 365)
    assert coaching["source"] == "setting coaching_external_first_year"
    assistance = lines["assistance_saved"]["bases"]
    assert [b["rate"] for b in assistance] == ["1195.66", "1216.62"] and assistance[0]["unit"] == "per_month"
    # Day-accurate: half a year costs half the coaching, and the second year is at the later-years rate.
    later = {line["code"]: line for line in costs(client, finance, pid, "2024-01-01", "2024-07-01")["lines"]}
    [half] = later["coaching_external"]["bases"]
    assert half["rate"] == "3000" and half["days"] == 182
    assert Decimal(later["coaching_external"]["amount"]) == (Decimal(3000) * 182 / 366).quantize(Decimal("0.01"))


def test_a_wage_value_assessment_gives_a_wage_cost_subsidy(client, participant):
    """Participatiewet art. 10d: (WML - wage value) for the hours with the statutory holiday allowance, at most
    70% of WML, plus 23.5% for employer charges; from the assessment's date on."""
    pid, finance, coach = participant
    year = ("2024-01-01", "2025-01-01")
    assert Decimal(costs(client, finance, pid, *year)["totals"]["lines"]["wage_cost_subsidy"]) == 0
    bad = client.post(api("groningen", f"/participants/{pid}/wage-values"), headers=coach,
                      json={"assessed_on": "2024-01-01", "wage_value_percent": "150", "assessor": "UWV"})
    assert bad.status_code == 422 and "wage_value_percent" in bad.json["errors"]
    made = client.post(api("groningen", f"/participants/{pid}/wage-values"), headers=coach,
                       json={"assessed_on": "2024-01-01", "wage_value_percent": "50", "assessor": "UWV"})
    assert made.status_code == 201, made.json
    assert client.post(api("groningen", f"/participants/{pid}/wage-values"), headers=finance,
                       json={"assessed_on": "2024-01-01", "wage_value_percent": "50", "assessor": "x"}).status_code == 403
    subsidy = Decimal(costs(client, finance, pid, *year)["totals"]["lines"]["wage_cost_subsidy"])
    expected = sum(Decimal(hourly) * 32 / 7 * days * Decimal("1.08") * Decimal("0.5") * Decimal("1.235")
                   for hourly, days in (("13.27", 182), ("13.68", 184)))
    assert subsidy == -expected.quantize(Decimal("0.01"))
    # A wage value of 10% hits the cap: 70% of WML.
    client.post(api("groningen", f"/participants/{pid}/wage-values"), headers=coach,
                json={"assessed_on": "2024-07-01", "wage_value_percent": "10", "assessor": "UWV"})
    capped = Decimal(costs(client, finance, pid, "2024-07-01", "2025-01-01")["totals"]["lines"]["wage_cost_subsidy"])
    assert capped == -(Decimal("13.68") * 32 / 7 * 184 * Decimal("1.08") * Decimal("0.7") * Decimal("1.235")
                       ).quantize(Decimal("0.01"))


def test_a_period_without_published_norms_says_so(client, participant):
    pid, finance, _ = participant
    result = costs(client, finance, pid, "2025-07-01", "2026-01-01")
    assert result["missing"] == []
    # The contract ends 2025-12-31; a permanent one would run into 2026, where no norm is published here.
    later = costs(client, finance, pid, "2025-12-01", "2026-02-01")
    assert later["missing"] == []  # nobody employed in 2026: nothing to price
