"""Read auditing for the three kinds of views that show casework records.

- `AuditedReadMixin` for DRF views: every record handed to a serializer for output is
  audited (list pages, detail, and the object an update answers with).
- `AuditedAdminMixin` for ModelAdmin: the change/view page and the change list page.
- `AuditedPageMixin` for template views (DetailView, ListView), and `audit_page_read` /
  `@audits_template_reads` for function views.

Only restricted records produce rows (accounts.audit.record_read decides).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import wraps

from django.db.models import Model

from .audit import record_read


def _as_objects(value) -> Iterable:
    if value is None:
        return ()
    if isinstance(value, Model):
        return (value,)
    return value


class AuditedReadMixin:
    """For GenericAPIView / ViewSet subclasses. Put it before the DRF base class."""

    audit_channel = "api"

    def get_serializer(self, *args, **kwargs):
        instance = args[0] if args else kwargs.get("instance")
        if instance is not None:
            record_read(
                user=self.request.user,
                objects=_as_objects(instance),
                channel=self.audit_channel,
                path=self.request.path,
            )
        return super().get_serializer(*args, **kwargs)


class AuditedAdminMixin:
    """For ModelAdmin subclasses of casework (and engine/advocacy) records."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            record_read(user=request.user, objects=[obj], channel="admin", path=request.path)
        return obj

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            record_read(
                user=request.user,
                objects=changelist.result_list,
                channel="admin",
                path=request.path,
            )
        return response


def audit_page_read(request, objects, *, channel: str = "page") -> int:
    """Audit `objects` (a record or an iterable of records) shown on a page or an export."""
    return record_read(
        user=request.user, objects=_as_objects(objects), channel=channel, path=request.path
    )


class AuditedPageMixin:
    """For DetailView / ListView: audits `object` and the page of `object_list` shown."""

    audit_channel = "page"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit_page_read(self.request, context.get("object"), channel=self.audit_channel)
        shown = context.get("page_obj") or context.get("object_list")
        if shown is not None and not isinstance(shown, Model):
            audit_page_read(self.request, list(shown), channel=self.audit_channel)
        return context


def audits_template_reads(*context_keys: str, channel: str = "page"):
    """For function views returning a TemplateResponse: audits the records under
    `context_keys` in its context, e.g. `@audits_template_reads("person", "detentions")`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            context = getattr(response, "context_data", None) or {}
            for key in context_keys:
                audit_page_read(request, context.get(key), channel=channel)
            return response

        return wrapper

    return decorator
