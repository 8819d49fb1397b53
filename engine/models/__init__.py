"""Engine models, one module per concern; issue 6 adds risk and alerts beside these."""

from .deadlines import (
    ACTIONABLE_STATUSES,
    LIVE_STATUSES,
    CalendarToken,
    Deadline,
    DeadlineStatus,
    Reminder,
    hash_token,
)
from .rules import AdjustmentKind, CalendarAdjustment, Rule

__all__ = [
    "ACTIONABLE_STATUSES",
    "LIVE_STATUSES",
    "AdjustmentKind",
    "CalendarAdjustment",
    "CalendarToken",
    "Deadline",
    "DeadlineStatus",
    "Reminder",
    "Rule",
    "hash_token",
]
