from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .kinds import KIND_LABELS, Confidence, Kind
from .models import (
    Alert,
    AlertPreference,
    CalendarAdjustment,
    CalendarToken,
    Deadline,
    Digest,
    RecomputeRun,
    RiskAssessment,
    RiskCap,
    RiskSignal,
    RiskThreshold,
    Rule,
    RuleVerification,
    SuspensiveEffect,
)
from .verification import rule_verify


class RecomputesEveryone:
    """Admins of what every person's deadlines or risk are computed with: saving one
    recomputes, on commit, the persons it can affect (engine.signals; everyone for a
    threshold), and the admin is told where to follow it."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _tell_recompute(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _tell_recompute(request)


def _tell_recompute(request) -> None:
    if getattr(request, "_haven_told_recompute", False):
        return  # several rows saved at once (list_editable): one run, one message
    request._haven_told_recompute = True
    messages.info(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("The persons this change can affect are being recomputed, in batches."),
            reverse("admin:engine_recomputerun_changelist"),
            _("Follow the progress"),
        ),
    )


class RuleVerificationForm(forms.ModelForm):
    source_url = forms.URLField(
        label=_("source address"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = RuleVerification
        fields = (
            "source_title",
            "source_url",
            "source_date",
            "quoted_words",
            "confidence",
            "note",
        )
        widgets = {"quoted_words": forms.Textarea(attrs={"rows": 3})}


class RuleVerificationInline(admin.StackedInline):
    """Past verifications, read-only, and one empty form to record a new one: the reader
    is the logged-in admin, the time is now (engine.verification.rule_verify)."""

    model = RuleVerification
    form = RuleVerificationForm
    extra = 1
    max_num = None
    can_delete = False
    fields = RuleVerificationForm.Meta.fields
    verbose_name = _("verification")
    verbose_name_plural = _("verifications (each reading of the rule in its source)")

    def has_change_permission(self, request, obj=None):
        return False  # a verification is a record: never edited

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ()


@admin.register(Rule)
class RuleAdmin(RecomputesEveryone, SimpleHistoryAdmin):
    """Rules are data. Every change is kept (who, when, before and after) and triggers a
    recompute of everyone's deadlines on commit."""

    list_display = (
        "code",
        "jurisdiction",
        "kind",
        "period_amount",
        "unit",
        "roll_forward",
        "confidence",
        "verified_on",
        "practice",
        "enabled",
    )
    list_filter = ("jurisdiction", "kind", "confidence", "enabled", "practice")
    search_fields = ("code", "citation", "description")
    readonly_fields = ("code", "verified_on", "verified_by")
    fieldsets = (
        (None, {"fields": ("code", "jurisdiction", "countries", "kind", "description", "enabled")}),
        (
            _("Period"),
            {
                "fields": (
                    "counts_from",
                    "after_court_levels",
                    "procedures",
                    "period_amount",
                    "unit",
                    "imminent_period_amount",
                    "calendar",
                    "roll_forward",
                    "first_day_counts",
                    "ends_at_hour",
                    "counting_citation",
                )
            },
        ),
        (
            _("In force"),
            {
                "fields": ("family", "in_force_from", "in_force_until"),
                "description": _(
                    "A deadline is counted with the row of its family that was in force on the "
                    "date its period counts from."
                ),
            },
        ),
        (
            _("Source"),
            {
                "fields": (
                    "citation",
                    "operative_words",
                    "source_url",
                    "source_title",
                    "source_date",
                    "confidence",
                    "verified_on",
                    "verified_by",
                    "practice",
                    "notes",
                ),
                "description": _(
                    "A U (unverified) rule makes every deadline it computes say 'unverified "
                    "rule' until a verification is recorded below: who read it, in which "
                    "source, with the words quoted. The confidence follows the verification."
                ),
            },
        ),
    )
    inlines = [RuleVerificationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_formset(self, request, form, formset, change):
        if formset.model is not RuleVerification:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form.instance.pk or not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            verification = rule_verify(
                rule=form.instance,
                user=request.user,
                source_title=data["source_title"],
                source_url=data.get("source_url", ""),
                source_date=data.get("source_date"),
                quoted_words=data["quoted_words"],
                confidence=data["confidence"],
                note=data.get("note", ""),
            )
            formset.new_objects.append(verification)
            messages.success(request, _("Verification recorded."))
        return None

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False  # disable a rule instead: deadlines keep pointing at it

    change_list_template = "admin/engine/rule/change_list.html"

    def get_urls(self):
        from django.urls import path

        coverage = path(
            "coverage/",
            self.admin_site.admin_view(self.coverage_view),
            name="engine_rule_coverage",
        )
        return [coverage, *super().get_urls()]

    def coverage_view(self, request):
        """Rules by decision kind and jurisdiction, with their confidence; an empty cell is a
        gap: Haven has no rule there (a fact of that kind shows "no rule in Haven")."""
        from django.core.exceptions import PermissionDenied
        from django.template.response import TemplateResponse

        from .rulesdoc import ORDER, period_text

        if not self.has_view_permission(request):
            raise PermissionDenied
        rules = list(Rule.objects.order_by("code"))
        places = [p for p in ORDER if any(r.jurisdiction.upper() == p for r in rules)]
        places += sorted({r.jurisdiction.upper() for r in rules} - set(places))
        cells: dict[tuple[str, str], list] = {}
        for rule in rules:
            rule.period_label = period_text(rule)
            rule.live = rule.enabled and rule.period_amount is not None
            cells.setdefault((rule.kind, rule.jurisdiction.upper()), []).append(rule)
        rows = [
            {"label": KIND_LABELS[kind], "cells": [cells.get((kind, p), []) for p in places]}
            for kind in Kind
        ]
        confidence = [
            {
                "place": p,
                "counts": [
                    sum(1 for r in rules if r.jurisdiction.upper() == p and r.confidence == c)
                    for c in Confidence
                ],
                "gaps": sum(1 for row in rows if not any(r.live for r in row["cells"][i])),
            }
            for i, p in enumerate(places)
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Rules by jurisdiction and decision kind"),
            "opts": self.model._meta,
            "places": places,
            "rows": rows,
            "confidence_levels": [c.value for c in Confidence],
            "confidence": confidence,
        }
        return TemplateResponse(request, "admin/engine/rule/coverage.html", context)


@admin.register(Deadline)
class DeadlineAdmin(SimpleHistoryAdmin):
    """Read-mostly: deadlines are computed. Waiving is done by a lawyer on the API."""

    list_display = ("person", "kind", "due_on", "status", "rule_code", "unverified")
    list_filter = ("status", "kind", "jurisdiction", "unverified")
    search_fields = ("person__case_number", "rule_code")
    list_select_related = ("person",)
    date_hierarchy = "due_on"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarAdjustment)
