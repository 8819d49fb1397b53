"""Engine models, one module per concern; issue 6 adds risk and alerts beside these."""

from .agenda import PersonAgenda, RecomputeChunk, RecomputeReason, RecomputeRun, RunStatus
from .alerts import Alert, AlertKind, AlertPreference, DeliveryStatus, Digest
from .deadlines import (
    ACTIONABLE_STATUSES,
    LIVE_STATUSES,
    CalendarToken,
    Deadline,
    DeadlineStatus,
    Reminder,
    hash_token,
)
from .gaps import RuleGap
from .manual import ManualDeadline
from .risk import (
    BarrierKind,
    RiskAssessment,
    RiskCap,
    RiskLevel,
    RiskSignal,
    RiskThreshold,
    SuspensiveEffect,
    SuspensiveSubject,
)
from .rules import AdjustmentKind, CalendarAdjustment, Rule, RuleVerification

__all__ = [
    "ACTIONABLE_STATUSES",
    "LIVE_STATUSES",
    "AdjustmentKind",
    "Alert",
    "AlertKind",
    "AlertPreference",
    "DeliveryStatus",
    "Digest",
    "ManualDeadline",
    "BarrierKind",
    "PersonAgenda",
    "RecomputeChunk",
    "RecomputeReason",
    "RecomputeRun",
    "RunStatus",
    "RiskAssessment",
    "RiskCap",
    "SuspensiveEffect",
    "SuspensiveSubject",
    "RiskLevel",
    "RiskSignal",
    "RiskThreshold",
    "CalendarAdjustment",
    "CalendarToken",
    "Deadline",
    "DeadlineStatus",
    "Reminder",
    "Rule",
    "RuleGap",
    "RuleVerification",
    "hash_token",
]
