"""Alerts read in the reader's language: every alert the engine raises keeps its wording as
messages and arguments (engine/wording.py), so the inbox and the API say it in Russian to a
Russian reader, and each e-mail and digest is in its recipient's own language
(accounts.Profile), whatever language was active when the alert was made or is sent."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from django.core import mail

from accounts.language import user_language_set
from engine import alerts, services
from engine.models import Alert, AlertKind
from tests.engine.test_protection_lost import DAY, frozen, protected_man  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def russian_reader(db):
    """A second coordinator, who reads Russian."""
    from tests.factories import UserFactory

    user = UserFactory(username="co-ru", roles=["coordinator"])
    user_language_set(user=user, language="ru")
    return user


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
    found = re.findall(
        r'class="alert [^"]*kind-(\w+) [^>]*>\s*<p><strong>(.*?)</strong>.*?'
        r'<pre class="alert-body">(.*?)</pre>',
        page,
        re.S,
    )
    assert {"protection_lost", "risk_raised", "imminent_no_ua"} <= {k for k, _s, _b in found}
    for _kind, subject, body in found:  # nothing in English but figures and case numbers,
        # and a deadline's own sentence (rule data), introduced in Russian
        lines = [x for x in [subject, *body.splitlines()] if not x.startswith("Как рассчитан")]
        for line in lines:
            # A case number (HV-2012-DBCB0AE585) may hold letters of its hex part.
            words = re.sub(r"\bHV-[0-9A-Z-]+", "", line)
            assert not re.search(r"[A-Za-z]{3,}", words), line
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


def test_the_e_mail_is_in_the_recipients_language_whatever_the_worker_had_active(
    coordinator, russian_reader, lifted, settings
):
    from django.utils import translation

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    english = Alert.objects.get(recipient=coordinator, kind=AlertKind.PROTECTION_LOST)
    russian = Alert.objects.get(recipient=russian_reader, kind=AlertKind.PROTECTION_LOST)
    with translation.override("ru"):  # a coordinator without a language: the site's
        assert alerts.alert_email_deliver(alert_id=english.pk) == "sent"
    with translation.override("en"):
        assert alerts.alert_email_deliver(alert_id=russian.pk) == "sent"
        assert translation.get_language() == "en"  # the override did not leak into the worker
    to_coordinator, to_reader = mail.outbox
    assert to_coordinator.subject == f"[Haven] Protection lost: {lifted.case_number}"
    assert "Protection lost; return risk now imminent." in to_coordinator.body
    assert "Your alerts: " in to_coordinator.body
    assert to_reader.to == [russian_reader.email]
    assert to_reader.subject == f"[Haven] Защита утрачена: {lifted.case_number}"
    assert "Защита утрачена; риск возвращения теперь «неминуемый»." in to_reader.body
    assert "Открыть в Haven: " in to_reader.body and "Ваши оповещения: " in to_reader.body


def test_a_digest_to_a_russian_reader_is_in_russian(coordinator, russian_reader, lifted, settings):
    from datetime import timedelta

    from django.utils import timezone, translation

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    later = timezone.now() + timedelta(hours=1)
    with translation.override("en"):  # beat: no request, the site's language
        for user in (coordinator, russian_reader):
            assert alerts.digest_send(user_id=user.pk, day=later.date(), now=later) == "sent"
    english, russian = mail.outbox
    n = Alert.objects.filter(recipient=russian_reader).count()
    assert english.subject.startswith("[Haven] Daily digest: ")
    assert english.body.startswith("Haven: ") and " alerts since " in english.body
    assert f"- Protection lost: {lifted.case_number}" in english.body
    word = russian_alerts(n)
    assert n > 1 and russian.subject == f"[Haven] Ежедневная сводка: {n} {word}"
    assert russian.body.startswith(f"Haven: {n} {word} с ")
    assert f"- Защита утрачена: {lifted.case_number}" in russian.body
    assert f"- Риск возвращения «неминуемый»: {lifted.case_number}" in russian.body
    for line in russian.body.splitlines():  # nothing in English but Haven, figures and links
        text = re.sub(r"\bHV-[0-9A-Z-]+", "", line.split("http")[0].split(": /")[0])
        words = re.findall(r"\b[A-Za-z]{3,}", text)
        assert words in ([], ["Haven"]), line


def russian_alerts(n: int) -> str:
    """The Russian word for n alerts (1, 21: оповещение; 2-4, 22: оповещения; else оповещений)."""
    if n % 10 == 1 and n % 100 != 11:
        return "оповещение"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "оповещения"
    return "оповещений"


# --- deadline, welfare, urgent-action and Rule 39 alerts --------------------------------------

TODAY = date(2011, 6, 10)


def deadline_row(kind: str, due_on: date, **kw) -> dict:
    return {
        "id": uuid.uuid4(),
        "person_id": uuid.uuid4(),
        "kind": kind,
        "due_on": due_on,
        "status": kw.get("status", "open"),
        "why": "Appeal against the extradition decree notified on 1 June 2011: 10 days",
        "citation": kw.get("citation", "CPC RK 1997 Art. 530"),
    }


class Level:
    def __init__(self, level):
        self.level = level


# (kind, due, reminder key, level) -> the Russian subject, with HV-1 for the case.
DEADLINE_ALERTS = [
    (
        "appeal_extradition",
        date(2011, 6, 11),
        "before:1",
        "",
        "Подать жалобу на решение об экстрадиции: срок истекает через 1 день: HV-1",
    ),
    (
        "appeal_extradition",
        date(2011, 6, 5),
        "overdue:2011-06-10",
        "",
        "Срок пропущен: Подать жалобу на решение об экстрадиции: HV-1",
    ),
    (
        "welfare_check_overdue",
        date(2011, 6, 7),
        "overdue:2011-06-10",
        "high",
        "Проверка состояния просрочена на 3 дня: HV-1",
    ),
    (
        "ua_send_before",
        date(2011, 6, 15),
        "before:5",
        "high",
        "Срок «направить до» срочной акции через 5 дней: HV-1",
    ),
    (
        "ua_send_before",
        date(2011, 6, 1),
        "overdue:2011-06-10",
        "high",
        "Срок «направить до» срочной акции истёк, риск по-прежнему «высокий»: HV-1",
    ),
]


@pytest.mark.parametrize(("kind", "due", "key", "level", "russian"), DEADLINE_ALERTS)
def test_a_deadline_alert_made_in_english_reads_in_russian(kind, due, key, level, russian):
    from django.utils import translation

    from engine.alerts import _with_case

    with translation.override("en"):
        spec = services._deadline_alert(deadline_row(kind, due), key, Level(level), TODAY)
    alert = Alert(subject=spec.subject.replace("{case}", "HV-1"), body=spec.body)
    alert.message = _with_case(spec.message, "HV-1")
    with translation.override("ru"):
        subject, body = alerts.alert_subject(alert), alerts.alert_body(alert)
    assert subject == russian
    first, counted = body.splitlines()
    assert first.endswith(f"срок — {due.day} июня 2011.")
    assert not re.search(r"[A-Za-z]{3,}", first), first
    # The deadline's own sentence is rule data, in English, introduced in Russian.
    assert counted.startswith("Как рассчитан срок: Appeal against the extradition decree")
    assert counted.endswith("(CPC RK 1997 Art. 530)")
    # The stored English is the same message said in English.
    with translation.override("en"):
        assert alerts.alert_subject(alert) == alert.subject
        assert alerts.alert_body(alert) == alert.body
    assert not re.search(r"[А-Яа-я]", alert.subject + alert.body)


def test_english_deadline_subjects_say_the_days_as_before():
    from django.utils import translation

    with translation.override("ru"):  # whatever a worker has active: the stored text is English
        one = services._deadline_alert(
            deadline_row("appeal_extradition", date(2011, 6, 11)), "before:1", None, TODAY
        )
        three = services._deadline_alert(
            deadline_row("welfare_check_overdue", date(2011, 6, 7)), "overdue:x", None, TODAY
        )
    assert one.subject == "File an appeal against the extradition decision: due in 1 day: {case}"
    assert three.subject == "Welfare check overdue by 3 days: {case}"
    assert one.body.startswith(
        "File an appeal against the extradition decision: due 11 June 2011.\n"
    )
    assert one.body.endswith("How it is counted: Appeal against the extradition decree "
                             "notified on 1 June 2011: 10 days (CPC RK 1997 Art. 530)")  # fmt: skip


def test_a_rule_39_alert_made_in_english_reads_in_russian():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from django.utils import translation

    from engine import rule39
    from engine.alerts import _with_case
    from evidence.services import _rule39_alert

    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    removal = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)
    moment = rule39.last_useful_moment(
        removal_at=removal, now=now, lawyer_tz=ZoneInfo("UTC"), closure_days=frozenset()
    )
    with translation.override("en"):
        spec = _rule39_alert(uuid.uuid4(), removal, moment)
    assert spec.subject.startswith("{case}: Rule 39 request: last useful moment ")
    alert = Alert(subject=spec.subject.replace("{case}", "HV-1"), body=spec.body)
    alert.message = _with_case(spec.message, "HV-1")
    with translation.override("ru"):
        subject, body = alerts.alert_subject(alert), alerts.alert_body(alert)
    assert subject.startswith("HV-1: запрос по Правилу 39: крайний срок ")
    assert subject.endswith(" по страсбургскому времени")
    assert body.startswith("Высылка запланирована на 2026-12-03 07:00 (по страсбургскому времени).")
    with translation.override("en"):
        assert alerts.alert_body(alert) == spec.body
