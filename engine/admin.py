from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarAdjustment, CalendarToken, Deadline, Rule


@admin.register(Rule)
class RuleAdmin(SimpleHistoryAdmin):
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
    readonly_fields = ("code",)
    fieldsets = (
        (None, {"fields": ("code", "jurisdiction", "countries", "kind", "description", "enabled")}),
        (
            _("Period"),
            {
                "fields": (
                    "counts_from",
                    "period_amount",
                    "unit",
                    "previous_period_amount",
                    "period_changed_on",
                    "imminent_period_amount",
                    "calendar",
                    "roll_forward",
                )
            },
        ),
        (
            _("Source"),
            {
                "fields": (
                    "citation",
                    "confidence",
                    "verified_on",
                    "verified_by",
                    "practice",
                    "notes",
                ),
                "description": _(
                    "A U (unverified) rule makes every deadline it computes say 'unverified "
                    "rule' until 'verified on' and 'verified by' are filled in."
                ),
            },
        ),
    )
    actions = ["record_verification"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False  # disable a rule instead: deadlines keep pointing at it

    @admin.action(description=_("Record that I verified the selected rules today"))
    def record_verification(self, request, queryset):
        who = request.user.get_full_name() or request.user.get_username()
        for rule in queryset:
            rule.verified_on = timezone.localdate()
            rule.verified_by = who
            rule.save()  # one by one: history rows and the recompute signal
        messages.success(request, _("Verification recorded."))


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
class CalendarAdjustmentAdmin(SimpleHistoryAdmin):
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
