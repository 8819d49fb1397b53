"""Facts Haven has no rule for: stored beside the deadlines, so that the pages say so."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from engine.kinds import BODY_LABELS, EVENT_LABELS, STATE_LABELS, Event


class RuleGap(models.Model):
    """One fact of one person that no enabled rule in force covers (engine.deadlines.find_gaps):
    "no rule in Haven for this decision in <state>: check the deadline yourself". Written only
    by the recompute, with the deadlines; gone when a rule covering it exists or the obligation
    is met (an appeal lodged against the decision)."""

    person = models.ForeignKey(
        "casework.Person", on_delete=models.CASCADE, related_name="rule_gaps"
    )
    # No choices: the engine writes it, and a new event must not need a migration here.
    event = models.CharField(
        _("decision"),
        max_length=40,
        help_text=_("What a rule would count from (engine.kinds.Event)."),
    )
    source_type = models.CharField(_("source fact type"), max_length=50)
    source_id = models.CharField(_("source fact"), max_length=64)
    jurisdiction = models.CharField(_("jurisdiction or body"), max_length=10, blank=True)
    counted_from = models.DateField(_("date of the fact"))
    placeholder_code = models.CharField(
        _("placeholder rule"),
        max_length=60,
        blank=True,
        help_text=_("A disabled rule that marks the research as pending, if there is one."),
    )
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("missing rule")
        verbose_name_plural = _("missing rules")
        ordering = ["counted_from", "event"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "event", "source_type", "source_id"], name="rulegap_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.event} {self.jurisdiction}"

    @property
    def decision_label(self) -> str:
        try:
            return str(EVENT_LABELS[Event(self.event)])
        except ValueError:
            return self.event

    @property
    def message(self) -> str:
        """The sentence every page and the feed show, in the reader's language."""
        code = self.jurisdiction.upper()
        if code in BODY_LABELS:
            return _(
                "No rule in Haven for this decision before %(body)s: check the deadline yourself."
            ) % {"body": BODY_LABELS[code]}
        if not code:
            return _(
                "No rule in Haven for this decision (the country is not recorded): check the "
                "deadline yourself."
            )
        return _(
            "No rule in Haven for this decision in %(state)s: check the deadline yourself."
        ) % {"state": STATE_LABELS.get(code, code)}