class CalendarAdjustmentAdmin(RecomputesEveryone, SimpleHistoryAdmin):
    list_display = ("calendar", "day", "kind", "note")
    list_filter = ("calendar", "kind")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = ("user", "token_hash", "created_at", "last_used_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # a token's secret is shown once, to its owner, on the deadlines page

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


# ---------------------------------------------------------------------------------------------
# Return risk
# ---------------------------------------------------------------------------------------------

RISK_HELP = _(
    "How return risk is assessed. Each signal that fires for a person adds its weight to the "
    "person's score; the level is the band the score falls in (see return-risk thresholds: by "
    "default monitoring from 1, elevated from 30, high from 60, imminent from 100), raised to "
    "the highest 'floor' among the signals that fired. A returned person has no return risk "
    "left (level none). Disable a signal to leave it out of every assessment. Every change is "
    "kept in the history and reassesses everyone on commit; a level raised alerts the "
    "person's assigned staff and the coordinators at once."
)


# Why each shipped default is what it is, one line each (docs/risk.md says the same in a
# table): shown beside the value an admin may change, so a change is made knowing what it
# undoes. Practice, not law.
DEFAULT_WHY = {
    "detained": _("15: detention is where returns start."),
    "incommunicado": _(
        "25: nobody can see whether the person is still there; also lifts every legal "
        "barrier's cap."
    ),
    "no_contact": _("20 after 3 days: the same three days as the welfare-check rule."),
    "transfer_reported": _(
        "40 within 14 days: in Osh the transfer came days before the returns (2005); lifts "
        "every cap."
    ),
    "extradition_approved": _("30: the decision the return carries out."),
    "appeal_rejected": _("30: the last domestic stop gone (Almaty, 15 March 2011)."),
    "appeal_window_expired": _("30: as a rejection, the decision became final."),
    "no_interim_measure": _("15: nothing international stands in the way."),
    "state_returned_despite_interim": _(
        "50, floor high, within 730 days: Kazakhstan returned 28 under CAT measures on "
        "9 June 2011; lifts the caps of legal barriers."
    ),
    "returns_from_state": _(
        "35 within 180 days: four men were already returned from Kyrgyzstan before Osh (June 2005)."
    ),
    "group_members_returned": _("35: the 28 extradited on 9 June; the rest of the group is next."),
    "asylum_refused": _("20: no refugee protection left against removal."),
    "unhcr_pending": _(
        "15: a pending UNHCR assessment did not stop returns in Osh (2005): a threat, not a "
        "barrier."
    ),
    "relatives_detained": _("10: pressure through the family (wives and children of the 28)."),
    "relatives_returned": _("10: the family is already targeted."),
    "state_pressure": _(
        "20 within 90 days: the Prosecutor General publicly asked to detain 103 more (2005)."
    ),
    "removal_scheduled": _(
        "60, floor imminent, within 7 days: a date is set, imminent on its own; lifts every cap."
    ),
    "monitoring": _("From 1: any signal at all deserves a look."),
    "elevated": _("From 30: one serious adverse decision (e.g. extradition approved)."),
    "high": _("From 60: two serious decisions, or one with detention and silence."),
    "imminent": _(
        "From 100: the Osh transfer day (detained, transfer, UNHCR pending, recent returns, "
        "no measure: 120)."
    ),
}


@admin.display(description=_("why the default"))
def default_why(obj) -> str:
    return DEFAULT_WHY.get(getattr(obj, "code", "") or getattr(obj, "level", ""), "—")


@admin.register(RiskSignal)
class RiskSignalAdmin(RecomputesEveryone, SimpleHistoryAdmin):
    """The signals are the core's vocabulary: their codes are fixed (the core knows each),
    their weights, floors, windows and switches are the admin's."""

    list_display = ("code", "label", "weight", "floor", "window_days", "enabled", default_why)
    list_editable = ("weight", "floor", "window_days", "enabled")
    list_filter = ("enabled", "floor")
    search_fields = ("code", "label", "description")
    readonly_fields = ("code", default_why)
    fields = (
        "code",
        "label",
        "description",
        default_why,
        "weight",
        "floor",
        "window_days",
        "enabled",
        "source",
    )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": RISK_HELP}
        return super().changelist_view(request, extra_context)

    def get_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request):
        return False  # a new signal needs code in engine/risk.py that fires it

    def has_delete_permission(self, request, obj=None):
        return False  # disable it instead


