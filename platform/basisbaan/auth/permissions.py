"""Who may do what: one table of permissions per role, used by pages and API alike."""

from __future__ import annotations

from basisbaan.models.auth import ROLES

ALL = frozenset(ROLES)

# permission -> roles that have it. Pages and endpoints name a permission, never a role.
PERMISSIONS: dict[str, frozenset[str]] = {
    "dashboard.view": ALL,
    "tenant.read": ALL,
    "reference.read": ALL,
    "reference.write": frozenset({"admin"}),
    "audit.read": frozenset({"admin"}),
    "tokens.manage": frozenset({"admin"}),
    "users.manage": frozenset({"admin"}),
    "settings.manage": frozenset({"admin"}),
    "sso.manage": frozenset({"admin"}),
    # Candidates are personal data: coaches only (job coaches and viewers never see them).
    "candidates.read": frozenset({"coach"}),
    "candidates.write": frozenset({"coach"}),
    "candidates.import": frozenset({"coach"}),
    "candidates.export": frozenset({"coach"}),
    "candidates.special": frozenset({"coach"}),  # debts, health, limitations
    "candidates.bsn": frozenset({"coach"}),  # reveal the full BSN (audited)
    # Funnel counts are aggregates without personal data.
    "funnel.view": frozenset({"coach", "admin", "viewer"}),
    # Participants and their employment: municipal coaches all, job coaches only their organisation's
    # participants (basisbaan.services.visibility), without BSN, debts or health.
    "participants.read": frozenset({"coach", "jobcoach"}),
    "participants.write": frozenset({"coach"}),  # start, coaches, exit
    "contracts.write": frozenset({"coach"}),  # contracts, renewals, performance reports, changes of hours
    "absences.read": frozenset({"coach", "jobcoach"}),
    "absences.write": frozenset({"coach", "jobcoach"}),
    "worklist.view": frozenset({"coach", "jobcoach"}),
    # Absence rate of a group: an aggregate; groups too small to hide a person are suppressed for roles
    # that do not see participants.
    "absence_rate.view": frozenset({"coach", "jobcoach", "admin", "viewer"}),
    # The task catalogue holds no personal data; coaches and admins keep it, and record displacement checks.
    "tasks.read": ALL,
    "tasks.write": frozenset({"coach", "admin"}),
    "displacement.check": frozenset({"coach", "admin"}),
    "assignments.write": frozenset({"coach"}),  # the coach decides the package with the participant
    # Coaching time: municipal coaches and job coaches (their organisation's participants) log and read it;
    # the average per participant-week is an aggregate (groups only for roles that see participants).
    "coaching.read": frozenset({"coach", "jobcoach"}),
    "coaching.write": frozenset({"coach", "jobcoach"}),
    "coaching_hours.view": frozenset({"coach", "jobcoach", "admin", "viewer", "finance"}),
    # Support: training for both kinds of coach; debts are special personal data, municipal coaches only.
    "support.read": frozenset({"coach", "jobcoach"}),
    "support.debt": frozenset({"coach"}),
    "trainings.write": frozenset({"coach", "jobcoach"}),
    # Work profiles for matching: preferences for both kinds of coach; limitations (health-derived) and the
    # matching that uses them for municipal coaches only. The coach decides; matching never assigns.
    "work_profiles.read": frozenset({"coach", "jobcoach"}),
    "work_profiles.write": frozenset({"coach"}),
    "work_profiles.limitations": frozenset({"coach"}),
    "matching.view": frozenset({"coach"}),
    # Wellbeing scores include mental health and substance use: municipal coaches only. The programme's
    # change per domain is an aggregate (groups only for roles that see participants; small groups hidden).
    "wellbeing.read": frozenset({"coach"}),
    "wellbeing.write": frozenset({"coach"}),
    "wellbeing_change.view": frozenset({"coach", "admin", "viewer", "finance"}),
    # Financing. A participant's cost card (wages, household norm) for finance and municipal coaches; programme
    # costs, budgets and forecasts are aggregates without personal details for the roles that report; finance
    # and admins keep the funding records and scenarios; wage values are assessed for the coach's participants.
    "costs.participant": frozenset({"coach", "finance"}),
    "costs.view": frozenset({"coach", "admin", "viewer", "finance"}),
    "wage_values.write": frozenset({"coach"}),
    "funding.read": frozenset({"coach", "admin", "viewer", "finance"}),
    "funding.write": frozenset({"admin", "finance"}),
    "forecasts.read": frozenset({"coach", "admin", "viewer", "finance"}),
    "forecasts.write": frozenset({"admin", "finance"}),
    # Key figures are aggregates for everyone who reports; job coaches see their own participants instead.
    "kpis.view": frozenset({"coach", "admin", "viewer", "finance"}),
    # Freezing a report as sent to the council: those who send them; everyone who reports may open them.
    "snapshots.read": frozenset({"coach", "admin", "viewer", "finance"}),
    "snapshots.write": frozenset({"coach", "admin", "finance"}),
    # Moving contracts to another collective agreement (preview shows names and wages).
    "cao_transition.manage": frozenset({"admin"}),
}


def allowed(roles: set[str] | frozenset[str] | list[str], permission: str) -> bool:
    """True when any of `roles` has `permission`; unknown permissions are denied."""
    return bool(PERMISSIONS.get(permission, frozenset()) & set(roles))
