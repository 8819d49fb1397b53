"""Recording a rule's verification: a record (who, when, the source and its words), not a
letter. The rule's confidence and source follow the latest verification; the list of
verifications is the rule's history of readings, and the Rule's own history keeps each change.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from .kinds import Confidence
from .models import Rule, RuleVerification


def rule_verify(
    *,
    rule: Rule,
    user,
    source_title: str,
    quoted_words: str,
    confidence: str,
    source_url: str = "",
    source_date: date | None = None,
    note: str = "",
    verified_at: datetime | None = None,
) -> RuleVerification:
    """Record that `user` read `rule` in the source, and set the rule from the reading.

    A reading that could not confirm the rule (confidence U) is recorded too, and leaves the
    rule flagged: its verified_on is cleared, so every deadline it gives says "unverified".
    The rule's save recomputes everyone on commit (engine.signals).
    """
    with transaction.atomic():
        verification = RuleVerification(
            rule=rule,
            verified_by=user,
            verified_at=verified_at or timezone.now(),
            source_url=source_url,
            source_title=source_title,
            source_date=source_date,
            quoted_words=quoted_words,
            confidence=confidence,
            note=note,
        )
        verification.full_clean()
        verification.save()
        rule = Rule.objects.select_for_update().get(pk=rule.pk)
        who = user.get_full_name() or user.get_username()
        rule.confidence = confidence
        if confidence == Confidence.UNVERIFIED:
            rule.verified_on, rule.verified_by = None, ""
        else:
            rule.verified_on = timezone.localdate(verification.verified_at)
            rule.verified_by = f"{who}: {source_title}"[:200]
        rule.source_url = source_url
        rule.source_title = source_title
        rule.source_date = source_date
        rule.operative_words = quoted_words
        rule._history_user = user
        rule._change_reason = f"verification {verification.pk}"
        rule.full_clean()
        rule.save()
    return verification