@admin.register(RiskThreshold)
class RiskThresholdAdmin(RecomputesEveryone, SimpleHistoryAdmin):
    list_display = ("level", "min_score", default_why)
    list_editable = ("min_score",)
    readonly_fields = ("level", default_why)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": RISK_HELP}
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


CAPS_HELP = _(
    "What still protects a person. While a barrier stands (an interim measure in force, an "
    "appeal or asylum claim pending with suspensive effect, the time to lodge such an appeal "
    "still running, a release), the person's level is at most its cap, whatever the signals "
    "add up to, unless a signal that lifts the cap fired: the state has shown it does not "
    "respect such a barrier (returns despite interim measures, a removal scheduled, a transfer "
    "reported, held incommunicado). A barrier gone raises a 'protection lost' alert to the "
    "person's assigned staff and the coordinators at once. docs/risk.md gives each default "
    "and why."
)


@admin.register(RiskCap)
class RiskCapAdmin(SimpleHistoryAdmin):
    """The barrier kinds are the core's vocabulary (engine/barriers.py finds each); their
    caps, lifters and switches are the admin's, each with its rationale."""

    list_display = ("kind", "cap", "lifted_by", "enabled")
    list_editable = ("cap", "enabled")
    readonly_fields = ("kind",)
    fields = ("kind", "cap", "lifted_by", "enabled", "rationale")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": CAPS_HELP}
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False  # a new kind of barrier needs code in engine/barriers.py that finds it

    def has_delete_permission(self, request, obj=None):
        return False  # disable it instead


