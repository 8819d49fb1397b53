"""Exports: visibility, consent on public exports, formula neutralisation, audit."""

import csv
import io
from datetime import date

import pytest

from accounts.models import ReadAudit
from casework.exports import export_persons_csv, neutralise
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_public_export_never_names_a_person_without_consent(caseworker):
    PersonFactory(
        name="Abdullaev Rustam", consent_to_be_named="no", description="an ethnic Uzbek man"
    )
    PersonFactory(
        name="Tursunov Xurshid", consent_to_be_named="yes", consent_recorded_on=date(2011, 1, 1)
    )
    text = export_persons_csv(user=caseworker, public=True)
    assert "Abdullaev" not in text and "Rustam" not in text
    assert {r["reference"] for r in rows(text)} == {"an ethnic Uzbek man", "Tursunov Xurshid"}
    assert "case_number" not in rows(text)[0]


def test_internal_export_lists_only_what_the_role_may_see_and_logs_restricted_reads(caseworker):
    lawyer = UserFactory(username="other-lawyer", roles=["lawyer"])
    PersonFactory(name="Visible Person")
    hidden = PersonFactory(
        name="Hidden Person", confidentiality="restricted", assigned_lawyer=lawyer
    )
    mine = PersonFactory(
        name="Mine Restricted", confidentiality="restricted", assigned_caseworker=caseworker
    )
    text = export_persons_csv(user=caseworker)
    names = {r["name"] for r in rows(text)}
    assert names == {"Visible Person", "Mine Restricted"}
    assert hidden.case_number not in text
    audit = ReadAudit.objects.get()
    assert audit.person_id == mine.pk and audit.channel == "export"


def test_an_outsider_exports_nothing(outsider):
    from django.core.exceptions import PermissionDenied

    PersonFactory(name="Visible Person")
    with pytest.raises(PermissionDenied):
        export_persons_csv(user=outsider)


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "+1", "-1", "@A1", "\tx"])
def test_formula_prefixes_are_neutralised(value):
    assert neutralise(value).startswith("'")


def test_an_exported_name_that_looks_like_a_formula_is_neutralised(caseworker):
    person = PersonFactory(name="Tursunov Xurshid")
    person.names.create(full_name='=HYPERLINK("http://example.org","x")')
    text = export_persons_csv(user=caseworker)
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
