"""The OpenAPI document describes every tenant route of the app, the bearer scheme and the error shape."""

from __future__ import annotations

import json
import re

import pytest

from basisbaan.api.context import TENANT_PREFIX
from basisbaan.api.errors import ErrorSchema

SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def openapi_path(rule: str) -> str:
    """/api/v1/t/<tenant>/x/<uuid:x_id> -> /api/v1/t/{tenant}/x/{x_id}"""
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule)


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))  # valid JSON, parsed independently of Flask


def test_openapi_path_conversion():
    assert openapi_path("/api/v1/t/<tenant>") == "/api/v1/t/{tenant}"
    assert (openapi_path("/api/v1/t/<tenant>/n/<uuid:neighbourhood_id>")
            == "/api/v1/t/{tenant}/n/{neighbourhood_id}")


def test_openapi_document_basics(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"] == "v1"


def test_every_tenant_route_is_documented_with_its_methods(app, spec):
    rules = [r for r in app.url_map.iter_rules()
             if r.rule == TENANT_PREFIX or r.rule.startswith(TENANT_PREFIX + "/")]
    assert len(rules) >= 5
    for rule in rules:
        path = openapi_path(rule.rule)
        assert path in spec["paths"], f"{rule.rule} is missing from the OpenAPI document"
        item = spec["paths"][path]
        for method in rule.methods - SKIPPED_METHODS:
            operation = item.get(method.lower())
            assert operation, f"{method} {path} is not documented"
            assert operation.get("summary") or operation.get("description"), f"{method} {path} has no summary"
        # Every path parameter of the rule is declared.
        declared = {p["name"] for p in item.get("parameters", [])}
        for operation in (item[m.lower()] for m in rule.methods - SKIPPED_METHODS):
            declared |= {p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"}
        assert set(rule.arguments) <= declared, (path, rule.arguments, declared)


def test_documented_tenant_paths_exist_in_the_app(app, spec):
    rules = {openapi_path(r.rule) for r in app.url_map.iter_rules()}
    for path in spec["paths"]:
        assert path in rules, f"{path} is documented but not served"


def test_bearer_security_scheme(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["type"] == "http"
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert {"bearerAuth": []} in spec["security"]
    # The health check is public; the tenant routes inherit the bearer requirement.
    assert spec["paths"]["/healthz"]["get"]["security"] == []
    for path, item in spec["paths"].items():
        if path.startswith("/api/v1/t/"):
            for operation in item.values():
                if isinstance(operation, dict) and "responses" in operation:
                    assert operation.get("security", spec["security"]) == spec["security"], path


def test_error_schema(spec):
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == set(ErrorSchema().fields) == {"code", "status", "message", "errors"}
    assert set(error["required"]) == {"code", "status", "message"}
    assert error["properties"]["status"]["type"] == "integer"
    default = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert default["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
    # Operations taking input document their validation error with the error schema.
    post = spec["paths"]["/api/v1/t/{tenant}/neighbourhoods"]["post"]
    assert "422" in post["responses"]
    assert post["responses"]["422"]["$ref"].endswith("/UNPROCESSABLE_ENTITY")
    ref = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]
    assert ref["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"


def test_paginated_lists_document_the_pagination_header(spec):
    for path in ("/api/v1/t/{tenant}/neighbourhoods", "/api/v1/t/{tenant}/organisations",
                 "/api/v1/t/{tenant}/participants", "/api/v1/t/{tenant}/tasks"):
        get = spec["paths"][path]["get"]
        names = {p["name"] for p in get["parameters"] if p["in"] == "query"}
        assert {"page", "page_size", "q"} <= names
        assert "X-Pagination" in get["responses"]["200"].get("headers", {})


def test_docs_page(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "openapi.json" in response.get_data(as_text=True)


def test_spec_needs_no_token(client):
    assert client.get("/api/v1/openapi.json", headers={"Authorization": "Bearer garbage"}).status_code == 200


def test_employment_paths_are_documented(spec):
    """The participants API of issue 6 (the generic test above covers them too; this names them)."""
    prefix = "/api/v1/t/{tenant}"
    participant = f"{prefix}/participants/{{participant_id}}"
    expected = {
        f"{prefix}/participants": {"get", "post"},
        participant: {"get", "patch"},
        f"{participant}/contracts": {"get", "post"},
        f"{participant}/contracts/{{contract_id}}": {"get", "patch"},
        f"{participant}/contracts/{{contract_id}}/performance-reports": {"post"},
        f"{participant}/absences": {"get", "post"},
        f"{participant}/absences/{{absence_id}}": {"patch"},
        f"{participant}/absences/{{absence_id}}/gatekeeper-steps": {"post"},
        f"{participant}/exit": {"post"},
        f"{prefix}/absence-rate": {"get"},
        f"{prefix}/worklist": {"get"},
        f"{prefix}/cao-terms": {"get"},
        f"{prefix}/cao-transition/preview": {"post"},
        f"{prefix}/cao-transition": {"post"},
    }
    for path, methods in expected.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), (path, set(spec["paths"][path]))
        for method in methods:
            operation = spec["paths"][path][method]
            if method in {"post", "patch"}:
                assert "422" in operation["responses"], (method, path)
    # Query parameters of the list and the absence rate are documented.
    names = {p["name"] for p in spec["paths"][f"{prefix}/participants"]["get"]["parameters"] if p["in"] == "query"}
    assert {"status", "neighbourhood_id", "coach_id", "coaching_organisation_id", "employer_id", "cao",
            "contract_kind", "q", "on"} <= names
    names = {p["name"] for p in spec["paths"][f"{prefix}/absence-rate"]["get"]["parameters"] if p["in"] == "query"}
    assert {"from", "to", "participant_id"} <= names


def test_work_paths_are_documented(spec):
    """Tasks, displacement checks and task packages (the generic test above covers them too; this names them)."""
    prefix = "/api/v1/t/{tenant}"
    task = f"{prefix}/tasks/{{task_id}}"
    assignments = f"{prefix}/participants/{{participant_id}}/assignments"
    expected = {
        f"{prefix}/tasks": {"get", "post"},
        task: {"get", "patch"},
        f"{task}/displacement-checks": {"get", "post"},
        assignments: {"get", "post"},
        f"{assignments}/{{assignment_id}}": {"patch"},
    }
    for path, methods in expected.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), (path, set(spec["paths"][path]))
        for method in methods:
            operation = spec["paths"][path][method]
            assert operation.get("summary") or operation.get("description"), (method, path)
            if method in {"post", "patch"}:
                assert "422" in operation["responses"], (method, path)
    names = {p["name"] for p in spec["paths"][f"{prefix}/tasks"]["get"]["parameters"] if p["in"] == "query"}
    assert {"status", "category", "neighbourhood_id", "host_organisation_id", "q", "page", "page_size"} <= names
    names = {p["name"] for p in spec["paths"][assignments]["get"]["parameters"] if p["in"] == "query"}
    assert "on" in names
    # The check's four questions and the PATCH's version are part of the documented request bodies.
    schemas = spec["components"]["schemas"]

    def body_schema(path, method):
        ref = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return schemas[ref.rsplit("/", 1)[-1]]

    check = body_schema(f"{task}/displacement-checks", "post")
    assert {"done_by_paid_staff", "host_would_hire", "done_by_volunteers", "is_additional", "verdict",
            "reasons", "checked_on"} <= set(check["required"])
    assert "version" in body_schema(task, "patch")["properties"]


def test_support_paths_are_documented(spec):
    """Coaching sessions, coaching hours and a participant's support (debt assistance, training)."""
    prefix = "/api/v1/t/{tenant}"
    support = f"{prefix}/participants/{{participant_id}}/support"
    expected = {
        f"{prefix}/coaching-sessions": {"get", "post"},
        f"{prefix}/coaching-hours": {"get"},
        support: {"get"},
        f"{support}/debt": {"post"},
        f"{support}/debt/{{debt_id}}": {"patch"},
        f"{support}/trainings": {"post"},
        f"{support}/trainings/{{training_id}}": {"patch"},
    }
    for path, methods in expected.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), (path, set(spec["paths"][path]))
        for method in methods:
            operation = spec["paths"][path][method]
            assert operation.get("summary") or operation.get("description"), (method, path)
            if method in {"post", "patch"}:
                assert "422" in operation["responses"], (method, path)
    names = {p["name"] for p in spec["paths"][f"{prefix}/coaching-sessions"]["get"]["parameters"]
             if p["in"] == "query"}
    assert {"participant_id", "from", "to", "kind", "page", "page_size"} <= names
    assert "X-Pagination" in spec["paths"][f"{prefix}/coaching-sessions"]["get"]["responses"]["200"].get("headers", {})
    names = {p["name"] for p in spec["paths"][f"{prefix}/coaching-hours"]["get"]["parameters"] if p["in"] == "query"}
    assert {"from", "to", "participant_id", "neighbourhood_id", "coach_id", "coaching_organisation_id"} <= names
    schemas = spec["components"]["schemas"]

    def body_schema(path, method):
        ref = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return schemas[ref.rsplit("/", 1)[-1]]

    assert {"participant_id", "held_on", "kind", "hours"} <= set(body_schema(f"{prefix}/coaching-sessions",
                                                                            "post")["required"])
    assert "version" in body_schema(f"{support}/debt/{{debt_id}}", "patch")["required"]
    assert "version" in body_schema(f"{support}/trainings/{{training_id}}", "patch")["required"]


def assert_documented(spec, expected: dict[str, set[str]]) -> None:
    """Exactly these methods on each path, each with a summary; every write documents its 422."""
    for path, methods in expected.items():
        assert path in spec["paths"], path
        assert methods == set(spec["paths"][path]) - {"parameters"}, (path, set(spec["paths"][path]))
        for method in methods:
            operation = spec["paths"][path][method]
            assert operation.get("summary") or operation.get("description"), (method, path)
            if method in {"post", "put", "patch"}:
                assert "422" in operation["responses"], (method, path)


def test_matching_and_wellbeing_paths_are_documented(spec):
    """Work profiles, matches (participant, candidate, task), wellbeing and the change per domain."""
    prefix = "/api/v1/t/{tenant}"
    participant = f"{prefix}/participants/{{participant_id}}"
    candidate = f"{prefix}/candidates/{{candidate_id}}"
    expected = {
        f"{participant}/work-profile": {"get", "put"},
        f"{participant}/matches": {"get"},
        f"{candidate}/work-profile": {"get", "put"},
        f"{candidate}/matches": {"get"},
        f"{prefix}/tasks/{{task_id}}/matches": {"get"},
        f"{participant}/wellbeing": {"get", "post"},
        f"{prefix}/wellbeing-change": {"get"},
    }
    assert_documented(spec, expected)
    for path in (f"{participant}/matches", f"{candidate}/matches", f"{prefix}/tasks/{{task_id}}/matches"):
        names = {p["name"] for p in spec["paths"][path]["get"]["parameters"] if p["in"] == "query"}
        assert {"on", "limit", "include_blocked"} <= names, path
    names = {p["name"] for p in spec["paths"][f"{prefix}/wellbeing-change"]["get"]["parameters"] if p["in"] == "query"}
    assert {"from", "to", "neighbourhood_id", "coach_id", "coaching_organisation_id"} <= names
    schemas = spec["components"]["schemas"]
    factor = schemas["Factor"]["properties"]
    assert {"factor", "points", "outcome", "blocks", "details"} <= set(factor)
    assert "same_area" in factor["outcome"]["description"]
    assert {"instrument", "participants", "domains", "suppressed"} <= set(schemas["WellbeingChange"]["properties"])


def test_financing_paths_are_documented(spec):
    """A participant's costs and wage values, programme costs, funding sources and allocations, the budget
    and forecasts; money is a decimal string, never a float."""
    prefix = "/api/v1/t/{tenant}"
    participant = f"{prefix}/participants/{{participant_id}}"
    expected = {
        f"{participant}/costs": {"get"},
        f"{participant}/wage-values": {"get", "post"},
        f"{prefix}/costs": {"get"},
        f"{prefix}/funding-sources": {"get", "post"},
        f"{prefix}/funding-sources/{{source_id}}": {"get", "patch"},
        f"{prefix}/funding-sources/{{source_id}}/allocations": {"post"},
        f"{prefix}/budget": {"get"},
        f"{prefix}/forecasts": {"get", "post"},
        f"{prefix}/forecasts/{{forecast_id}}": {"get"},
    }
    assert_documented(spec, expected)
    names = {p["name"] for p in spec["paths"][f"{prefix}/costs"]["get"]["parameters"] if p["in"] == "query"}
    assert {"from", "to", "group_by"} <= names
    schemas = spec["components"]["schemas"]
    totals = schemas["Totals"]["properties"]
    assert {"gross", "offsets", "net", "lines"} <= set(totals)
    assert totals["net"]["type"] == "string" and totals["net"].get("format") == "decimal"
    assert {"rate", "unit", "days", "source"} <= set(schemas["Basis"]["properties"])
    assert "projection" in schemas["Forecast"]["properties"]
    assert {"start_year", "end_year", "growth_per_year", "target"} <= set(schemas["Scenario"]["properties"])


def test_every_key_figure_is_documented(spec):
    prefix = "/api/v1/t/{tenant}"
    assert_documented(spec, {f"{prefix}/kpis": {"get"}})
    names = {p["name"] for p in spec["paths"][f"{prefix}/kpis"]["get"]["parameters"] if p["in"] == "query"}
    assert {"as_of", "from", "to"} <= names
    properties = spec["components"]["schemas"]["Kpi"]["properties"]
    keys = {"participants_active", "participants_started_total", "permanent_contracts", "exits_total",
            "exits_by_reason", "dropouts", "candidates_spoken", "candidates_not_started_by_reason", "conversion_rate",
            "hours_distribution", "average_hours", "participants_by_neighbourhood", "absence_rate",
            "coaching_hours_per_participant_week", "debt_support_count", "share_over_50", "by_gender", "by_household",
            "wellbeing_change", "costs", "target", "target_year"}
    assert keys <= set(properties)
    for key in keys - {"target_year"}:
        assert properties[key].get("description"), key


def test_report_snapshot_paths_are_documented(spec):
    prefix = "/api/v1/t/{tenant}"
    assert_documented(spec, {f"{prefix}/report-snapshots": {"get", "post"},
                             f"{prefix}/report-snapshots/{{snapshot_id}}": {"get"}})
    detail = spec["components"]["schemas"]["SnapshotDetail"]["properties"]
    assert {"html", "figures", "data_hash", "data_changed", "definition_version", "created_by"} <= set(detail)
