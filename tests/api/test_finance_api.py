"""Financing through the API: a participant's costs, wage values, programme costs grouped, funding sources
with allocations, budget versus actual, forecast scenarios. Every endpoint's happy path and JSON shape, money
as strings (two decimals in totals), refusals naming the field (422) while saving nothing (rows counted as the
owner), and who may do what (403)."""

from __future__ import annotations

import itertools
import json
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from basisbaan.domain.costs import LINES
from basisbaan.extensions import db
from basisbaan.services import tenants as tenant_service
from basisbaan.services import tokens as token_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope
from tests.conftest import auth
from tests.employment_helpers import api, coaching, contract_body, employer, started_candidate

D = Decimal
CENT = D("0.01")
MONEY = re.compile(r"^-?\d+\.\d{2}$")
TOTAL_KEYS = {"lines", "costs", "contributions", "gross", "offsets", "net"}
COUNTED_TABLES = ("wage_value_assessments", "funding_sources", "funding_allocations", "forecasts", "audit_events")
YEAR_2024 = {"from": "2024-01-01", "to": "2025-01-01"}
PLAN = {"start_year": 2024, "end_year": 2026, "growth_per_year": 50, "target": 250, "current": 132}
_counter = itertools.count(1)


@dataclass(frozen=True)
class Env:
    tenant: object
    slug: str
    coach: dict
    admin: dict
    finance: dict
    viewer: dict
    jobcoach: dict       # a job coach of `org`
    org: str
    employer: str
    participant: str     # 35 hours from 2024-01-01 (permanent), 28 hours from 2024-09-01; coached by `org`


def token(app, tenant, role: str, organisation: str | None = None) -> dict:
    with app.app_context():
        found = tenant_service.get_by_slug(db.session, tenant.slug)
        with tenant_scope(db.session, found.id):
            issued = token_service.create(db.session, found, role=role, name=f"{role}-{next(_counter)}", days=30,
                                          max_days=366, actor=Actor.system("test"),
                                          **({"organisation": organisation} if organisation else {}))
        db.session.commit()
        db.session.remove()
    return auth(issued.plaintext)


def begin(client, slug, coach, employer_id, *, started_on="2024-01-01", organisation=None, **candidate) -> dict:
    cid = started_candidate(client, coach, slug, **candidate)
    body = {"candidate_id": cid, "started_on": started_on,
            "contract": contract_body(employer_id, kind="permanent", end_on=None, hours_per_week="35")}
    if organisation:
        body["coaching_organisation_id"] = organisation
    made = client.post(api(slug, "/participants"), headers=coach, json=body)
    assert made.status_code == 201, made.json
    return made.json


@pytest.fixture
def gr(app, client, make_tenant) -> Env:
    tenant = make_tenant("groningen")
    coach, admin = token(app, tenant, "coach"), token(app, tenant, "admin")
    org = coaching(client, admin, tenant.slug, "Begeleiding Noord")
    employer_id = employer(client, admin, tenant.slug, "Thermiek BV")
    made = begin(client, tenant.slug, coach, employer_id, organisation=org, household_type="single")
    contract = made["current_contract"]["id"]
    current = client.get(api(tenant.slug, f"/participants/{made['id']}/contracts/{contract}"), headers=coach)
    assert current.status_code == 200, current.json
    changed = client.patch(api(tenant.slug, f"/participants/{made['id']}/contracts/{contract}"), headers=coach,
                           json={"version": current.json["version"], "valid_from": "2024-09-01",
                                 "hours_per_week": "28"})
    assert changed.status_code == 200, changed.json
    return Env(tenant, tenant.slug, coach, admin, token(app, tenant, "finance"), token(app, tenant, "viewer"),
               token(app, tenant, "jobcoach", org), org, employer_id, made["id"])


def counts(owner_engine, tenant) -> dict[str, int]:
    with owner_engine.connect() as conn:
        found = {}
        for name in COUNTED_TABLES:
            table = db.metadata.tables[name]
            found[name] = conn.execute(select(func.count()).select_from(table)
                                       .where(table.c.tenant_id == tenant.id)).scalar()
        return found


def refused(response, status: int, field: str | None) -> dict:
    assert response.status_code == status, (response.status_code, response.json)
    body = response.json
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["status"] == status
    if field is not None:
        assert field in body["errors"], body
    return body


def get(client, env: Env, path: str, headers=None, expect=200, **query):
    response = client.get(api(env.slug, path), headers=headers or env.finance, query_string=query)
    assert response.status_code == expect, (response.status_code, response.json)
    return response.json


def post(client, env: Env, path: str, body: dict, headers=None, expect=201):
    response = client.post(api(env.slug, path), headers=headers or env.finance, json=body)
    assert response.status_code == expect, (response.status_code, response.json)
    return response.json


