"""Documents in the admin, through the same gate as every casework admin page (rows narrowed
by casework.access, reads of restricted ones audited). The file itself is never shown here:
the page links to the gated download. Uploads go through the pages and the API (they must be
checked and encrypted); a delete here goes through the service and keeps the history row."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casework.admin import CaseworkAdmin

from . import services
from .models import Document


@admin.register(Document)
class DocumentAdmin(CaseworkAdmin):
    list_display = ("person", "kind", "dated_on", "content_type", "size", "created_at")
    list_filter = ("kind",)
    search_fields = ("person__case_number",)
    list_select_related = ("person",)
    fields = (
        "person", "kind", "dated_on", "language", "description", "fact_kind", "fact_id",
        "content_type", "size", "uploaded_by", "download",
    )  # fmt: skip
    readonly_fields = (
        "person",
        "fact_kind",
        "fact_id",
        "content_type",
        "size",
        "uploaded_by",
        "download",
    )

    @admin.display(description=_("file"))
    def download(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("documents:download", args=[obj.pk]), _("Download")
        )

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.document_delete(document=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for document in queryset:
            services.document_delete(document=document, by=request.user)
