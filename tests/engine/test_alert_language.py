"""Alerts read in the reader's language: "protection lost" and "risk raised" keep their
wording as messages and arguments (engine/wording.py), so the inbox and the API say them in
Russian to a Russian reader, and in English (the stored text, and the e-mail: users have no
language of their own) otherwise."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from engine import alerts, services
from engine.models import Alert, AlertKind
from tests.engine.test_protection_lost import DAY, frozen, protected_man  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def lifted(coordinator):
    """The protected man's CAT measure lifted: the level rises to imminent and the
    protection is lost."""
    person, measure = protected_man()
    services.person_recompute(person_id=person.pk, today=DAY)
    measure.status, measure.lifted_on = "lifted", DAY
    measure.save()
    services.person_recompute(person_id=person.pk, today=DAY)
    return person


def test_the_stored_english_is_the_message_said_in_english(coordinator, lifted):
    lost = Alert.objects.get(recipient=coordinator, kind=AlertKind.PROTECTION_LOST)
    raised = Alert.objects.get(recipient=coordinator, kind=AlertKind.RISK_RAISED, level="imminent")
    for alert in (lost, raised):
        assert alerts.alert_subject(alert) == alert.subject
        assert alerts.alert_body(alert) == alert.body
    assert lost.body.startswith(
        "Protection lost; return risk now imminent. No longer standing:\n- Interim measure of "
        "the UN Committee against Torture against Kazakhstan in force since 2 April 2012."
    )
    assert "\nNo barrier is left.\nWhat threatens:\n- " in lost.body
    assert raised.subject == f"Return risk imminent: {lifted.case_number}"
    assert raised.body.startswith("Return risk raised from high to imminent (score ")


def test_a_russian_reader_sees_the_alerts_in_russian_in_the_inbox(client_for, coordinator, lifted):
    client = client_for(coordinator)
    client.cookies["django_language"] = "ru"
    page = client.get("/engine/inbox/").content.decode()
    assert f"Защита утрачена: {lifted.case_number}" in page
    assert "Защита утрачена; риск возвращения теперь «неминуемый». Больше не действует:" in page
    assert (
        "- Временная мера Комитета ООН против пыток в отношении Казахстана действует с "
        "2 апреля 2012." in page
    )
    assert "Защиты не осталось." in page and "Что угрожает:" in page
    assert "Выдача в Узбекистан одобрена властями Казахстана 10 января 2012." in page
    assert f"Риск возвращения «неминуемый»: {lifted.case_number}" in page
    assert "Риск возвращения повышен с уровня «высокий» до «неминуемый»" in page
    assert "Неминуемый риск возвращения, а срочная акция не выпущена" in page
    assert "Срочная акция в защиту этого лица не выпущена." in page
    kinds = "protection_lost|risk_raised|imminent_no_ua"  # deadline reminders: not yet worded
    bodies = re.findall(
        rf'kind-(?:{kinds}) [^>]*>.*?<pre class="alert-body">(.*?)</pre>', page, re.S
    )
    assert len(bodies) >= 3
    for body in bodies:  # nothing left in English but figures and case numbers
        assert not re.search(r"\b(?!HV)[A-Za-z]{3,}", body), body
    # The same reader in English sees the English.
    client.cookies["django_language"] = "en"
    page = client.get("/engine/inbox/").content.decode()
    assert "Protection lost; return risk now imminent. No longer standing:" in page
    assert "Защита утрачена" not in page


def test_the_api_says_the_alert_in_the_requests_language(client_for, coordinator, lifted):
    client = client_for(coordinator)
    rows = client.get("/api/engine/alerts/", HTTP_ACCEPT_LANGUAGE="ru").json()
    rows = rows.get("results", rows)
    lost = next(r for r in rows if r["kind"] == "protection_lost")
    assert lost["subject"] == f"Защита утрачена: {lifted.case_number}"
    assert lost["body"].startswith("Защита утрачена; риск возвращения теперь «неминуемый».")


def test_the_e_mail_is_in_the_sites_language_whatever_the_worker_had_active(
    coordinator, lifted, settings
):
    from django.utils import translation

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    alert = Alert.objects.get(recipient=coordinator, kind=AlertKind.PROTECTION_LOST)
    with translation.override("ru"):
        assert alerts.alert_email_deliver(alert_id=alert.pk) == "sent"
    (sent,) = mail.outbox
    assert sent.subject == f"[Haven] Protection lost: {lifted.case_number}"
    assert "Protection lost; return risk now imminent." in sent.body
