from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.roles import is_admin

from .models import (
    Authority,
    Letter,
    LetterBatch,
    LetterTemplate,
    UrgentAction,
    UrgentActionRecipient,
)


@admin.register(Authority)
class AuthorityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "name", "country", "default_role", "rank", "is_active"]
    list_filter = ["country", "default_role", "is_active"]
    search_fields = ["title", "name", "institution"]


class RecipientInline(admin.TabularInline):
    model = UrgentActionRecipient
    extra = 0
    autocomplete_fields = ["authority"]


@admin.register(UrgentAction)
class UrgentActionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "update_number", "status", "issued_on", "send_before"]
    list_filter = ["status", "year"]
    search_fields = ["title"]
    inlines = [RecipientInline]
    # Status, numbers and issue are the services' job: the admin cannot skip a consent check.
    readonly_fields = ["number", "year", "update_number", "parent", "status", "issued_on",
                       "approved_by", "created_by", "pdf"]  # fmt: skip
    filter_horizontal = ["groups"]
    raw_id_fields = ["persons"]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(SimpleHistoryAdmin):
    """Admins edit templates; coordinators read them (the sandbox is the second line)."""

    list_display = ["name", "language", "is_active", "updated_at"]

    def has_add_permission(self, request):
        return is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_admin(request.user)


@admin.register(Letter)
class LetterAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "urgent_action", "authority", "language", "status", "sent_at"]
    list_filter = ["status", "language"]
    readonly_fields = ["content_hash", "send_attempts", "sent_at", "pdf", "text_body", "subject"]


@admin.register(LetterBatch)
class LetterBatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "urgent_action", "status", "done", "total", "created_at"]
    readonly_fields = ["status", "total", "done", "generated", "skipped", "error",
                       "started_at", "finished_at"]  # fmt: skip
