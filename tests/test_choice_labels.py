"""`get_<field>_display()` as Haven installs it (casework.choice_labels) says what Django's
own says, for every choice of every field of every model, in English and in Russian."""

from __future__ import annotations

import inspect

import pytest
from django.apps import apps
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import override

from casework.choice_labels import _get_field_display


def djangos_display(instance, field):
    """Django 5.2's Model._get_FIELD_display, as it is written there."""
    value = getattr(instance, field.attname)
    choices_dict = dict(make_hashable(field.flatchoices))
    return force_str(choices_dict.get(make_hashable(value), value), strings_only=True)


CHOICE_FIELDS = [
    (model, field)
    for model in apps.get_models()
    for field in model._meta.concrete_fields
    if field.choices
]


def test_every_model_shows_its_choices_through_it():
    assert len(CHOICE_FIELDS) > 20
    for model, field in CHOICE_FIELDS:
        bound = inspect.getattr_static(model, f"get_{field.name}_display")
        assert bound.func is _get_field_display, (model, field.name)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_choice_reads_as_django_would_say_it(language):
    checked = 0
    with override(language):
        for model, field in CHOICE_FIELDS:
            instance = model()
            for value in [v for v, _ in field.flatchoices] + ["not-a-choice"]:
                setattr(instance, field.attname, value)
                shown = getattr(instance, f"get_{field.name}_display")()
                assert shown == djangos_display(instance, field), (model, field.name, value)
                checked += 1
    assert checked > 100


def test_labels_follow_the_active_language():
    from casework.models import Person

    person = Person(status="detained")
    with override("en"):
        english = person.get_status_display()
    with override("ru"):
        russian = person.get_status_display()
    status = Person._meta.get_field("status")
    assert english != russian
    assert english == djangos_display_in("en", person, status)
    assert russian == djangos_display_in("ru", person, status)


def djangos_display_in(language, instance, field):
    with override(language):
        return djangos_display(instance, field)