def assert_totals(totals: dict) -> dict[str, Decimal]:
    """Totals are money strings with two decimals; returns them as Decimals."""
    assert set(totals) == TOTAL_KEYS
    assert set(totals["lines"]) == set(LINES)
    for value in (*totals["lines"].values(), *(totals[k] for k in TOTAL_KEYS - {"lines"})):
        assert isinstance(value, str) and MONEY.match(value), value
    return {k: D(v) for k, v in {**totals["lines"], **{k: totals[k] for k in TOTAL_KEYS - {"lines"}}}.items()}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def wage(hourly, hours_per_day, days) -> Decimal:
    return D(hourly) * hours_per_day * days * D("1.1175")  # CAO SW pay factor


# --- a participant's costs ------------------------------------------------------------------------------------

def test_a_participants_costs_line_by_line(client, gr):
    body = get(client, gr, f"/participants/{gr.participant}/costs", **YEAR_2024)
    assert set(body) == {"participant_id", "from", "to", "lines", "totals", "missing", "provisional_from"}
    assert (body["participant_id"], body["from"], body["to"]) == (gr.participant, "2024-01-01", "2025-01-01")
    assert body["missing"] == [] and body["provisional_from"] is None
    assert [line["code"] for line in body["lines"]] == list(LINES)
    totals = assert_totals(body["totals"])

    wages = wage("13.27", 5, 182) + wage("13.68", 5, 62) + wage("13.68", 4, 122)
    assert totals["wages"] == cents(wages)
    assert totals["employer_charges"] == cents(wages * D("0.15"))
    assert totals["employership"] == D("1500.00") and totals["coaching_municipal"] == D("1500.00")
    assert totals["coaching_external"] == cents(D(4000))  # the first employment year, all of 2024
    assert totals["assistance_saved"] == cents(-(D("1283.83") * 182 + D("1308.45") * 184) * 12 / 366)
    assert totals["host_contribution"] == 0 and totals["training"] == 0 and totals["wage_cost_subsidy"] == 0
    assert totals["costs"] == cents(wages * D("1.15") + 1500 + 1500 + 4000)
    assert totals["gross"] == totals["costs"] + totals["contributions"]
    assert abs(totals["net"] - (totals["gross"] + totals["offsets"])) <= CENT

    lines = {line["code"]: line for line in body["lines"]}
    for line in body["lines"]:
        assert set(line) == {"code", "amount", "bases"}
        assert MONEY.match(line["amount"]) and line["amount"] == body["totals"]["lines"][line["code"]]
        for basis in line["bases"]:
            assert set(basis) == {"start", "end", "days", "amount", "rate", "unit", "hours", "source"}
            assert isinstance(basis["amount"], str) and isinstance(basis["rate"], str)
            assert isinstance(basis["days"], int)
    assert [(b["start"], b["end"], b["days"], b["rate"], b["hours"]) for b in lines["wages"]["bases"]] == [
        ("2024-01-01", "2024-07-01", 182, "13.27", "35.0"), ("2024-07-01", "2024-09-01", 62, "13.68", "35.0"),
        ("2024-09-01", "2025-01-01", 122, "13.68", "28.0")]
    assert D(lines["wages"]["bases"][0]["amount"]) == wage("13.27", 5, 182)  # unrounded in the bases
    assert [(b["unit"], b["source"]) for b in lines["employership"]["bases"]] == [
        ("per_year", "setting employership_cost_per_year")]
    assert lines["coaching_external"]["bases"][0]["source"] == "setting coaching_external_first_year"
    assert lines["training"]["bases"] == []


def test_a_training_with_a_cost_and_a_wage_value_show_in_the_costs(client, gr):
    made = client.post(api(gr.slug, f"/participants/{gr.participant}/support/trainings"), headers=gr.coach,
                       json={"kind": "first_aid", "name": "BHV basis", "started_on": "2024-02-01", "cost": "245.50"})
    assert made.status_code == 201, made.json
    post(client, gr, f"/participants/{gr.participant}/wage-values",
         {"assessed_on": "2024-07-01", "wage_value_percent": "50", "assessor": "UWV"}, headers=gr.coach)
    body = get(client, gr, f"/participants/{gr.participant}/costs", **YEAR_2024)
    lines = {line["code"]: line for line in body["lines"]}
    assert lines["training"]["amount"] == "245.50"
    assert [(b["start"], b["end"], b["unit"], b["source"]) for b in lines["training"]["bases"]] == [
        ("2024-02-01", "2024-02-02", "one_off", "training: BHV basis")]
    subsidy = (D("13.68") * 5 * 62 + D("13.68") * 4 * 122) * D("1.08") * D("0.5") * D("1.235")
    assert D(lines["wage_cost_subsidy"]["amount"]) == -cents(subsidy)
    assert [(b["start"], b["unit"], b["rate"]) for b in lines["wage_cost_subsidy"]["bases"]] == [
        ("2024-07-01", "wage_value_percent", "50.00"), ("2024-09-01", "wage_value_percent", "50.00")]


