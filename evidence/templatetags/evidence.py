"""The documents and evidence section of the person page, as one inclusion tag so that the
person page's template needs one line: `{% evidence_section %}`. It reads through the same
gate as the rest of the page (the person is already the visible one) and audits what it shows.
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from accounts.mixins import audit_page_read
from casework import models as m
from documents.views import documents_of

from .. import chronology as chrono
from ..pack import rule39_moment

register = template.Library()


@register.inclusion_tag("evidence/_person_section.html", takes_context=True)
def evidence_section(context):
    request = context["request"]
    person = context["person"]
    user = request.user
    documents = documents_of(user, person) if user.has_perm("documents.view_document") else []
    audit_page_read(request, documents)
    now = timezone.now()
    # The page has the extradition requests already (its proceedings); removal orders are read.
    extraditions = (context.get("proceedings") or {}).get("extraditions")
    if extraditions is None:
        extraditions = list(m.ExtraditionRequest.objects.filter(person=person))
    removals = [
        (x.scheduled_removal_at, x.requesting_state)
        for x in extraditions
        if x.scheduled_removal_at and x.scheduled_removal_at > now
    ] + list(
        m.RemovalOrder.objects.filter(person=person, scheduled_removal_at__gt=now).values_list(
            "scheduled_removal_at", "destination_country"
        )
    )
    removal_at, destination = min(removals, key=lambda r: r[0]) if removals else (None, "")
    return_record = (
        m.Return.objects.filter(person=person)
        .only("id", "destination_country", "person_id")
        .first()
    )
    return {
        "request": request,
        "perms": context.get("perms"),
        "person": person,
        "documents": documents,
        "can_view_documents": user.has_perm("documents.view_document"),
        "can_upload": user.has_perm("documents.add_document"),
        "can_packs": user.has_perm("evidence.view_evidencepack"),
        "removal_at": removal_at,
        "removal_destination": chrono.country_name(destination),
        "rule39": rule39_moment(removal_at, now=now),
        "return_record": return_record,
        "can_add_report": return_record is not None
        and user.has_perm("casework.add_postreturnreport"),
        "destination": destination or person.country_of_origin or person.citizenship,
    }
