"""The demo data (fixtures/demo.yaml, `manage.py load_demo`): it mirrors the seeds, and loading
it twice changes nothing, on whichever database the suite runs on."""

from __future__ import annotations

import io
import stat
import sys
import types
from datetime import date
from importlib.machinery import ModuleSpec

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from casework import models as m

pytestmark = pytest.mark.django_db

ROLES = ("caseworker", "lawyer", "coordinator", "admin")


@pytest.fixture
def var_dir(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("HAVEN_DEMO_PASSWORD", raising=False)
    return tmp_path


@pytest.fixture
def demo(var_dir):
    call_command("load_demo", stdout=io.StringIO())
    return var_dir


def row_counts() -> dict[str, int]:
    """Rows in every table, history and many-to-many tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def test_loading_twice_changes_nothing(demo):
    before = row_counts()
    stamps = dict(m.Person.objects.values_list("id", "updated_at"))
    hashes = dict(get_user_model().objects.values_list("username", "password"))

    call_command("load_demo", stdout=io.StringIO())

    after = row_counts()
    changed = {
        label: (before[label], after[label]) for label in after if after[label] != before[label]
    }
    # Includes other apps' demo loaders (engine.demo, advocacy.demo): they must be idempotent too.
    assert not changed, f"a second load wrote rows: {changed}"
    assert dict(m.Person.objects.values_list("id", "updated_at")) == stamps
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes


def test_osh_group_is_logged_before_every_name_is_known(demo):
    osh = m.Group.objects.get(name="29 men detained in Osh")
    assert osh.estimated_size == 29
    assert 0 < osh.members.count() < 29
    transfer = osh.events.get(kind=m.GroupEventKind.TRANSFERRED)
    assert transfer.facility.city == "Osh"
    assert transfer.estimated_count == 29
    assert m.Facility.objects.filter(kind=m.FacilityKind.CAMP, country="KG").exists()
    for person in osh.members.all():
        claim = person.asylum_claims.get()
        assert claim.authority_kind == m.AsylumAuthorityKind.UNHCR
        assert claim.decision == m.AsylumDecision.PENDING
        assert person.detentions.get().facility == transfer.facility
    assert m.Return.objects.filter(from_country="KG", destination_country="UZ").count() == 4


def test_kazakhstan_case_follows_ua_129_10(demo):
    appeal = m.Appeal.objects.filter(decided_on=date(2011, 3, 15)).first()
    assert appeal.outcome == m.AppealOutcome.REJECTED
    assert appeal.notified_on >= appeal.decided_on
    request = appeal.target
    assert isinstance(request, m.ExtraditionRequest)
    assert (request.requesting_state, request.requested_state) == ("UZ", "KZ")
    assert request.status == m.ExtraditionStatus.APPROVED
    assert "Prosecutor General" in request.deciding_authority
    assert request.decided_on.strftime("%Y-%m") == "2010-09"
    assert request.person.detentions.get().legal_basis == m.LegalBasis.EXTRADITION_ARREST

    measure = request.person.interim_measures.get()
    assert measure.body == m.InterimBody.CAT
    assert measure.granted_on.strftime("%Y-%m") == "2010-12"
    assert [r.reaffirmed_on.strftime("%Y-%m") for r in measure.reaffirmations.all()] == ["2011-05"]

    extradited = m.Group.objects.get(name="the 28 extradited on 9 June 2011")
    assert extradited.estimated_size == 28
    assert extradited.members.count() == (
        m.Return.objects.filter(returned_on=date(2011, 6, 9), person__groups=extradited).count()
    )

    still_detained = m.Group.objects.get(name="four still detained in Almaty").members.all()
    assert len(still_detained) == 4
    assert all(p.detentions.filter(ended_on__isnull=True).exists() for p in still_detained)

    september = m.Return.objects.get(returned_on__year=2010)
    kinds = set(september.reports.values_list("kind", flat=True))
    assert kinds == {m.PostReturnKind.INCOMMUNICADO, m.PostReturnKind.SENTENCED}
    assert september.reports.get(kind=m.PostReturnKind.SENTENCED).sentence_years == 10


def test_wives_campaign_publicly_with_consent(demo):
    wives = m.Person.objects.filter(sex=m.Sex.FEMALE, relationships__kind="spouse").distinct()
    assert wives.count() >= 2
    assert all(w.consent_to_be_named == m.Consent.YES for w in wives)


def test_consent_is_mixed_and_one_person_is_restricted_to_assigned_staff(demo):
    consents = set(m.Person.objects.values_list("consent_to_be_named", flat=True))
    assert consents == {"yes", "no", "unknown"}
    restricted = m.Person.objects.get(confidentiality=m.Confidentiality.RESTRICTED)
    assert restricted.assigned_caseworker.username == "caseworker"
    assert restricted.assigned_lawyer.username == "lawyer"
    coordinator = get_user_model().objects.get(username="coordinator")
    assert not m.Person.objects.visible_to(coordinator).filter(pk=restricted.pk).exists()
    assert m.Person.objects.visible_to(restricted.assigned_lawyer).filter(pk=restricted.pk).exists()


def test_names_in_every_script_find_the_same_person(demo):
    found = [set(m.Person.objects.search(q)) for q in ("Abdullaev", "Abdullayev", "Абдуллаев")]
    assert len(found[0]) == 1
    assert found[0] == found[1] == found[2]
    scripts = set(m.PersonName.objects.values_list("script", flat=True))
    assert {"latin", "cyrillic", "uzbek_latin"} <= scripts


def test_one_user_per_role_with_the_printed_password(demo):
    lines = (demo / "demo-logins.txt").read_text().splitlines()
    logins = [line.split("\t") for line in lines if not line.startswith("#")]
    assert [row[0] for row in logins] == list(ROLES)
    assert stat.S_IMODE((demo / "demo-logins.txt").stat().st_mode) == 0o600
    for role, username, password, secret in logins:
        user = authenticate(username=username, password=password)
        assert user is not None
        assert user.groups.filter(name=role).exists()
        # The printed second factor is the one enrolled: its current code is accepted.
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        from accounts.services import totp_code

        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert TOTP(authenticator).validate_code(totp_code(secret))
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser


def test_demo_password_comes_from_the_environment(var_dir, monkeypatch):
    monkeypatch.setenv("HAVEN_DEMO_PASSWORD", "a-demo-password-for-tests")
    call_command("load_demo", stdout=io.StringIO())
    assert authenticate(username="lawyer", password="a-demo-password-for-tests")


def test_other_apps_demo_loaders_are_called(var_dir, monkeypatch):
    calls = []
    fake = types.ModuleType("advocacy.demo")
    fake.__spec__ = ModuleSpec("advocacy.demo", loader=None)
    fake.load = lambda *, stdout: calls.append(stdout)
    monkeypatch.setitem(sys.modules, "advocacy.demo", fake)
    call_command("load_demo", stdout=io.StringIO())
    assert len(calls) == 1


def test_refuses_production_settings(var_dir, settings):
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")
