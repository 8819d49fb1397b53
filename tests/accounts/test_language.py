"""A staff member's own language (accounts.Profile): the site's until they choose; chosen on
their alert settings, with the language switcher, by an admin or through the API; the pages
follow it from the login on, and the alerts and e-mails sent to them (tests/engine/
test_alert_language.py) are in it."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.language import language_of, languages_of, user_language_set
from accounts.models import Profile
from accounts.services import demo_totp_enrol
from engine.models import AlertPreference
from tests.accounts.helpers import code_step, password_step
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def chosen(user) -> str:
    """The user's language as stored now (not as cached on `user`)."""
    return language_of(type(user).objects.get(pk=user.pk))


def test_a_user_who_chose_nothing_has_the_sites_language(coordinator, caseworker, settings):
    assert language_of(coordinator) == settings.LANGUAGE_CODE == "en"
    user_language_set(user=caseworker, language="ru")
    assert languages_of([coordinator.pk, caseworker.pk]) == {
        coordinator.pk: "en",
        caseworker.pk: "ru",
    }
    with pytest.raises(ValueError):
        user_language_set(user=coordinator, language="xx")


def test_a_user_changes_their_language_on_their_alert_settings(client_for, coordinator):
    client = client_for(coordinator)
    page = client.get("/engine/inbox/").content.decode()
    assert '<select id="my-language" name="language">' in page
    assert '<option value="en" selected>' in page
    response = client.post(
        "/engine/inbox/preferences/",
        {"email_immediately": "on", "digest_time": "07:00", "language": "ru"},
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=coordinator).language == "ru"
    assert response.cookies["django_language"].value == "ru"
    page = client.get("/engine/inbox/").content.decode()
    assert '<html lang="ru">' in page and "Ваши настройки оповещений сохранены." in page
    assert '<option value="ru" selected>' in page
    assert AlertPreference.objects.get(user=coordinator).digest_enabled is False  # the rest too


def test_the_settings_offer_the_language_being_read_to_one_who_never_chose(client_for, coordinator):
    client = client_for(coordinator)
    client.cookies["django_language"] = "ru"
    page = client.get("/engine/inbox/").content.decode()
    assert '<option value="ru" selected>' in page


def test_an_unknown_language_changes_nothing(client_for, coordinator):
    client = client_for(coordinator)
    client.post("/engine/inbox/preferences/", {"digest_time": "07:00", "language": "xx"})
    assert not Profile.objects.filter(user=coordinator).exists()
    assert chosen(coordinator) == "en"


def test_the_switcher_saves_a_signed_in_users_choice(client_for, caseworker):
    client = client_for(caseworker)
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "ru"
    assert chosen(caseworker) == "ru"
    assert '<html lang="ru">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert chosen(caseworker) == "en"
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_switcher_still_works_before_login():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/accounts/login/"})
    assert response.cookies["django_language"].value == "ru"
    assert client.get("/accounts/login/")["Content-Language"] == "ru"
    assert not Profile.objects.exists()


def test_the_pages_are_in_the_users_language_from_the_login_on(caseworker):
    user_language_set(user=caseworker, language="ru")
    secret = demo_totp_enrol(caseworker)
    client = Client()  # no cookie, the browser asks for nothing: the site's language
    assert client.get("/accounts/login/")["Content-Language"] == "en"
    password_step(client, "cw")
    response = code_step(client, secret)
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "ru"
    page = client.get("/").content.decode()
    assert '<html lang="ru">' in page and "Сегодня" in page


def test_a_user_who_never_chose_keeps_the_language_they_were_reading_in(caseworker):
    secret = demo_totp_enrol(caseworker)
    client = Client()
    client.post("/i18n/setlang/", {"language": "ru", "next": "/accounts/login/"})
    password_step(client, "cw")
    response = code_step(client, secret)
    assert "django_language" not in response.cookies  # left as it was
    assert '<html lang="ru">' in client.get("/").content.decode()
    assert not Profile.objects.filter(user=caseworker).exists()


def test_the_switcher_after_login_wins_until_the_next_login(caseworker):
    user_language_set(user=caseworker, language="ru")
    secret = demo_totp_enrol(caseworker)
    client = Client()
    password_step(client, "cw")
    code_step(client, secret)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()
    assert chosen(caseworker) == "en"


def test_the_admin_shows_a_users_language(client_for, admin_user):
    someone = UserFactory(username="ru-reader", roles=["lawyer"])
    user_language_set(user=someone, language="ru")
    client = client_for(admin_user)
    listing = client.get("/admin/auth/user/").content.decode()
    assert "column-language" in listing and "Russian" in listing
    page = client.get(f"/admin/auth/user/{someone.pk}/change/").content.decode()
    assert 'name="haven_profile-0-language"' in page
    assert '<option value="ru" selected>Russian</option>' in page


def test_the_admins_user_list_reads_the_languages_with_the_users(client_for, admin_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(5):
        user_language_set(user=UserFactory(username=f"many{n}"), language="ru")
    client = client_for(admin_user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/admin/auth/user/").content.decode()
    assert page.count("Russian") >= 5
    # The profile comes with the page's rows (select_related), never a query per user.
    profiles = [q["sql"] for q in queries if "accounts_profile" in q["sql"]]
    assert len(profiles) == 1 and 'JOIN "accounts_profile"' in profiles[0], profiles


def test_the_api_reads_and_sets_my_language(client_for, lawyer):
    client = client_for(lawyer)
    assert client.get("/api/engine/alert-preferences/").json()["language"] == "en"
    response = client.put(
        "/api/engine/alert-preferences/", {"language": "ru"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["language"] == "ru"
    assert chosen(lawyer) == "ru"
    bad = client.put(
        "/api/engine/alert-preferences/", {"language": "xx"}, content_type="application/json"
    )
    assert bad.status_code == 400 and chosen(lawyer) == "ru"
