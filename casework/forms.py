"""Forms of the pages: they parse and validate input; writes go through casework.services
(or, for a plain fact with no side effects beyond its own row, the model's save)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from . import models as m
from .countries import is_country_code
from .validation import COUNTRY_FIELDS, FUTURE, NOT_A_CODE, normalise_countries, record_errors

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _dates(form: forms.ModelForm) -> None:
    """Native date pickers: quick on a phone, and the browser validates the format."""
    for f in form.fields.values():
        if isinstance(f, forms.DateField) and not isinstance(f, forms.DateTimeField):
            f.widget = DATE
        elif isinstance(f, forms.DateTimeField):
            f.widget = DATETIME


class CountryField(forms.CharField):
    """An ISO 3166 code from the project's list; a name typed instead is told the code."""

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(max_length=60, **kwargs)
        self.widget.attrs.update({"size": 3, "autocapitalize": "characters"})

    def to_python(self, value):
        return super().to_python(value).strip().upper()

    def validate(self, value):
        super().validate(value)
        if value and not is_country_code(value):
            raise forms.ValidationError(NOT_A_CODE)


class CheckedModelForm(forms.ModelForm):
    """A model form that makes the checks the API's serializers make (casework.validation:
    countries from the project's list, no date in the future, assignees in their role, UNHCR
    numbers answered the same whoever holds them), on the fields the form sets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in COUNTRY_FIELDS & self.fields.keys():
            old = self.fields[name]
            self.fields[name] = CountryField(
                required=old.required, label=old.label, help_text=old.help_text
            )

    def _post_clean(self):
        normalise_countries(self.instance)
        super()._post_clean()
        fields = None if self.instance._state.adding else self.changed_data
        for field, messages in record_errors(self.instance, fields=fields).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, messages)
            elif field not in self.fields:
                self.add_error(None, messages)

    def validate_unique(self):
        # A UNHCR number is checked by casework.validation, which never says "already exists"
        # for a person the user may not see; the other unique fields are not on the forms.
        exclude = self._get_validation_exclusions()
        exclude.add("unhcr_number")
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as e:
            self._update_errors(e)


def _role_users(role: str):
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=role, is_active=True)
        .distinct()
        .order_by("username")
    )


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

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(FUTURE)
        return day

    def clean(self):
        data = super().clean()
        group, name = data.get("group"), (data.get("new_group_name") or "").strip()
        if bool(group) == bool(name):
            raise forms.ValidationError(_("Choose an existing group or name a new one (not both)."))
        if name and m.Group.objects.filter(name__iexact=name).exists():
            self.add_error("new_group_name", _("A group with this name already exists."))
        data["new_group_name"] = name
        return data


class WelfareCheckForm(CheckedModelForm):
    """The short form on the person page: observed when, contact confirmed, by whom, how.
    Whether contact was confirmed is a question answered each time, yes or no, never a
    pre-ticked box: a refused family visit left ticked would count as contact and silence
    the no-contact alert."""

    contact_confirmed = forms.TypedChoiceField(
        label=_("Contact confirmed?"),
        help_text=_("Someone saw or spoke to the person (not a rumour or a refused visit)."),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether contact was confirmed.")},
    )

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


class ExtraditionRequestForm(CheckedModelForm):
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


class RemovalOrderForm(CheckedModelForm):
    """A deportation or expulsion order, with the moment the removal is scheduled for (the
    person page's last useful moment for a Rule 39 request is counted from it)."""

    class Meta:
        model = m.RemovalOrder
        fields = [
            "kind",
            "country",
            "destination_country",
            "issued_by",
            "issued_on",
            "notified_on",
            "scheduled_removal_on",
            "scheduled_removal_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)


class AsylumClaimForm(CheckedModelForm):
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
            "procedure",
            "grounds",
        ]
        widgets = {"grounds": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)


class AppealForm(CheckedModelForm):
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
        self.fields["lawyer"].queryset = _role_users(Role.LAWYER)
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


class InterimMeasureForm(CheckedModelForm):
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
            "decision_transmitted_on",
            "state_response",
        ]
        widgets = {"state_response": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)


class ReaffirmationForm(CheckedModelForm):
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
    "removal": (m.RemovalOrder, RemovalOrderForm),
    "appeal": (m.Appeal, AppealForm),
    "interim": (m.InterimMeasure, InterimMeasureForm),
}