def test_unpublished_norms_and_provisional_wages_are_reported(client, gr):
    later = get(client, gr, f"/participants/{gr.participant}/costs", **{"from": "2025-07-01", "to": "2026-07-01"})
    assert later["missing"] == [{"parameter": "social-assistance norm", "first_day": "2026-01-01"}]
    assert later["provisional_from"] is None
    assert D(later["totals"]["lines"]["assistance_saved"]) == -cents(D("1369.06") * 12 * 184 / 365)
    year = get(client, gr, f"/participants/{gr.participant}/costs", **{"from": "2026-01-01", "to": "2027-01-01"})
    assert year["provisional_from"] == "2026-07-01"
    assert D(year["totals"]["lines"]["wages"]) == cents(wage("14.71", 4, 365))


@pytest.mark.parametrize("query, field", [
    ({"from": "2024-01-01", "to": "2024-01-01"}, "to"),
    ({"from": "2025-01-01", "to": "2024-01-01"}, "to"),
    ({"to": "2024-01-01"}, "from"),
    ({"from": "2024-01-01"}, "to"),
    ({"from": "2024-13-01", "to": "2025-01-01"}, "from"),
])
def test_a_wrong_period_is_refused_naming_the_field(client, gr, query, field):
    response = client.get(api(gr.slug, f"/participants/{gr.participant}/costs"), headers=gr.finance,
                          query_string=query)
    refused(response, 422, field)


def test_who_sees_a_participants_costs(client, gr):
    path = api(gr.slug, f"/participants/{gr.participant}/costs")
    for headers in (gr.finance, gr.coach):
        assert client.get(path, headers=headers, query_string=YEAR_2024).status_code == 200
    for headers in (gr.jobcoach, gr.viewer, gr.admin):
        refused(client.get(path, headers=headers, query_string=YEAR_2024), 403, None)
    assert client.get(path, query_string=YEAR_2024).status_code == 401
    refused(client.get(api(gr.slug, f"/participants/{uuid.uuid4()}/costs"), headers=gr.finance,
                       query_string=YEAR_2024), 404, None)


def test_reading_a_participants_costs_is_audited(app, client, gr, owner_engine):
    before = counts(owner_engine, gr.tenant)["audit_events"]
    get(client, gr, f"/participants/{gr.participant}/costs", **YEAR_2024)
    assert counts(owner_engine, gr.tenant)["audit_events"] == before + 1


# --- wage values ----------------------------------------------------------------------------------------------

def test_wage_values_are_recorded_and_listed(client, gr, owner_engine):
    path = f"/participants/{gr.participant}/wage-values"
    assert get(client, gr, path) == []
    first = post(client, gr, path, {"assessed_on": "2024-07-01", "wage_value_percent": "45.5", "assessor": " UWV "},
                 headers=gr.coach)
    assert set(first) == {"id", "assessed_on", "wage_value_percent", "assessor"}
    assert (first["assessed_on"], first["wage_value_percent"], first["assessor"]) == ("2024-07-01", "45.50", "UWV")
    post(client, gr, path, {"assessed_on": "2024-03-01", "wage_value_percent": "30", "assessor": "Ergon"},
         headers=gr.coach)
    listed = get(client, gr, path)
    assert [(w["assessed_on"], w["wage_value_percent"]) for w in listed] == [("2024-03-01", "30.00"),
                                                                             ("2024-07-01", "45.50")]
    assert get(client, gr, path, headers=gr.coach) == listed
    assert counts(owner_engine, gr.tenant)["wage_value_assessments"] == 2


@pytest.mark.parametrize("body, field", [
    ({"assessed_on": "2024-07-01", "wage_value_percent": "150", "assessor": "UWV"}, "wage_value_percent"),
    ({"assessed_on": "2024-07-01", "wage_value_percent": "-1", "assessor": "UWV"}, "wage_value_percent"),
    ({"assessed_on": "2024-07-01", "wage_value_percent": "veel", "assessor": "UWV"}, "wage_value_percent"),
    ({"assessed_on": "2024-07-01", "wage_value_percent": "50", "assessor": ""}, "assessor"),
    ({"assessed_on": "2024-07-01", "wage_value_percent": "50", "assessor": "   "}, "assessor"),
    ({"assessed_on": "2023-12-31", "wage_value_percent": "50", "assessor": "UWV"}, "assessed_on"),
    ({"assessed_on": "2099-01-01", "wage_value_percent": "50", "assessor": "UWV"}, "assessed_on"),
    ({"wage_value_percent": "50", "assessor": "UWV"}, "assessed_on"),
    ({"assessed_on": "2024-07-01", "wage_value_percent": "50", "assessor": "UWV", "extra": 1}, "extra"),
])
def test_a_wrong_wage_value_is_refused_naming_the_field(client, gr, owner_engine, body, field):
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/participants/{gr.participant}/wage-values"), headers=gr.coach, json=body),
            422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_who_may_read_and_record_wage_values(client, gr, owner_engine):
    path = api(gr.slug, f"/participants/{gr.participant}/wage-values")
    body = {"assessed_on": "2024-07-01", "wage_value_percent": "50", "assessor": "UWV"}
    before = counts(owner_engine, gr.tenant)
    for headers in (gr.finance, gr.admin, gr.viewer, gr.jobcoach):
        refused(client.post(path, headers=headers, json=body), 403, None)
    for headers in (gr.jobcoach, gr.viewer, gr.admin):
        refused(client.get(path, headers=headers), 403, None)
    assert counts(owner_engine, gr.tenant) == before


