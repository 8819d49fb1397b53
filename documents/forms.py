"""The upload form: the file's type and size are checked from its content by the service
(documents.content); the form checks the fields around it and that the fact is the person's."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Document, FactKind


class DocumentUploadForm(forms.ModelForm):
    file = forms.FileField(label=_("File"))
    fact = forms.ChoiceField(label=_("Attached to"), required=False)

    class Meta:
        model = Document
        fields = ["kind", "dated_on", "language", "description"]
        widgets = {"dated_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["fact"].choices = [("", _("the person only")), *fact_choices(person)]

    def service_args(self) -> dict:
        data = self.cleaned_data
        fact_kind, _sep, fact_id = (data.get("fact") or "").partition(":")
        return {
            "upload": data["file"],
            "kind": data["kind"],
            "dated_on": data.get("dated_on"),
            "language": data.get("language", ""),
            "description": data.get("description", ""),
            "fact_kind": fact_kind,
            "fact_id": fact_id or None,
        }

    def add_errors(self, exc: ValidationError) -> None:
        for field, errors in exc.message_dict.items():
            target = {"fact_kind": "fact", "fact_id": "fact"}.get(field, field)
            self.add_error(target if target in self.fields else None, errors)


def fact_choices(person) -> list[tuple[str, str]]:
    """`kind:id` for each of the person's facts a document can be attached to, labelled by
    kind and date (never a name)."""
    from casework.models import PostReturnReport

    rows = []
    sources = [
        (FactKind.EXTRADITION_REQUEST, person.extradition_requests.all(), "decided_on"),
        (FactKind.ASYLUM_CLAIM, person.asylum_claims.all(), "decided_on"),
        (FactKind.REMOVAL_ORDER, person.removal_orders.all(), "issued_on"),
        (FactKind.APPEAL, person.appeals.all(), "decided_on"),
        (FactKind.DETENTION, person.detentions.all(), "started_on"),
        (FactKind.INTERIM_MEASURE, person.interim_measures.all(), "requested_on"),
        (FactKind.WELFARE_CHECK, person.welfare_checks.all()[:20], "observed_at"),
        (
            FactKind.POST_RETURN_REPORT,
            PostReturnReport.objects.filter(return_record__person=person),
            "reported_on",
        ),
    ]
    for kind, queryset, date_field in sources:
        for fact in queryset:
            when = getattr(fact, date_field, None)
            label = f"{kind.label} {when:%Y-%m-%d}" if when else str(kind.label)
            rows.append((f"{kind.value}:{fact.pk}", label))
    return rows
