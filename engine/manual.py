"""A deadline added by hand by a lawyer, with its reason: the form, the service and the page.
The engine computes what its rules cover; this is for the rest (a court's own order, a
registry's term given by telephone), and the person page lists both."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.models import Person

from .models import ManualDeadline


class ManualDeadlineForm(forms.ModelForm):
    class Meta:
        model = ManualDeadline
        fields = ["title", "due_on", "reason"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"reason": {"required": gettext_lazy("Say why this deadline exists.")}}

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why this deadline exists."))
        return reason


@transaction.atomic
def manual_deadline_add(
    *, person: Person, title: str, due_on: date, reason: str, by
) -> ManualDeadline:
    """A lawyer's own deadline for a person, with who added it (also in the history)."""
    deadline = ManualDeadline(person=person, title=title, due_on=due_on, reason=reason, added_by=by)
    deadline._history_user = by
    deadline.full_clean()
    deadline.save()
    return deadline


@login_required
def manual_deadline_new(request, person_pk):
    if not request.user.has_perm("engine.add_manualdeadline"):
        raise PermissionDenied
    person = Person.objects.visible_to(request.user).filter(pk=person_pk).first()
    if person is None:
        raise Http404
    form = ManualDeadlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        manual_deadline_add(person=person, by=request.user, **form.cleaned_data)
        messages.success(request, _("Deadline added."))
        return redirect(reverse("casework:person", args=[person.pk]) + "#h-deadlines")
    return render(request, "engine/manual_deadline_form.html", {"person": person, "form": form})
