"""All models, imported here so that metadata (and Alembic) sees every table."""

from basisbaan.models.audit import AuditEvent
from basisbaan.models.auth import ROLES, ApiToken, User, UserRole
from basisbaan.models.base import Base, TenantOwned
from basisbaan.models.candidate import Candidate, CandidateDecision, CandidateStatusChange, IntakeConversation
from basisbaan.models.employment import (Absence, Contract, ContractVersion, GatekeeperStep, Participant,
                                         PerformanceReport)
from basisbaan.models.finance import Forecast, FundingAllocation, FundingSource, WageValueAssessment
from basisbaan.models.person import Person
from basisbaan.models.reference import Neighbourhood, Organisation
from basisbaan.models.reports import ReportSnapshot
from basisbaan.models.sso import SsoProvider
from basisbaan.models.support import CoachingSession, DebtSupport, Training, WellbeingMeasurement
from basisbaan.models.tenant import Tenant, TenantSettingsVersion
from basisbaan.models.work import Assignment, DisplacementCheck, Task, WorkProfile

__all__ = [
    "ROLES", "Absence", "ApiToken", "Assignment", "CoachingSession", "DebtSupport", "DisplacementCheck", "Task",
    "Training", "WellbeingMeasurement", "Forecast", "ReportSnapshot", "FundingAllocation", "FundingSource", "WageValueAssessment", "WorkProfile", "Contract", "ContractVersion", "GatekeeperStep", "Participant",
    "PerformanceReport", "AuditEvent", "Base", "Candidate", "CandidateDecision", "CandidateStatusChange",
    "IntakeConversation", "Neighbourhood", "Organisation", "Person", "SsoProvider", "Tenant",
    "TenantOwned", "TenantSettingsVersion", "User", "UserRole",
]
