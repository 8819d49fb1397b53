"""Pages: an urgent action's letters with a live progress bar (htmx polls the batch)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import services
from .models import LetterBatch, UrgentAction


@login_required
@permission_required("advocacy.view_letter", raise_exception=True)
def letters_page(request, pk):
    ua = get_object_or_404(UrgentAction, pk=pk)
    batch = ua.batches.order_by("-created_at").first()
    letters = ua.letters.select_related("authority").order_by("authority__rank", "language")
    return render(
        request,
        "advocacy/letters.html",
        {"ua": ua, "batch": batch, "letters": letters, "error": request.GET.get("error")},
    )


@login_required
@permission_required("advocacy.add_letterbatch", raise_exception=True)
@require_POST
def generate(request, pk):
    ua = get_object_or_404(UrgentAction, pk=pk)
    try:
        batch = services.letter_batch_start(ua=ua, by=request.user)
    except ValidationError:
        return redirect("advocacy:letters", pk=ua.pk)
    if request.htmx:
        return render(request, "advocacy/_progress.html", {"batch": batch})
    return redirect("advocacy:letters", pk=ua.pk)


@login_required
@permission_required("advocacy.view_letterbatch", raise_exception=True)
def batch_progress(request, pk):
    batch = get_object_or_404(LetterBatch, pk=pk)
    return render(request, "advocacy/_progress.html", {"batch": batch})