# --- the record without the admin: persons, detentions and transfers, returns -----------------


class PersonForm(CheckedModelForm):
    """A person's own fields; names are the formset beside it."""

    class Meta:
        model = m.Person
        fields = [
            "born_on",
            "born_on_precision",
            "sex",
            "citizenship",
            "country_of_origin",
            "ethnicity",
            "languages",
            "unhcr_number",
            "status",
            "alleged_affiliation",
            "description",
            "consent_to_be_named",
            "consent_recorded_on",
            "consent_given_by",
            "confidentiality",
            "assigned_caseworker",
            "assigned_lawyer",
            "notes",
        ]
        widgets = {
            "alleged_affiliation": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)
        # Only users holding the role are offered (casework.validation refuses anyone else).
        self.fields["assigned_caseworker"].queryset = _role_users(Role.CASEWORKER)
        self.fields["assigned_lawyer"].queryset = _role_users(Role.LAWYER)


class BasePersonNameFormSet(forms.BaseInlineFormSet):
    """Every name the person is known by, in any script: at least one, one of them primary."""

    def clean(self):
        super().clean()
        kept = [
            f
            for f in self.forms
            if f.cleaned_data
            and f.cleaned_data.get("full_name")
            and not self._should_delete_form(f)
        ]
        if not kept:
            raise forms.ValidationError(_("Give at least one name the person is known by."))
        if sum(1 for f in kept if f.cleaned_data.get("is_primary")) > 1:
            raise forms.ValidationError(_("Only one name can be the primary name."))
        seen = set()
        for f in kept:
            name = " ".join(f.cleaned_data["full_name"].split())
            if name in seen:
                raise forms.ValidationError(_("The same name is given twice."))
            seen.add(name)


class PersonNameForm(forms.ModelForm):
    class Meta:
        model = m.PersonName
        fields = ["full_name", "script", "is_primary"]

    def validate_unique(self):
        # The formset checks names against each other; a new primary name demotes the old one
        # in casework.services, which the per-row "one primary" check would refuse first.
        pass


PersonNameFormSet = forms.inlineformset_factory(
    m.Person,
    m.PersonName,
    form=PersonNameForm,
    formset=BasePersonNameFormSet,
    fields=["full_name", "script", "is_primary"],
    extra=2,
    can_delete=True,
)


DETENTION_FIELDS = [
    "facility",
    "started_on",
    "ended_on",
    "legal_basis",
    "ordering_authority",
    "authorised_until",
    "incommunicado",
    "lawyer_access",
    "health_concerns",
]


class DetentionForm(CheckedModelForm):
    class Meta:
        model = m.Detention
        fields = DETENTION_FIELDS
        widgets = {"health_concerns": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)
        self.fields["facility"].queryset = m.Facility.objects.order_by("country", "city", "name")


class TransferForm(forms.Form):
    """Moved from this detention to another facility: ends this one, starts the next."""

    to_facility = forms.ModelChoiceField(
        label=_("Moved to"), queryset=m.Facility.objects.order_by("country", "city", "name")
    )
    moved_on = forms.DateField(label=_("Moved on"), widget=DATE)
    authorised_until = forms.DateField(
        label=_("Authorised until (if a new term was set)"), widget=DATE, required=False
    )

    def __init__(self, *args, detention: m.Detention, **kwargs):
        super().__init__(*args, **kwargs)
        self.detention = detention
        self.fields["moved_on"].initial = timezone.localdate()

    def clean_moved_on(self):
        day = self.cleaned_data["moved_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(FUTURE)
        if day < self.detention.started_on:
            raise forms.ValidationError(_("The move cannot be before the detention started."))
        return day

    def clean_to_facility(self):
        facility = self.cleaned_data["to_facility"]
        if facility == self.detention.facility:
            raise forms.ValidationError(_("The person is already held there."))
        return facility


class ReturnForm(CheckedModelForm):
    class Meta:
        model = m.Return
        fields = [
            "kind",
            "returned_on",
            "returned_on_precision",
            "from_country",
            "destination_country",
            "how_learned",
        ]
        widgets = {"how_learned": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _dates(self)
