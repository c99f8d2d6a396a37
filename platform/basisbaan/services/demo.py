"""`basisbaan demo`: the three demo municipalities with the reference data from their documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from basisbaan.crypto import Secrets
from basisbaan.domain.municipality import DemoReference
from basisbaan.models import ROLES, Candidate, Neighbourhood, Organisation, Tenant, User
from basisbaan.services.timeline import SettingsTimeline
from basisbaan.services import (demo_candidates, demo_employment, demo_finance, demo_support, demo_wellbeing,
                                demo_work)
from basisbaan.plugins import PluginRegistry
from basisbaan.services import tenants as tenant_service
from basisbaan.services import users as user_service
from basisbaan.services.audit import Actor
from basisbaan.tenancy import tenant_scope


@dataclass(frozen=True)
class DemoTenant:
    slug: str
    plugin: str
    settings_from: date


DEMO_TENANTS = (
    DemoTenant("groningen", "groningen", date(2020, 1, 1)),
    DemoTenant("tilburg", "tilburg", date(2023, 1, 1)),
    DemoTenant("amersfoort", "amersfoort", date(2024, 1, 1)),
)


def load_demo(session: Session, registry: PluginRegistry, secrets: Secrets,
              progress=lambda message: None) -> list[Tenant]:
    """Create the demo tenants, their reference data, demo users and candidates; running it again adds only
    what is missing."""
    actor = Actor.system("demo")
    created = []
    for demo in DEMO_TENANTS:
        hooks = registry.hooks(demo.plugin)
        info = hooks.municipality_info()
        tenant = session.scalars(select(Tenant).where(Tenant.slug == demo.slug)).first()
        if tenant is None:
            tenant = tenant_service.create_tenant(
                session, registry, slug=demo.slug, name=info.name, plugin=demo.plugin,
                cbs_code=info.cbs_code, actor=actor, settings_from=demo.settings_from)
        reference = hooks.demo_reference_data()
        with tenant_scope(session, tenant.id):
            existing = set(session.scalars(select(Neighbourhood.name)))
            for n in reference.neighbourhoods:
                if n.name not in existing:
                    session.add(Neighbourhood(name=n.name, kind=n.kind, cbs_code=n.cbs_code, area=n.area))
            session.flush()
            by_name = {n.name: n.id for n in session.scalars(select(Neighbourhood))}
            existing = set(session.scalars(select(Organisation.name)))
            for o in reference.organisations:
                if o.name not in existing:
                    session.add(Organisation(
                        name=o.name, is_employer=o.is_employer, is_host=o.is_host, is_coaching=o.is_coaching,
                        description=o.description,
                        neighbourhood_id=by_name[o.neighbourhood] if o.neighbourhood else None))
            coach = _demo_users(session, reference)
            made, participants = _people(session, secrets, hooks, tenant, reference, coach.id, date.today())
        progress(f"{tenant.name}: {len(reference.neighbourhoods)} neighbourhoods, "
                 f"{len(reference.organisations)} organisations, {made} new candidates, "
                 f"{participants} new participants")
        created.append(tenant)
    return created


def _people(session: Session, secrets: Secrets, hooks, tenant: Tenant, reference: DemoReference, coach_id,
            today: date) -> tuple[int, int]:
    """Candidates through the intake funnels, then the participants' employment; nothing when the
    municipality has candidates already (a second run adds only what is missing)."""
    if session.scalar(select(func.count()).select_from(Candidate)):
        return 0, 0
    spec = reference.employment
    starts = demo_employment.start_dates(spec, tenant.slug) if spec else []
    made, started = 0, []
    for index, funnel in enumerate(reference.funnels):
        count, chosen = demo_candidates.generate(
            session, secrets, hooks, tenant, funnel, coach_id, today,
            start_dates=[on for on, source in starts if source == index], seed="" if index == 0 else f"-{index}")
        made += count
        started += chosen
    participants = demo_employment.generate(session, spec, tenant.slug, starts, started, coach_id, today) if spec else 0
    demo_work.generate(session, reference.tasks)
    if spec:
        demo_support.generate(session, spec, tenant.slug)
        demo_wellbeing.generate(session, secrets, SettingsTimeline(session, hooks), tenant.slug)
    demo_finance.generate(session, SettingsTimeline(session, hooks), reference)
    return made, participants


DEMO_ISSUER = "urn:basisbaan:demo"


def _demo_users(session: Session, reference: DemoReference) -> User:
    """One demo user per role (the demo sign-in uses the same identities); returns the coach. The demo job
    coach works for the first coaching organisation of the demo, so they see its participants."""
    existing = {u.subject: u for u in session.scalars(select(User).where(User.issuer == DEMO_ISSUER))}
    users = {}
    for role in ROLES:
        users[role] = existing.get(f"demo-{role}") or user_service.sign_in(
            session, issuer=DEMO_ISSUER, subject=f"demo-{role}", roles=[role], claims={"name": f"Demo {role}"})
    if reference.employment and users["jobcoach"].organisation_id is None:
        first = reference.employment.coaching_organisations[0]
        users["jobcoach"].organisation_id = session.scalars(select(Organisation.id).where(
            Organisation.name == first)).first()
    return users["coach"]