@admin.register(SuspensiveEffect)
class SuspensiveEffectAdmin(SimpleHistoryAdmin):
    """Rule data with its citation: which pending appeals and claims suspend removal, per
    jurisdiction. An unverified (U) row caps nothing until a verification is recorded."""

    list_display = ("country", "subject", "suspensive", "confidence", "verified_on", "citation")
    list_filter = ("country", "confidence", "suspensive")
    search_fields = ("citation", "notes")
    fields = (
        "country",
        "subject",
        "suspensive",
        "citation",
        "confidence",
        "verified_on",
        "verified_by",
        "notes",
    )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "subtitle": CAPS_HELP}
        return super().changelist_view(request, extra_context)


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(admin.ModelAdmin):
    """Read-only: assessments are computed; each row is one change of level or reasons."""

    list_display = (
        "person",
        "level",
        "previous_level",
        "score",
        "barriers_standing",
        "assessed_on",
        "is_current",
    )
    list_filter = ("is_current", "level")
    search_fields = ("person__case_number",)
    list_select_related = ("person",)
    date_hierarchy = "assessed_at"

    def get_queryset(self, request):
        from casework.access import person_visibility_q

        return super().get_queryset(request).filter(person_visibility_q(request.user, "person"))

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Alerts as sent. The e-mail columns are the outbox: a failed one can be retried now."""

    list_display = ("subject", "kind", "recipient", "created_at", "read_at", "email_status")
    list_filter = ("kind", "email_status", "level")
    search_fields = ("dedup_key", "person__case_number", "recipient__username")
    list_select_related = ("recipient", "person")
    actions = ["retry_email"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry the e-mail of the selected alerts now"))
    def retry_email(self, request, queryset):
        n = queryset.filter(email_status__in=["failed", "gave_up"]).update(
            email_status="failed", email_next_attempt_at=timezone.now()
        )
        from .tasks import alert_outbox_task

        alert_outbox_task.delay()
        messages.success(request, _("%(n)d e-mails queued again.") % {"n": n})


@admin.register(AlertPreference)
class AlertPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_immediately", "digest_enabled", "digest_time")
    list_filter = ("email_immediately", "digest_enabled")


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ("user", "day", "alert_count", "status", "sent_at")
    list_filter = ("status",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    """Recomputes of everyone (a threshold edited, the nightly safety net) and of the persons
    an edit of a rule, a signal or a calendar day affects: how far each has got. Read-only:
    the engine writes them."""

    list_display = (
        "requested_at",
        "reason",
        "detail",
        "scope",
        "status",
        "progress",
        "persons_total",
        "finished_at",
    )
    list_filter = ("status", "reason")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(done_chunks=Count("chunks", filter=Q(chunks__done_at__isnull=False)))
        )

    @admin.display(description=_("progress"))
    def progress(self, run):
        return _("%(done)d of %(total)d chunks (%(percent)d%%)") % {
            "done": run.chunks_done,
            "total": run.chunks_total,
            "percent": run.progress_percent,
        }

    @admin.display(description=_("whom"))
    def scope(self, run):
        return _("everyone") if run.everyone else _("the persons the edit affects")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["scope", "progress"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
