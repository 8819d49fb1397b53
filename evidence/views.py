"""Evidence pages: a person's packs (generate one, follow its progress, download the PDF and
the ZIP), the one-page case summary, a post-return report entered from the person page, and
the page of returns per destination state.

Every view needs a staff role; the person is read through the gate (a restricted person the
user may not see is a 404); downloads stream decrypted bytes and are in the read audit.

Stable hooks for browser tests: #pack-form, #pack-body, #pack-language, #pack-generate,
#pack-progress (polls itself; data-status), [data-testid=pack-pdf], [data-testid=pack-zip].
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import record_read
from accounts.mixins import audit_page_read
from casework import models as m
from casework.access import visible
from casework.views import staff_required
from documents.views import need, person_or_404

from . import chronology as chrono
from . import forms, services
from .models import EvidencePack, PackStatus
from .pack import rule39_moment
from .returns import destinations, returns_to


@staff_required
def packs(request, pk):
    need(request, "evidence.view_evidencepack")
    person = person_or_404(request, pk)
    form = forms.PackForm(initial={"language": translation.get_language()[:2]})
    if request.method == "POST":
        need(request, "evidence.add_evidencepack")
        form = forms.PackForm(request.POST)
        if form.is_valid():
            pack = services.evidence_pack_request(
                person=person, by=request.user, **form.cleaned_data
            )
            return redirect("evidence:pack", pk=pack.pk)
    rows = list(person.evidence_packs.all()[:20])
    audit_page_read(request, [person, *rows])
    return render(
        request,
        "evidence/packs.html",
        {"person": person, "packs": rows, "form": form},
        status=400 if form.errors else 200,
    )


def _visible_pack(request, pk) -> EvidencePack:
    need(request, "evidence.view_evidencepack")
    return get_object_or_404(
        visible(EvidencePack.objects.select_related("person"), request.user), pk=pk
    )


@staff_required
def pack_detail(request, pk):
    pack = _visible_pack(request, pk)
    audit_page_read(request, pack)
    return render(request, "evidence/pack_detail.html", {"pack": pack, "person": pack.person})


@staff_required
def pack_progress(request, pk):
    pack = _visible_pack(request, pk)
    response = render(request, "evidence/_progress.html", {"pack": pack})
    if request.htmx and pack.is_finished:
        response["HX-Refresh"] = "true"
    return response


@staff_required
def pack_download(request, pk, which):
    if which not in ("pdf", "zip"):
        raise Http404
    pack = _visible_pack(request, pk)
    if pack.status != PackStatus.DONE:
        raise Http404
    chunks = services.evidence_pack_chunks(pack=pack, which=which)
    read = [pack]
    if which == "zip":
        # The ZIP holds the annexed documents themselves: each is a read of that document.
        from documents.models import Document

        ids = [annex["document"] for annex in pack.annexes]
        read += list(Document.objects.filter(pk__in=ids).select_related("person"))
    record_read(user=request.user, objects=read, channel="download", path=request.path)
    content_type = "application/pdf" if which == "pdf" else "application/zip"
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Length"] = str(getattr(pack, f"{which}_size"))
    name = f"{pack.person.case_number}-{pack.body}-{pack.created_at:%Y%m%d}.{which}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def summary(request, pk):
    """A printable one-page summary for a lawyer's file, from the pack's chronology code."""
    person = person_or_404(request, pk)
    facts = chrono.load_facts(person)
    removal_at, destination = chrono.scheduled_removal(facts)
    from casework import selectors

    risk = selectors.current_risk([person.pk]).get(person.pk)
    audit_page_read(request, person)
    return render(
        request,
        "evidence/summary.html",
        {
            "person": person,
            "names": [n.full_name for n in person.names.all()],
            "entries": chrono.chronology(facts),
            "decisions": chrono.decisions(facts),
            "measures": facts.measures,
            "risk": risk,
            "risk_reasons": selectors.reasons_of(risk),
            "deadlines": selectors.open_deadlines(selectors.deadlines_by_source(person)),
            "destination": chrono.country_name(destination),
            "removal_at": removal_at,
            "rule39": rule39_moment(removal_at, now=timezone.now()),
        },
    )


@staff_required
def post_return_report_edit(request, pk, report_pk=None):
    """A new post-return report, or (with `report_pk`) a correction to one."""
    perm = "change" if report_pk else "add"
    if not request.user.has_perm(f"casework.{perm}_postreturnreport"):
        raise PermissionDenied
    person = person_or_404(request, pk)
    return_record = m.Return.objects.filter(person=person).first()
    if return_record is None:
        raise Http404
    report = get_object_or_404(return_record.reports, pk=report_pk) if report_pk else None
    form = forms.PostReturnReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            if report is None:
                services.post_return_report_add(
                    return_record=return_record, by=request.user, **form.cleaned_data
                )
            else:
                services.post_return_report_update(
                    report=report,
                    by=request.user,
                    **{name: form.cleaned_data[name] for name in form.changed_data},
                )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The post-return report was recorded."))
            return redirect("casework:person", pk=person.pk)
    audit_page_read(request, [person, return_record])
    return render(
        request,
        "evidence/post_return_form.html",
        {
            "person": person,
            "return_record": return_record,
            "form": form,
            "report": report,
            "can_change": request.user.has_perm("casework.change_postreturnreport"),
            "reports": list(return_record.reports.order_by("reported_on")),
        },
        status=400 if form.errors else 200,
    )


@staff_required
def returns_index(request):
    """The states persons were returned to, each linking to its page of returns."""
    need(request, "casework.view_return")
    return render(
        request, "evidence/returns_index.html", {"destinations": destinations(request.user)}
    )


@staff_required
def returns_by_destination(request, country):
    """Who was returned to `country` when, and what was reported since (visible persons)."""
    country = country.upper()[:2]
    rows = returns_to(request.user, country)
    audit_page_read(request, [r.person for r in rows] + rows)
    return render(
        request,
        "evidence/returns.html",
        {"country": country, "country_name": chrono.country_name(country), "returns": rows},
    )
