"""`get_<field>_display()` with each field's labels translated once per language.

Django's own builds a dict of every choice of the field, translating each lazy label, on every
call: a person list of 25 rows translated ~300 labels to show 25, about a sixth of the page's
Python time, and the person page, its proceedings and the urgent-action lists likewise.
Installed once (CaseworkConfig.ready) on every model, so that no template has to avoid the
method. The choices of every field in Haven are fixed lists, so the labels of a (field,
language) never change while a process runs; a value not among them shows as itself, as in
Django.
"""

from __future__ import annotations

import functools
from functools import partialmethod

from django.apps import apps
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@functools.cache
def _labels(field, language: str | None) -> dict:
    return {
        make_hashable(value): force_str(label, strings_only=True)
        for value, label in field.flatchoices
    }


def _get_field_display(self, field):
    value = getattr(self, field.attname)
    label = _labels(field, get_language()).get(make_hashable(value))
    return label if label is not None else force_str(value, strings_only=True)


def install() -> None:
    """Rebind `get_<field>_display` on every model: Django binds it to `Model._get_FIELD_display`
    when the class is made, so patching that method alone would change nothing. A model's own
    `get_<field>_display`, if any, is left as it is."""
    original = models.Model._get_FIELD_display
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            bound = model.__dict__.get(name)
            if isinstance(bound, partialmethod) and bound.func is original:
                setattr(model, name, partialmethod(_get_field_display, field=field))