# --- programme costs ----------------------------------------------------------------------------------------

@pytest.fixture
def second(client, gr) -> str:
    """Another participant, from 2024-03-15 under CAO Aan de Slag at the municipality, no coaching organisation."""
    gemeente = employer(client, gr.admin, gr.slug, "Gemeente Groningen")
    cid = started_candidate(client, gr.coach, gr.slug, household_type="couple")
    made = client.post(api(gr.slug, "/participants"), headers=gr.coach, json={
        "candidate_id": cid, "started_on": "2024-03-15",
        "contract": contract_body(gemeente, kind="permanent", end_on=None, hours_per_week="28",
                                  cao="cao_aan_de_slag")})
    assert made.status_code == 201, made.json
    return made.json["id"]


@pytest.mark.parametrize("group_by, keys", [
    (None, ["total"]),
    ("year", ["2024"]),
    ("month", [f"2024-{m:02d}" for m in range(1, 13)]),
    ("employer", ["Gemeente Groningen", "Thermiek BV"]),
    ("cao", ["cao_aan_de_slag", "cao_sw"]),
    ("neighbourhood", ["none"]),
])
def test_programme_costs_grouped(client, gr, second, group_by, keys):
    query = {**YEAR_2024, **({"group_by": group_by} if group_by else {})}
    body = get(client, gr, "/costs", headers=gr.finance, **query)
    assert set(body) == {"from", "to", "group_by", "participants", "groups", "total", "missing", "provisional_from",
                         "suppressed_groups"}
    assert (body["from"], body["to"], body["group_by"], body["participants"], body["suppressed_groups"]) == (
        "2024-01-01", "2025-01-01", group_by, 2, 0)
    assert [g["key"] for g in body["groups"]] == keys
    total = assert_totals(body["total"])
    groups = [assert_totals(g["totals"]) for g in body["groups"]]
    for code in (*LINES, "net"):
        # Each group is rounded to cents on its own.
        assert abs(sum((g[code] for g in groups), D(0)) - total[code]) <= CENT * len(groups) / 2 + CENT, code
    one = assert_totals(get(client, gr, f"/participants/{gr.participant}/costs", **YEAR_2024)["totals"])
    other = assert_totals(get(client, gr, f"/participants/{second}/costs", **YEAR_2024)["totals"])
    assert abs(one["net"] + other["net"] - total["net"]) <= CENT
    assert body["missing"] == [] and body["provisional_from"] is None


@pytest.mark.parametrize("group_by, suppressed", [(None, 0), ("cao", 2), ("year", 1), ("month", 12)])
def test_roles_without_a_persons_costs_get_no_small_groups(client, gr, second, group_by, suppressed):
    """Two participants: every group is smaller than five, so a viewer or an admin sees none of them (only the
    total, which still counts them); finance and municipal coaches see every group."""
    query = {**YEAR_2024, **({"group_by": group_by} if group_by else {})}
    full = get(client, gr, "/costs", headers=gr.finance, **query)
    assert full["suppressed_groups"] == 0 and full["groups"]
    assert get(client, gr, "/costs", headers=gr.coach, **query) == full
    for headers in (gr.viewer, gr.admin):
        body = get(client, gr, "/costs", headers=headers, **query)
        assert body["suppressed_groups"] == suppressed
        assert body["total"] == full["total"] and body["participants"] == 2
        if group_by is None:
            assert body["groups"] == full["groups"]
        else:
            assert body["groups"] == []


@pytest.mark.parametrize("query, field", [
    ({**YEAR_2024, "group_by": "coach"}, "group_by"),
    ({"from": "2024-01-01", "to": "2024-01-01"}, "to"),
    ({"from": "2024-06-01", "to": "2024-01-01"}, "to"),
    ({"to": "2025-01-01"}, "from"),
    ({"from": "2024-01-01"}, "to"),
])
def test_wrong_programme_queries_are_refused_naming_the_field(client, gr, query, field):
    refused(client.get(api(gr.slug, "/costs"), headers=gr.finance, query_string=query), 422, field)


def test_who_reads_programme_costs(client, gr):
    for headers in (gr.coach, gr.admin, gr.viewer, gr.finance):
        assert client.get(api(gr.slug, "/costs"), headers=headers, query_string=YEAR_2024).status_code == 200
    refused(client.get(api(gr.slug, "/costs"), headers=gr.jobcoach, query_string=YEAR_2024), 403, None)


