from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import Period

MAX_MONTHS = 120


def default_period(today: date) -> tuple[date, date]:
    """The twelve months up to and including this one."""
    start = date(today.year - 1, today.month, 1)
    start = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, today


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    states = forms.CharField(
        label=_("States"),
        required=False,
        max_length=200,
        help_text=_("ISO codes separated by commas, e.g. KZ, RU; empty: every state."),
    )

    def clean_states(self) -> tuple[str, ...]:
        codes = [c.strip().upper() for c in re.split(r"[,\s]+", self.cleaned_data["states"]) if c]
        wrong = [c for c in codes if not re.fullmatch(r"[A-Z]{2}", c)]
        if wrong:
            raise forms.ValidationError(
                _("Not a two-letter state code: %(codes)s."), params={"codes": ", ".join(wrong)}
            )
        return tuple(sorted(set(codes)))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
                raise forms.ValidationError(_("Choose a period of at most ten years."))
        return data

    def period(self) -> Period:
        d = self.cleaned_data
        return Period(start=d["start"], end=d["end"], states=d["states"])
