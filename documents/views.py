"""Document pages: a person's documents (list and upload), the documents of one fact, the
download and the delete.

Every view needs a staff role and the documents permission for what it does; the person is
read through the gate (casework.selectors.person_for_page), so a restricted person's
documents are a 404 for anyone not assigned, the same answer as a document that does not
exist. Downloads stream the decrypted bytes and are in the read audit. Ids only in URLs.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.mixins import audit_page_read
from casework.access import visible
from casework.selectors import person_for_page
from casework.views import staff_required

from . import forms, services
from .models import Document, fact_model


def need(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def person_or_404(request, pk):
    """The person through the gate: a restricted one the user may not see is a 404."""
    person = person_for_page(request.user, pk)
    if person is None:
        raise Http404
    return person


def documents_of(user, person):
    return list(visible(Document.objects.filter(person=person), user).select_related("person"))


def deleted_documents_of(person) -> list:
    """What the history keeps of the person's deleted documents: which, when, by whom."""
    return list(
        Document.history.filter(person_id=person.pk, history_type="-")
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )


@staff_required
def person_documents(request, pk):
    need(request, "documents.view_document")
    person = person_or_404(request, pk)
    form = forms.DocumentUploadForm(person=person)
    if request.method == "POST":
        need(request, "documents.add_document")
        form = forms.DocumentUploadForm(request.POST, request.FILES, person=person)
        if form.is_valid():
            try:
                services.document_upload(person=person, by=request.user, **form.service_args())
            except ValidationError as exc:
                form.add_errors(exc)
            else:
                messages.success(request, _("The document was uploaded and stored encrypted."))
                return redirect("documents:person", pk=person.pk)
    documents = documents_of(request.user, person)
    audit_page_read(request, [person, *documents])
    return render(
        request,
        "documents/person_documents.html",
        {
            "person": person,
            "documents": documents,
            "deleted": deleted_documents_of(person)
            if request.user.has_perm("documents.delete_document")
            else [],
            "form": form,
            "can_upload": request.user.has_perm("documents.add_document"),
            "can_delete": request.user.has_perm("documents.delete_document"),
        },
        status=400 if form.errors else 200,
    )


@staff_required
def fact_documents(request, kind, pk):
    """The documents attached to one fact (a decision, an appeal...)."""
    need(request, "documents.view_document")
    model = fact_model(kind)
    if model is None:
        raise Http404
    fact = get_object_or_404(visible(model._default_manager.all(), request.user), pk=pk)
    documents = list(
        visible(Document.objects.filter(fact_kind=kind, fact_id=fact.pk), request.user)
    )
    audit_page_read(request, [fact, *documents])
    return render(
        request,
        "documents/fact_documents.html",
        {"fact": fact, "fact_label": model._meta.verbose_name, "documents": documents},
    )


def _visible_document(request, pk) -> Document:
    return get_object_or_404(
        visible(Document.objects.select_related("person"), request.user), pk=pk
    )


def streaming_response(*, document: Document, chunks) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=document.content_type)
    response["Content-Length"] = str(document.size)
    # The name is the user's own file name, sent only to someone allowed to read it; never
    # in a URL. RFC 6266 filename* carries any script.
    from urllib.parse import quote

    response["Content-Disposition"] = (
        f"attachment; filename=\"document\"; filename*=UTF-8''{quote(document.filename)}"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def download(request, pk):
    need(request, "documents.view_document")
    document = _visible_document(request, pk)
    try:
        chunks = services.document_read(
            document=document, user=request.user, channel="download", path=request.path
        )
    except PermissionError as exc:
        raise Http404 from exc
    return streaming_response(document=document, chunks=chunks)


@staff_required
@require_POST
def delete(request, pk):
    if not request.user.has_perm("documents.delete_document"):
        raise PermissionDenied
    document = _visible_document(request, pk)
    person_pk = document.person_id
    services.document_delete(document=document, by=request.user)
    messages.success(request, _("The document was deleted; its history keeps that it existed."))
    return redirect("documents:person", pk=person_pk)