# --- funding sources ----------------------------------------------------------------------------------------

def source_body(**overrides) -> dict:
    body = {"name": "Gemeentelijk budget", "kind": "municipal_budget", "funder": "Gemeente Groningen",
            "amount": "1000000", "start_on": "2024-01-01", "end_on": "2026-12-31", "conditions": "Jaarlijks verslag",
            "earmark": "Basisbanen"}
    body.update(overrides)
    return body


def test_a_funding_source_is_recorded_read_and_listed(client, gr):
    made = post(client, gr, "/funding-sources", source_body())
    assert set(made) == {"id", "name", "kind", "funder", "amount", "start_on", "end_on", "conditions", "earmark",
                         "version", "allocated", "remaining", "allocations"}
    assert (made["amount"], made["allocated"], made["remaining"], made["allocations"], made["version"]) == (
        "1000000.00", "0.00", "1000000.00", [], 1)
    assert (made["start_on"], made["end_on"], made["earmark"]) == ("2024-01-01", "2026-12-31", "Basisbanen")
    one = get(client, gr, f"/funding-sources/{made['id']}", headers=gr.viewer)
    assert one == made
    post(client, gr, "/funding-sources", source_body(name="NPG", kind="grant", amount="250000.5",
                                                     start_on="2023-01-01", end_on=None), headers=gr.admin)
    listed = client.get(api(gr.slug, "/funding-sources"), headers=gr.coach)
    assert listed.status_code == 200
    assert [s["name"] for s in listed.json] == ["NPG", "Gemeentelijk budget"]  # by start date
    assert json.loads(listed.headers["X-Pagination"])["total"] == 2
    grants = get(client, gr, "/funding-sources", kind="grant")
    assert [(s["name"], s["amount"], s["end_on"]) for s in grants] == [("NPG", "250000.50", None)]
    refused(client.get(api(gr.slug, "/funding-sources"), headers=gr.finance, query_string={"kind": "gift"}),
            422, "kind")
    refused(client.get(api(gr.slug, f"/funding-sources/{uuid.uuid4()}"), headers=gr.finance), 404, None)


def test_the_list_of_funding_sources_shows_what_is_allocated(client, gr):
    made = post(client, gr, "/funding-sources", source_body())
    post(client, gr, f"/funding-sources/{made['id']}/allocations", {"year": 2024, "amount": "400000"})
    [listed] = get(client, gr, "/funding-sources")
    assert (listed["allocated"], listed["remaining"]) == ("400000.00", "600000.00")
    assert [a["amount"] for a in listed["allocations"]] == ["400000.00"]


@pytest.mark.parametrize("overrides, field, status", [
    ({"amount": "-1"}, "amount", 422),
    ({"amount": "1000000000.01"}, "amount", 422),
    ({"amount": "veel"}, "amount", 422),
    ({"end_on": "2023-12-31"}, "end_on", 422),
    ({"name": ""}, "name", 422),
    ({"name": "   "}, "name", 422),
    ({"kind": "gift"}, "kind", 422),
    ({"start_on": None}, "start_on", 422),
    ({"unknown": "x"}, "unknown", 422),
])
def test_a_wrong_funding_source_is_refused_naming_the_field(client, gr, owner_engine, overrides, field, status):
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, "/funding-sources"), headers=gr.finance, json=source_body(**overrides)),
            status, field)
    assert counts(owner_engine, gr.tenant) == before


def test_a_duplicate_funding_source_name_is_a_conflict(client, gr, owner_engine):
    post(client, gr, "/funding-sources", source_body(name="ESF+"))
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, "/funding-sources"), headers=gr.finance, json=source_body(name=" esf+ ")),
            409, "name")
    assert counts(owner_engine, gr.tenant) == before


def test_who_may_record_funding(client, gr, owner_engine):
    before = counts(owner_engine, gr.tenant)
    for headers in (gr.viewer, gr.coach, gr.jobcoach):
        refused(client.post(api(gr.slug, "/funding-sources"), headers=headers, json=source_body()), 403, None)
    assert counts(owner_engine, gr.tenant) == before
    refused(client.get(api(gr.slug, "/funding-sources"), headers=gr.jobcoach), 403, None)
    made = post(client, gr, "/funding-sources", source_body(), headers=gr.admin)
    for headers in (gr.viewer, gr.coach):
        refused(client.patch(api(gr.slug, f"/funding-sources/{made['id']}"), headers=headers,
                             json={"version": 1, "amount": "5"}), 403, None)
        refused(client.post(api(gr.slug, f"/funding-sources/{made['id']}/allocations"), headers=headers,
                            json={"year": 2024, "amount": "5"}), 403, None)
    assert get(client, gr, f"/funding-sources/{made['id']}", headers=gr.viewer)["amount"] == "1000000.00"


