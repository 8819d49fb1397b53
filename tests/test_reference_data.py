"""The replay of shipped rows after a flush (tests/reference_data.py) must bring back every
data migration's rows, including a later migration that adds rows to an already filled table."""

import importlib

import pytest
from django.apps import apps

from tests.reference_data import SHIPPED, ensure_shipped_reference_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("module_name,function,label,lookup", SHIPPED, ids=[s[0] for s in SHIPPED])
def test_rows_of_each_shipped_migration_come_back(module_name, function, label, lookup):
    model = apps.get_model(label)
    assert model.objects.filter(**lookup).exists(), "the migration shipped this row"
    before = model.objects.count()
    model.objects.filter(**lookup).delete()
    assert ensure_shipped_reference_data() >= 1
    assert model.objects.filter(**lookup).exists()
    assert model.objects.count() == before


def test_every_data_migration_adding_rules_is_replayed():
    """A new data migration writing engine rules must be listed in SHIPPED."""
    from django.db.migrations.loader import MigrationLoader

    listed = {s[0] for s in SHIPPED}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app, _name), migration in loader.disk_migrations.items():
        if app != "engine":
            continue
        module = importlib.import_module(migration.__module__)
        if hasattr(module, "RULES"):
            assert migration.__module__ in listed, f"{migration.__module__} is not replayed"
