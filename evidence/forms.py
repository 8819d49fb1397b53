from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from casework.forms import CheckedModelForm
from casework.models import PostReturnReport

from .models import PackBody


class PackForm(forms.Form):
    body = forms.ChoiceField(label=_("For"), choices=PackBody.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class PostReturnReportForm(CheckedModelForm):
    """The API's checks too (casework.validation): nothing reported on a day still to come."""

    class Meta:
        model = PostReturnReport
        fields = ["reported_on", "kind", "details", "sentence_years", "source"]
        widgets = {
            "reported_on": forms.DateInput(attrs={"type": "date"}),
            "details": forms.Textarea(attrs={"rows": 3}),
        }