def test_allocations_and_what_remains(client, gr, owner_engine):
    made = post(client, gr, "/funding-sources", source_body(amount="1000000"))
    path = f"/funding-sources/{made['id']}/allocations"
    first = post(client, gr, path, {"year": 2024, "amount": "400000", "note": " eerste jaar "})
    assert set(first) == {"id", "year", "amount", "note"}
    assert (first["year"], first["amount"], first["note"]) == (2024, "400000.00", "eerste jaar")
    post(client, gr, path, {"year": 2025, "amount": "350000.25"})
    before = counts(owner_engine, gr.tenant)
    too_much = refused(client.post(api(gr.slug, path), headers=gr.finance, json={"year": 2026, "amount": "249999.76"}),
                       422, "amount")
    assert "249999.75" in too_much["errors"]["amount"][0]
    assert counts(owner_engine, gr.tenant) == before
    post(client, gr, path, {"year": 2026, "amount": "249999.75"})
    one = get(client, gr, f"/funding-sources/{made['id']}")
    assert (one["allocated"], one["remaining"]) == ("1000000.00", "0.00")
    assert [(a["year"], a["amount"]) for a in one["allocations"]] == [(2024, "400000.00"), (2025, "350000.25"),
                                                                      (2026, "249999.75")]
    refused(client.post(api(gr.slug, path), headers=gr.finance, json={"year": 2026, "amount": "0.01"}), 422, "amount")
    assert counts(owner_engine, gr.tenant)["funding_allocations"] == 3


@pytest.mark.parametrize("body, field", [
    ({"year": 2023, "amount": "100"}, "year"),
    ({"year": 2027, "amount": "100"}, "year"),
    ({"year": 1800, "amount": "100"}, "year"),
    ({"amount": "100"}, "year"),
    ({"year": 2024, "amount": "0"}, "amount"),
    ({"year": 2024, "amount": "-10"}, "amount"),
    ({"year": 2024}, "amount"),
    ({"year": 2024, "amount": "1000000.01"}, "amount"),
])
def test_a_wrong_allocation_is_refused_naming_the_field(client, gr, owner_engine, body, field):
    made = post(client, gr, "/funding-sources", source_body())
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, f"/funding-sources/{made['id']}/allocations"), headers=gr.finance, json=body),
            422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_allocating_to_an_unknown_source_is_not_found(client, gr):
    refused(client.post(api(gr.slug, f"/funding-sources/{uuid.uuid4()}/allocations"), headers=gr.finance,
                        json={"year": 2024, "amount": "1"}), 404, None)


def test_changing_a_funding_source(client, gr, owner_engine):
    made = post(client, gr, "/funding-sources", source_body(amount="1000"))
    post(client, gr, f"/funding-sources/{made['id']}/allocations", {"year": 2024, "amount": "600"})
    path = api(gr.slug, f"/funding-sources/{made['id']}")
    changed = client.patch(path, headers=gr.finance, json={"version": 1, "amount": "800", "funder": "Rijk"})
    assert changed.status_code == 200, changed.json
    assert (changed.json["amount"], changed.json["funder"], changed.json["version"]) == ("800.00", "Rijk", 2)
    assert (changed.json["allocated"], changed.json["remaining"]) == ("600.00", "200.00")
    assert changed.json["name"] == "Gemeentelijk budget" and changed.json["earmark"] == "Basisbanen"
    before = counts(owner_engine, gr.tenant)
    # A stale version.
    refused(client.patch(path, headers=gr.finance, json={"version": 1, "amount": "900"}), 409, "version")
    # Below what is allocated.
    low = refused(client.patch(path, headers=gr.finance, json={"version": 2, "amount": "599.99"}), 422, "amount")
    assert "600.00" in low["errors"]["amount"][0]
    refused(client.patch(path, headers=gr.finance, json={"version": 2, "end_on": "2023-06-30"}), 422, "end_on")
    refused(client.patch(path, headers=gr.finance, json={"version": 2, "amount": "-5"}), 422, "amount")
    assert counts(owner_engine, gr.tenant) == before
    assert get(client, gr, f"/funding-sources/{made['id']}")["amount"] == "800.00"
    same = client.patch(path, headers=gr.finance, json={"version": 2, "amount": "600"})
    assert same.status_code == 200 and same.json["remaining"] == "0.00"


def test_a_change_without_a_version_is_refused(client, gr, owner_engine):
    made = post(client, gr, "/funding-sources", source_body())
    response = client.patch(api(gr.slug, f"/funding-sources/{made['id']}"), headers=gr.finance,
                            json={"amount": "5"})
    refused(response, 422, "version")
    assert get(client, gr, f"/funding-sources/{made['id']}")["amount"] == "1000000.00"


