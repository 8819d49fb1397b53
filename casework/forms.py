"""Forms of the pages: they parse and validate input; writes go through casework.services
(or, for a plain fact with no side effects beyond its own row, the model's save)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import models as m

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _dates(form: forms.ModelForm) -> None:
    """Native date pickers: quick on a phone, and the browser validates the format."""
    for f in form.fields.values():
        if isinstance(f, forms.DateField) and not isinstance(f, forms.DateTimeField):
            f.widget = DATE
        elif isinstance(f, forms.DateTimeField):
            f.widget = DATETIME


class GroupEventForm(forms.Form):
    """Log something that happened to a whole group, before the names are known: one action."""

    group = forms.ModelChoiceField(
        label=_("Existing group"), queryset=m.Group.objects.all(), required=False
    )
    new_group_name = forms.CharField(label=_("or a new group"), max_length=200, required=False)
    estimated_size = forms.IntegerField(label=_("Estimated size"), min_value=1, required=False)
    kind = forms.ChoiceField(label=_("What happened"), choices=m.GroupEventKind.choices)
    facility = forms.ModelChoiceField(
        label=_("Facility"), queryset=m.Facility.objects.all(), required=False
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    estimated_count = forms.IntegerField(label=_("How many"), min_value=1, required=False)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        group, name = data.get("group"), (data.get("new_group_name") or "").strip()
        if bool(group) == bool(name):
            raise forms.ValidationError(_("Choose an existing group or name a new one (not both)."))
        if name and m.Group.objects.filter(name__iexact=name).exists():
            self.add_error("new_group_name", _("A group with this name already exists."))
        data["new_group_name"] = name
        return data


class WelfareCheckForm(forms.ModelForm):
    """The short form on the person page: observed when, contact confirmed, by whom, how."""

    class Meta:
        model = m.WelfareCheck
        fields = [
            "observed_at",
            "contact_confirmed",
            "seen_by",
            "condition",
            "transfer_reported",
            "family_visit_refused",
            "notes",
        ]
        widgets = {
            "condition": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)
        self.fields["observed_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Find a person by any spelling of any name"), max_length=100)


class MemberAddForm(forms.Form):
    person = forms.UUIDField()


class ExtraditionRequestForm(forms.ModelForm):
    class Meta:
        model = m.ExtraditionRequest
        fields = [
            "requesting_state",
            "requested_state",
            "charges",
            "charge_articles",
            "received_on",
            "arrested_on",
            "deciding_authority",
            "status",
            "decided_on",
            "notified_on",
            "diplomatic_assurances",
            "scheduled_removal_at",
            "notes",
        ]
        widgets = {
            "charges": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)


class AsylumClaimForm(forms.ModelForm):
    class Meta:
        model = m.AsylumClaim
        fields = [
            "authority_kind",
            "authority_name",
            "country",
            "lodged_on",
            "interviewed_on",
            "decision",
            "decided_on",
            "notified_on",
            "grounds",
        ]
        widgets = {"grounds": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)


class AppealForm(forms.ModelForm):
    """An appeal against exactly one thing: chosen from this person's decisions, detentions,
    removal orders and lower appeals (the chain district -> appeal -> supreme)."""

    target = forms.ChoiceField(label=_("Against"))

    class Meta:
        model = m.Appeal
        fields = [
            "court",
            "court_level",
            "country",
            "lodged_on",
            "outcome",
            "decided_on",
            "notified_on",
            "lawyer",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, person: m.Person, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)
        self.person = person
        from django.contrib.auth import get_user_model

        self.fields["lawyer"].queryset = (
            get_user_model().objects.filter(groups__name="lawyer").order_by("username")
        )
        choices = [("", "—")]
        for e in person.extradition_requests.all():
            choices.append(
                (
                    f"extradition_request:{e.pk}",
                    _("Extradition decision (%(from)s → %(to)s, %(status)s)")
                    % {
                        "from": e.requesting_state,
                        "to": e.requested_state,
                        "status": e.get_status_display(),
                    },
                )
            )
        for c in person.asylum_claims.all():
            choices.append(
                (
                    f"asylum_claim:{c.pk}",
                    _("Asylum decision (%(country)s, %(decision)s)")
                    % {"country": c.country, "decision": c.get_decision_display()},
                )
            )
        for d in person.detentions.all():
            choices.append(
                (f"detention:{d.pk}", _("Detention from %(day)s") % {"day": d.started_on})
            )
        for o in person.removal_orders.all():
            choices.append(
                (
                    f"removal_order:{o.pk}",
                    _("Removal order of %(day)s") % {"day": o.issued_on},
                )
            )
        for a in person.appeals.exclude(pk=self.instance.pk or None):
            choices.append(
                (
                    f"lower_appeal:{a.pk}",
                    _("Decision of %(court)s (%(level)s)")
                    % {"court": a.court, "level": a.get_court_level_display()},
                )
            )
        self.fields["target"].choices = choices
        if self.instance.pk and self.instance.target_kind:
            kind = self.instance.target_kind
            self.fields["target"].initial = f"{kind}:{getattr(self.instance, kind + '_id')}"

    def clean_target(self):
        value = self.cleaned_data["target"]
        kind, _sep, pk = value.partition(":")
        if kind not in m.Appeal.TARGET_FIELDS or not pk:
            raise forms.ValidationError(_("Choose what the appeal is against."))
        return kind, pk

    def save(self, commit=True):
        appeal = super().save(commit=False)
        appeal.person = self.person
        kind, pk = self.cleaned_data["target"]
        for name in m.Appeal.TARGET_FIELDS:
            setattr(appeal, f"{name}_id", pk if name == kind else None)
        if commit:
            appeal.save()
        return appeal


class InterimMeasureForm(forms.ModelForm):
    class Meta:
        model = m.InterimMeasure
        fields = [
            "body",
            "case_number",
            "respondent_state",
            "requested_on",
            "granted_on",
            "status",
            "lifted_on",
            "complaint_transmitted_on",
            "decision_on",
            "state_response",
        ]
        widgets = {"state_response": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)


class ReaffirmationForm(forms.ModelForm):
    class Meta:
        model = m.Reaffirmation
        fields = ["reaffirmed_on", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)


# kind in the URL -> (model, form, whose permission, verbose name via the model)
PROCEEDINGS = {
    "extradition": (m.ExtraditionRequest, ExtraditionRequestForm),
    "asylum": (m.AsylumClaim, AsylumClaimForm),
    "appeal": (m.Appeal, AppealForm),
    "interim": (m.InterimMeasure, InterimMeasureForm),
}
