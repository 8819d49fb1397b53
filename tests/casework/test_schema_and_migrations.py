"""The models and their migrations agree, and the OpenAPI schema generates cleanly."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from drf_spectacular.plumbing import _load_enum_name_overrides
from drf_spectacular.settings import spectacular_settings

# The enum names config/settings/base.py must set in SPECTACULAR_SETTINGS: without them
# drf-spectacular warns that `status` (three choice sets) and two shared choice sets
# (yes/no/unknown, date precision) have colliding names.
ENUM_NAME_OVERRIDES = {
    "PersonStatusEnum": "casework.models.PersonStatus",
    "ExtraditionStatusEnum": "casework.models.ExtraditionStatus",
    "InterimStatusEnum": "casework.models.InterimStatus",
    "YesNoUnknownEnum": "casework.models.Consent",
    "DatePrecisionEnum": "casework.models.DatePrecision",
}


@pytest.mark.django_db
def test_makemigrations_finds_nothing_to_do():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _casework_schema():
    """The schema of the case record API alone (engine and advocacy have their own tests),
    with the warnings and errors drf-spectacular raised while generating it."""
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/", include("casework.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    return [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache], schema


@pytest.mark.django_db
def test_the_case_record_schema_generates_without_warnings_given_the_enum_names(monkeypatch):
    # drf-spectacular reads its settings once per process and caches the overrides it
    # loaded; set the value on its settings object and clear that cache around the run.
    monkeypatch.setattr(spectacular_settings, "ENUM_NAME_OVERRIDES", ENUM_NAME_OVERRIDES)
    _load_enum_name_overrides.cache_clear()
    try:
        problems, schema = _casework_schema()
    finally:
        _load_enum_name_overrides.cache_clear()

    assert problems == []
    detail = schema["paths"]["/api/persons/{id}/"]
    # Opaque ids only: the path parameter accepts a UUID and nothing else.
    assert detail["get"]["parameters"][0]["schema"]["pattern"] == "^[0-9a-fA-F-]{36}$"
    assert "q" in {p["name"] for p in schema["paths"]["/api/persons/"]["get"]["parameters"]}