def test_moving_the_end_before_allocated_years_names_end_on(client, gr):
    made = post(client, gr, "/funding-sources", source_body())
    post(client, gr, f"/funding-sources/{made['id']}/allocations", {"year": 2026, "amount": "5"})
    refused(client.patch(api(gr.slug, f"/funding-sources/{made['id']}"), headers=gr.finance,
                         json={"version": 1, "end_on": "2025-12-31"}), 422, "end_on")


# --- budget versus actual ------------------------------------------------------------------------------------

def test_budget_versus_actual(client, gr):
    made = post(client, gr, "/funding-sources", source_body(amount="100000"))
    grant = post(client, gr, "/funding-sources", source_body(name="NPG", kind="grant", amount="20000"))
    post(client, gr, f"/funding-sources/{made['id']}/allocations", {"year": 2024, "amount": "30000"})
    post(client, gr, f"/funding-sources/{grant['id']}/allocations", {"year": 2024, "amount": "2500.50"})
    post(client, gr, f"/funding-sources/{made['id']}/allocations", {"year": 2026, "amount": "40000"})
    body = get(client, gr, "/budget", headers=gr.viewer, from_year=2024, to_year=2026)
    assert set(body) == {"years", "missing", "provisional_from"}
    assert [y["year"] for y in body["years"]] == [2024, 2025, 2026]
    for year in body["years"]:
        assert set(year) == {"year", "budget", "by_source", "actual", "gap"}
        actual = assert_totals(year["actual"])
        assert MONEY.match(year["budget"]) and MONEY.match(year["gap"])
        assert abs(D(year["gap"]) - (actual["net"] - D(year["budget"]))) <= CENT
    first, second, third = body["years"]
    assert first["budget"] == "32500.50" and first["by_source"] == {"Gemeentelijk budget": "30000.00",
                                                                    "NPG": "2500.50"}
    assert second["budget"] == "0.00" and second["by_source"] == {}
    assert third["budget"] == "40000.00"
    costs_2024 = get(client, gr, "/costs", **YEAR_2024)["total"]
    assert first["actual"] == costs_2024
    # The participant's permanent contract runs into 2026.
    assert body["missing"] == [{"parameter": "social-assistance norm", "first_day": "2026-01-01"}]
    assert body["provisional_from"] == "2026-07-01"


@pytest.mark.parametrize("query, field", [
    ({"from_year": 2025, "to_year": 2024}, "to_year"),
    ({"from_year": 2000, "to_year": 2030}, "to_year"),
    ({"from_year": 2024}, "to_year"),
    ({"to_year": 2024}, "from_year"),
    ({"from_year": "dit jaar", "to_year": 2024}, "from_year"),
])
def test_wrong_budget_years_are_refused_naming_the_field(client, gr, query, field):
    refused(client.get(api(gr.slug, "/budget"), headers=gr.finance, query_string=query), 422, field)


def test_who_reads_the_budget(client, gr):
    for headers in (gr.coach, gr.admin, gr.viewer, gr.finance):
        assert client.get(api(gr.slug, "/budget"), headers=headers,
                          query_string={"from_year": 2024, "to_year": 2024}).status_code == 200
    refused(client.get(api(gr.slug, "/budget"), headers=gr.jobcoach,
                       query_string={"from_year": 2024, "to_year": 2024}), 403, None)


# --- forecasts -------------------------------------------------------------------------------------------------

def test_a_forecast_is_saved_with_its_projection(client, gr):
    made = post(client, gr, "/forecasts", {"name": "Groei naar 250", "description": "Raadsbrief 2023",
                                           "parameters": PLAN})
    assert set(made) == {"id", "name", "description", "parameters", "created_by", "created_at", "projection"}
    assert (made["name"], made["description"]) == ("Groei naar 250", "Raadsbrief 2023")
    assert made["parameters"]["current"] == 132 and made["parameters"]["cao"] == "cao_sw"
    projection = made["projection"]
    assert [y["year"] for y in projection] == [2024, 2025, 2026]
    for year in projection:
        assert set(year) == {"year", "participants_start", "starters", "exits", "participants_end", "totals",
                             "funding", "gap", "missing", "provisional"}
        assert_totals(year["totals"])
        assert MONEY.match(year["funding"]) and MONEY.match(year["gap"])
    assert [(y["participants_start"], y["starters"], y["participants_end"]) for y in projection] == [
        ("132.0", "50.0", "182.0"), ("182.0", "50.0", "232.0"), ("232.0", "18.0", "250.0")]
    nets = [D(y["totals"]["net"]) for y in projection]
    assert 0 < nets[0] < nets[1] < nets[2]
    assert projection[2]["missing"] == [{"parameter": "social-assistance norm", "first_day": "2026-01-01"}]
    assert projection[2]["provisional"] is True and projection[0]["provisional"] is False

    one = get(client, gr, f"/forecasts/{made['id']}", headers=gr.viewer)
    assert one["projection"] == projection and one["parameters"] == made["parameters"]
    listed = client.get(api(gr.slug, "/forecasts"), headers=gr.coach)
    assert listed.status_code == 200
    assert [f["name"] for f in listed.json] == ["Groei naar 250"]
    assert "projection" not in listed.json[0]
    refused(client.get(api(gr.slug, f"/forecasts/{uuid.uuid4()}"), headers=gr.finance), 404, None)


