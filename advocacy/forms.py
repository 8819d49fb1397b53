"""Forms of the coordinator's pages: they parse and validate input; the services act on it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Group

from .models import LANGUAGE_NAMES, AuthorityRole, UrgentAction
from .services import EDITABLE_FIELDS


class LinesField(forms.CharField):
    """A list of strings, one a line in a textarea (asks, co-signers)."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class UrgentActionForm(forms.ModelForm):
    """The coordinator's edit of a draft, with one choice per authority in the directory
    (`role_<id>`: recipient, copy, or not addressed)."""

    languages = forms.MultipleChoiceField(
        label=_("Languages to write in"),
        choices=[(code, name) for code, name in LANGUAGE_NAMES.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    asks = LinesField(
        label=_("Asks"), required=False, help_text=_("One ask a line, as they appear in bullets.")
    )
    cosigners = LinesField(
        label=_("Co-signing organisations"),
        required=False,
        help_text=_("One organisation a line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    further_information = forms.URLField(
        label=_("Further information"), required=False, assume_scheme="https"
    )

    class Meta:
        model = UrgentAction
        fields = EDITABLE_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "background": forms.Textarea(attrs={"rows": 8}),
            "additional_information": forms.Textarea(attrs={"rows": 8}),
            "send_before": DateInput(),
        }

    def __init__(self, *args, authorities=(), chosen: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.authorities = list(authorities)
        chosen = chosen or {}
        for authority in self.authorities:
            self.fields[f"role_{authority.pk}"] = forms.ChoiceField(
                label=str(authority),
                choices=[("", _("Not addressed")), *AuthorityRole.choices],
                required=False,
                initial=chosen.get(authority.pk, ""),
            )
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("id", f"ua-{name.replace('_', '-')}")

    def authority_rows(self):
        """(authority, bound role field) in directory order, for the template."""
        return [(a, self[f"role_{a.pk}"]) for a in self.authorities]

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}

    def recipients(self) -> list:
        """(authority, role) pairs in the order shown: recipients, then copies."""
        pairs = [(a, self.cleaned_data.get(f"role_{a.pk}")) for a in self.authorities]
        order = {AuthorityRole.RECIPIENT: 0, AuthorityRole.COPY: 1}
        chosen = [(a, role) for a, role in pairs if role]
        return sorted(chosen, key=lambda pair: order[pair[1]])


class DraftForm(forms.Form):
    """Persons (among those the user may see) and groups to draft from."""

    persons = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label=_("Persons")
    )
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Groups"),
    )

    def __init__(self, *args, persons_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].queryset = persons_queryset

    def clean(self):
        data = super().clean()
        if not data.get("persons") and not data.get("groups"):
            raise forms.ValidationError(_("Choose at least one person or group."))
        return data


class IssueForm(forms.Form):
    issued_on = forms.DateField(
        label=_("Issue date"),
        required=False,
        help_text=_("Leave empty for today."),
        widget=DateInput(attrs={"id": "ua-issue-issued-on"}),
    )
    send_before = forms.DateField(
        label=_("Send appeals before"), widget=DateInput(attrs={"id": "ua-issue-send-before"})
    )


class AnswerForm(forms.Form):
    answer_text = forms.CharField(
        label=_("The answer"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer_file = forms.FileField(label=_("The answer as a file"), required=False)
    answered_on = forms.DateField(label=_("Answered on"), required=False, widget=DateInput())
