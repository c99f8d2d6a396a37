"""Attach the API (flask-smorest) and its blueprints to the app."""

from __future__ import annotations

from flask import Flask

from basisbaan.api import (candidates, finance, health, kpis, matching, snapshots, participants, reference, reports, support, tasks,
                           tenant, wellbeing)
from basisbaan.api.errors import BasisbaanApi, handle_domain_error
from basisbaan.errors import DomainError

SECURITY = {
    "components": {"securitySchemes": {"bearerAuth": {
        "type": "http", "scheme": "bearer",
        "description": "`basisbaan token create --tenant <slug> --role <role>` prints a token.",
    }}},
    "security": [{"bearerAuth": []}],
    "info": {"description": "The Basisbaan platform API. Tenant-scoped resources live under "
                            "/api/v1/t/{tenant}/. Errors share one shape: code, status, message, errors."},
}


def init_api(app: Flask) -> None:
    app.config.setdefault("API_SPEC_OPTIONS", SECURITY)
    api = BasisbaanApi(app)  # one per app: flask-smorest keeps the spec on the Api object
    app.extensions["basisbaan.api"] = api
    for bp in (health.bp, tenant.bp, reference.neighbourhoods, reference.organisations, candidates.bp,
               candidates.funnel_bp, participants.bp, participants.absence_rate_bp, participants.worklist_bp,
               participants.cao_bp, tasks.bp, tasks.assignments_bp, support.coaching_bp, support.hours_bp,
               support.support_bp, matching.participant_bp, matching.candidate_bp, matching.task_bp, wellbeing.bp,
               wellbeing.change_bp, finance.participant_bp, finance.costs_bp, finance.funding_bp, finance.budget_bp,
               finance.forecasts_bp, kpis.bp, snapshots.bp, reports.bp):
        api.register_blueprint(bp)
        # Machines authenticate with bearer tokens; browser sessions send X-CSRFToken (api/context.py).
        app.extensions["csrf"].exempt(bp)
    app.register_error_handler(DomainError, handle_domain_error)
