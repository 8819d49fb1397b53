"""Personal API tokens: made after the second factor, shown once, kept hashed; refused when
expired, revoked, read-only on a write, or their owner has no role; audited; throttled;
never in a log."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.api_tokens import ApiTokenRateThrottle, api_token_create, api_token_revoke
from accounts.models import ApiToken, ApiTokenUse, ReadAudit, TokenScope
from accounts.services import demo_totp_enrol
from casework import models as m
from tests import factories as f
from tests.accounts.helpers import lasting_totp_code

pytestmark = pytest.mark.django_db

PERSONS = "/api/persons/"


def make_token(user, scope=TokenScope.READ, days=30):
    return api_token_create(user=user, name="partner script", scope=scope, expires_in_days=days)


def bearer(text: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@pytest.fixture
def api():
    return Client()


# --- made after the second factor, shown once, stored hashed --------------------------------


def test_making_a_token_asks_for_the_second_factor_again(client_for, lawyer):
    client = client_for(lawyer)
    response = client.get(reverse("api_tokens:create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    # A POST without re-entering it makes nothing either.
    client.post(reverse("api_tokens:create"), {"name": "x", "scope": "read", "expires_in_days": 30})
    assert not ApiToken.objects.exists()


def test_a_token_is_shown_once_and_only_its_hash_is_kept(client_for, lawyer):
    client = client_for(lawyer)
    secret = demo_totp_enrol(lawyer)
    here = reverse("api_tokens:create")
    response = client.post(
        f"{reverse('mfa_reauthenticate')}?next={here}", {"code": lasting_totp_code(secret)}
    )
    assert response.status_code == 302 and response["Location"] == here
    response = client.post(
        here, {"name": "spreadsheet", "scope": "read_write", "expires_in_days": "90"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = response.context["text"]
    assert text in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.user, token.scope, token.name) == (lawyer, TokenScope.READ_WRITE, "spreadsheet")
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    secret_part = text.split("_", 2)[2]
    stored = " ".join(str(v) for v in ApiToken.objects.values_list().get())
    assert secret_part not in stored and text not in stored
    # The list shows the prefix, never the token again.
    listing = client.get(reverse("api_tokens:list")).content.decode()
    assert token.prefix in listing and secret_part not in listing
    assert client.get(PERSONS, **bearer(text)).status_code == 200


def test_a_user_revokes_their_own_token_and_no_one_elses(client_for, lawyer, caseworker):
    mine, _ = make_token(lawyer)
    theirs, _ = make_token(caseworker)
    client = client_for(lawyer)
    assert client.post(reverse("api_tokens:revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("api_tokens:revoke", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None


def test_the_token_pages_need_a_staff_role(client_for, outsider):
    client = client_for(outsider)
    assert client.get(reverse("api_tokens:list")).status_code == 403


# --- refused ------------------------------------------------------------------------------


def test_a_valid_token_reads_the_api_as_its_owner(api, caseworker):
    f.PersonFactory()
    _, text = make_token(caseworker)
    response = api.get(PERSONS, **bearer(text))
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_an_expired_token_is_refused(api, caseworker):
    _, text = make_token(caseworker, days=7)
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        response = api.get(PERSONS, **bearer(text))
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token has expired."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_revoked_token_is_refused(api, caseworker):
    token, text = make_token(caseworker)
    api_token_revoke(token=token)
    response = api.get(PERSONS, **bearer(text))
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token has been revoked."}


def test_a_wrong_secret_with_a_real_prefix_is_refused(api, caseworker):
    token, text = make_token(caseworker)
    forged = text[:-4] + ("AAAA" if not text.endswith("AAAA") else "BBBB")
    assert api.get(PERSONS, **bearer(forged)).status_code == 401
    assert api.get(PERSONS, **bearer("hvn_nonsense")).status_code == 401


def test_a_read_only_token_may_not_write(api, caseworker):
    _, text = make_token(caseworker, scope=TokenScope.READ)
    response = api.post(
        PERSONS, {"description": "a man"}, content_type="application/json", **bearer(text)
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "This API token may only read."}
    assert not m.Person.objects.exists()


def test_a_read_write_token_writes_what_its_owner_may_and_no_more(api, caseworker):
    _, text = make_token(caseworker, scope=TokenScope.READ_WRITE)
    person = f.PersonFactory()
    made = api.post(
        "/api/detentions/",
        {"person": str(person.pk), "started_on": "2011-01-05"},
        content_type="application/json",
        **bearer(text),
    )
    assert made.status_code == 201, made.content
    # An appeal is the lawyers' record: the caseworker's token may not add one.
    refused = api.post(
        "/api/appeals/",
        {"person": str(person.pk), "court": "Court", "country": "KZ"},
        content_type="application/json",
        **bearer(text),
    )
    assert refused.status_code == 403
    assert not m.Appeal.objects.exists()


def test_a_token_of_a_user_without_a_role_is_refused(api, outsider):
    _, text = make_token(outsider)
    response = api.get(PERSONS, **bearer(text))
    assert response.status_code == 403


def test_a_token_of_a_user_whose_role_was_taken_away_is_refused(api, caseworker):
    _, text = make_token(caseworker)
    assert api.get(PERSONS, **bearer(text)).status_code == 200
    caseworker.groups.clear()
    assert api.get(PERSONS, **bearer(text)).status_code == 403


def test_a_token_of_a_deactivated_user_is_refused(api, caseworker):
    _, text = make_token(caseworker)
    caseworker.is_active = False
    caseworker.save()
    assert api.get(PERSONS, **bearer(text)).status_code == 401


def test_a_token_opens_no_page(api, caseworker):
    _, text = make_token(caseworker)
    response = api.get(reverse("casework:persons"), **bearer(text))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_token_needs_no_second_factor_of_its_own(api, caseworker):
    # The token was made after the second factor; a script cannot enter a TOTP code.
    _, text = make_token(caseworker)
    assert not Authenticator.objects.filter(user=caseworker).exists()
    assert api.get(PERSONS, **bearer(text)).status_code == 200


def test_tokens_are_rate_limited_each_on_its_own(api, caseworker, monkeypatch):
    # DRF reads the rates once, at import (HAVEN_API_TOKEN_RATE in the settings).
    monkeypatch.setattr(ApiTokenRateThrottle, "THROTTLE_RATES", {"api_token": "3/min"})
    _, first = make_token(caseworker)
    _, second = make_token(caseworker)
    codes = [api.get(PERSONS, **bearer(first)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert api.get(PERSONS, **bearer(second)).status_code == 200


# --- audited --------------------------------------------------------------------------------


def test_every_use_is_audited_with_the_prefix_only(api, caseworker):
    token, text = make_token(caseworker)
    restricted = f.PersonFactory(
        confidentiality=m.Confidentiality.RESTRICTED, assigned_caseworker=caseworker
    )
    f.PersonFactory()
    api.get(f"{PERSONS}?search=abc", **bearer(text))
    api.get(f"{PERSONS}{restricted.pk}/", **bearer(text))
    uses = list(ApiTokenUse.objects.order_by("at").values_list("token", "method", "path"))
    assert uses == [(token.pk, "GET", PERSONS), (token.pk, "GET", f"{PERSONS}{restricted.pk}/")]
    reads = ReadAudit.objects.filter(person_id=restricted.pk)
    assert reads.count() == 2  # the list and the detail, as a session's reads are
    assert set(reads.values_list("user", "channel", "token_prefix")) == {
        (caseworker.pk, "api", token.prefix)
    }
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_session_read_has_no_token_in_its_audit(client_for, caseworker):
    restricted = f.PersonFactory(
        confidentiality=m.Confidentiality.RESTRICTED, assigned_caseworker=caseworker
    )
    client_for(caseworker).get(f"{PERSONS}{restricted.pk}/")
    assert list(ReadAudit.objects.values_list("token_prefix", flat=True)) == [""]


# --- never in a log -------------------------------------------------------------------------


def test_a_token_never_appears_in_the_logs(api, caseworker, caplog):
    token, text = make_token(caseworker)
    revoked, revoked_text = make_token(caseworker)
    api_token_revoke(token=revoked)
    _, read_only = make_token(caseworker)
    with caplog.at_level(logging.DEBUG):
        api.get(PERSONS, **bearer(text))
        api.get(PERSONS, **bearer(revoked_text))  # 401: django.request logs a warning
        api.post(PERSONS, {}, content_type="application/json", **bearer(read_only))  # 403
        api.get("/api/no-such-thing/", **bearer(text))  # 404
    logged = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    assert caplog.records  # the requests above did log
    for secret in (text, revoked_text, read_only):
        assert secret.split("_", 2)[2] not in logged


def test_gunicorns_access_log_line_holds_no_token(caseworker):
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    _, text = make_token(caseworker)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": PERSONS,
        "PATH_INFO": PERSONS,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Bearer {text}",
    }
    request = SimpleNamespace(headers=[("AUTHORIZATION", f"Bearer {text}")])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    logger = Logger(Config())
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    line = logger.cfg.access_log_format % atoms
    assert text.split("_", 2)[2] not in line


def test_the_log_filter_hides_a_token_written_by_mistake(caseworker):
    from accounts.logging import redact

    _, text = make_token(caseworker)
    assert text.split("_", 2)[2] not in redact(f"calling with {text}")


# --- the schema ---------------------------------------------------------------------------


def test_the_openapi_schema_documents_the_token_scheme(client_for, caseworker):
    schema = client_for(caseworker).get("/api/schema/?format=json").json()
    scheme = schema["components"]["securitySchemes"]["apiToken"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    operation = schema["paths"][PERSONS]["get"]
    assert {"apiToken": []} in operation["security"]


def test_a_token_is_live_until_it_expires(caseworker):
    token, _ = make_token(caseworker, days=7)
    assert token.is_live(timezone.now())
    with time_machine.travel(token.expires_at):
        assert not ApiToken.objects.get(pk=token.pk).is_live(timezone.now())