def test_the_projection_shows_the_funding_of_each_year(client, gr):
    made = post(client, gr, "/funding-sources", source_body(amount="10000000"))
    post(client, gr, f"/funding-sources/{made['id']}/allocations", {"year": 2025, "amount": "5000000"})
    forecast = post(client, gr, "/forecasts", {"name": "Plan", "parameters": {**PLAN, "carry_forward_norms": True}},
                    headers=gr.admin)
    years = {y["year"]: y for y in forecast["projection"]}
    assert years[2025]["funding"] == "5000000.00" and years[2024]["funding"] == "0.00"
    for year in years.values():
        assert abs(D(year["gap"]) - (D(year["totals"]["net"]) - D(year["funding"]))) <= CENT
        assert year["missing"] == []
    assert years[2026]["provisional"] is True


@pytest.mark.parametrize("parameters, field", [
    ({**PLAN, "target": 100}, "target"),
    ({**PLAN, "end_year": 2023}, "end_year"),
    ({**PLAN, "end_year": 2039}, "end_year"),
    ({**PLAN, "hours_per_week": "38"}, "hours_per_week"),
])
def test_a_wrong_scenario_is_refused_naming_the_field(client, gr, owner_engine, parameters, field):
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, "/forecasts"), headers=gr.finance,
                        json={"name": "Fout", "parameters": parameters}),
            422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_a_scenario_with_zero_hours_is_refused(client, gr, owner_engine):
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, "/forecasts"), headers=gr.finance,
                        json={"name": "Nul uur", "parameters": {**PLAN, "hours_per_week": "0"}}), 422, "hours_per_week")
    assert counts(owner_engine, gr.tenant) == before


@pytest.mark.parametrize("body, field", [
    ({"name": "Fout", "parameters": {**PLAN, "start_month": 13}}, "parameters"),
    ({"name": "Fout", "parameters": {**PLAN, "cao": "cao_onbekend"}}, "parameters"),
    ({"name": "Fout", "parameters": {**PLAN, "exit_rate": "1.5"}}, "parameters"),
    ({"name": "Fout", "parameters": {**PLAN, "onbekend": 1}}, "parameters"),
    ({"name": "Fout"}, "parameters"),
    ({"name": "", "parameters": PLAN}, "name"),
])
def test_a_malformed_forecast_is_refused(client, gr, owner_engine, body, field):
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, "/forecasts"), headers=gr.finance, json=body), 422, field)
    assert counts(owner_engine, gr.tenant) == before


def test_a_duplicate_forecast_name_is_a_conflict(client, gr, owner_engine):
    post(client, gr, "/forecasts", {"name": "Plan", "parameters": PLAN})
    before = counts(owner_engine, gr.tenant)
    refused(client.post(api(gr.slug, "/forecasts"), headers=gr.finance, json={"name": "PLAN", "parameters": PLAN}),
            409, "name")
    assert counts(owner_engine, gr.tenant) == before


def test_who_may_read_and_save_forecasts(client, gr, owner_engine):
    before = counts(owner_engine, gr.tenant)
    for headers in (gr.viewer, gr.coach, gr.jobcoach):
        refused(client.post(api(gr.slug, "/forecasts"), headers=headers, json={"name": "Plan", "parameters": PLAN}),
                403, None)
    assert counts(owner_engine, gr.tenant) == before
    for headers in (gr.viewer, gr.coach, gr.admin, gr.finance):
        assert client.get(api(gr.slug, "/forecasts"), headers=headers).status_code == 200
    refused(client.get(api(gr.slug, "/forecasts"), headers=gr.jobcoach), 403, None)


def test_amersfoort_can_only_plan_under_cao_aan_de_slag(app, client, make_tenant):
    tenant = make_tenant("amersfoort")
    finance = token(app, tenant, "finance")
    scenario = {"start_year": 2026, "end_year": 2026, "current": 0, "growth_per_year": 20}
    refused(client.post(api("amersfoort", "/forecasts"), headers=finance,
                        json={"name": "CAO SW", "parameters": {**scenario, "cao": "cao_sw"}}), 422, "cao")
    made = client.post(api("amersfoort", "/forecasts"), headers=finance,
                       json={"name": "Twintig banen", "parameters": {**scenario, "cao": "cao_aan_de_slag"}})
    assert made.status_code == 201, made.json
    [year] = made.json["projection"]
    assert year["starters"] == "20.0"
    lines = {k: D(v) for k, v in year["totals"]["lines"].items()}
    assert lines["wages"] > 0 and D(year["totals"]["costs"]) > 0
    assert abs(lines["employer_charges"] - lines["wages"] * D("0.24")) <= CENT  # 18% + 6% pension
