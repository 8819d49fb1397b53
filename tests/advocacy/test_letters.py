"""Letters: sandboxed templates, generation that skips what is current, sending with retry."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from advocacy import letters, services
from advocacy.models import Authority, BatchStatus, Letter, LetterStatus, LetterTemplate
from advocacy.tasks import send_letter_task

from . import backends
from .conftest import file_text


@pytest.mark.parametrize(
    "source",
    ["{{ ua.persons.all }}", "{{ recipient.objects.all }}", "{{ asks.pop }}{{ asks|length }}"],
)
def test_a_template_reaches_only_the_values_given_to_it(source):
    template = letters.compile_template(source)
    out = letters.render_sandboxed(template, {"recipient": {"name": "x"}, "asks": ["a", "b"]})
    assert out in ("", "2")


@pytest.mark.parametrize(
    "source",
    [
        "{{ recipient.__class__ }}",
        "{% load static %}",
        "{% debug %}",
        "{% include 'base.html' %}",
        "{{ title|safe }}",
        "{% now 'Y' %}",
    ],
)
def test_a_template_cannot_load_walk_or_debug(source):
    with pytest.raises(letters.TemplateError):
        letters.compile_template(source)


def test_letters_one_per_recipient_per_language_and_rerun_generates_nothing(issued_update):
    batch = services.letters_generate(ua=issued_update)
    assert (batch.status, batch.total, batch.generated) == (BatchStatus.DONE, 6, 6)
    again = services.letters_generate(ua=issued_update)
    assert (again.total, again.generated, again.skipped) == (6, 0, 6)

    ru = Letter.objects.get(urgent_action=issued_update, language="ru", authority__rank=20)
    assert ru.text_body.startswith("Уважаемый господин Генеральный прокурор!")
    assert "Комитет против пыток" in ru.text_body
    assert "Обращение по экстренной акции 129/10" == ru.subject

    issued_update.asks = [*issued_update.asks, "Releasing them."]
    issued_update.save()
    changed = services.letters_generate(ua=issued_update)
    assert changed.generated == 3  # the English letters; the Russian asks are translations


def test_generate_letters_command_counts_on_the_command_line(issued_update):
    out = StringIO()
    call_command("generate_letters", "129/10", stdout=out)
    assert "6/6 letters" in out.getvalue() and "6 generated" in out.getvalue()


def test_failed_send_is_marked_with_the_reason_and_shown(
    issued_update, coordinator, settings, client_for
):
    settings.EMAIL_BACKEND = "tests.advocacy.backends.FailingBackend"
    services.letters_generate(ua=issued_update)
    letter = Letter.objects.get(urgent_action=issued_update, language="en", authority__rank=20)
    services.letter_approve(letter=letter, by=coordinator)
    with pytest.raises(services.LetterSendError):
        services.letter_send(letter=letter)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.FAILED
    assert "Connection unexpectedly closed" in letter.failure_reason
    shown = client_for(coordinator).get(f"/api/advocacy/letters/{letter.pk}/").json()
    assert shown["status"] == "failed" and "unexpectedly closed" in shown["failure_reason"]


def test_a_failed_send_is_retried_and_then_sent(issued_update, coordinator, settings):
    settings.EMAIL_BACKEND = "tests.advocacy.backends.FlakyBackend"
    backends.FlakyBackend.failures_left = 1
    services.letters_generate(ua=issued_update)
    letter = Letter.objects.get(urgent_action=issued_update, language="ru", authority__rank=20)
    services.letter_approve(letter=letter, by=coordinator)
    send_letter_task.apply(args=[str(letter.pk)])
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SENT and letter.send_attempts == 2
    assert letter.failure_reason == ""
    (message,) = mail.outbox
    assert message.to == ["procuror@nursat.kz", "Gp-rk@prokuror.kz"]
    assert message.attachments[0][2] == "application/pdf"
    failed = letter.history.filter(status=LetterStatus.FAILED)
    assert failed.exists()  # the failure stays visible in the history


def test_an_answer_is_recorded(issued_update, coordinator):
    services.letters_generate(ua=issued_update)
    letter = Letter.objects.filter(urgent_action=issued_update).first()
    services.letter_approve(letter=letter, by=coordinator)
    services.letter_record_answer(letter=letter, by=coordinator, text="Received.")
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ANSWERED and letter.answer_text == "Received."


def test_kazakh_is_not_shipped_as_a_letter_language(db):
    assert set(LetterTemplate.objects.values_list("language", flat=True)) == {"en", "ru"}
    assert Authority.objects.count() == 0


def test_a_changed_letter_is_redrafted_in_place_with_its_history(issued_update, coordinator):
    services.letters_generate(ua=issued_update)
    letter = Letter.objects.get(urgent_action=issued_update, language="en", authority__rank=20)
    services.letter_approve(letter=letter, by=coordinator)
    issued_update.asks = [*issued_update.asks, "Releasing them."]
    issued_update.save()

    services.letters_generate(ua=issued_update)

    redrafted = Letter.objects.get(pk=letter.pk)
    assert redrafted.status == LetterStatus.DRAFTED  # changed content is approved again
    assert "Releasing them." in redrafted.text_body
    assert redrafted.pdf.name == letter.pdf.name  # the same file, rewritten
    assert "Releasing them" in file_text(redrafted.pdf)
    assert redrafted.created_at == letter.created_at < redrafted.updated_at
    kinds = list(redrafted.history.order_by("history_date").values_list("history_type", "status"))
    assert kinds == [("+", "drafted"), ("~", "approved"), ("~", "drafted")]


def test_progress_is_written_as_time_passes_and_at_the_end(issued_update, monkeypatch):
    calls = []
    monkeypatch.setattr(services, "PROGRESS_EVERY", 0)
    services.letters_generate(ua=issued_update, progress=lambda done, total: calls.append(done))
    assert calls == [1, 2, 3, 4, 5, 6]

    calls.clear()
    monkeypatch.setattr(services, "PROGRESS_EVERY", 3600)
    batch = services.letters_generate(
        ua=issued_update, progress=lambda done, total: calls.append(done)
    )
    assert calls == [6] and (batch.done, batch.total, batch.skipped) == (6, 6, 6)


def test_generation_queries_do_not_grow_with_the_letters(
    issued_update, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(services, "PROGRESS_EVERY", 3600)
    services.letters_generate(ua=issued_update)
    issued_update.asks = [*issued_update.asks, "Releasing them."]
    issued_update.save()
    # The batch row and its history, templates, recipients, "running", persons in scope and
    # their names, existing letters; one write (savepoints 4: the test's transaction makes
    # the service's two atomic blocks savepoints) of the changed letters (one executemany),
    # their history and the progress; "done"; the batch reloaded. The consent gate over
    # everyone in the database: the action's confirmations, the document's check, and one
    # read for all the letters (NameScanner.prefetch), the two checks in two indexed steps
    # each (the names with two keys in the text, then their tokens), +5.
    with django_assert_num_queries(22):
        batch = services.letters_generate(ua=issued_update)
    assert batch.generated == 3


def test_a_letter_naming_someone_stops_the_batch_before_any_letter_is_stored(issued_update):
    from casework.consent import ConsentError

    from .conftest import HIDDEN_NAMES

    template = LetterTemplate.objects.get(language="ru", name=LetterTemplate.DEFAULT_NAME)
    template.body += f"\n{HIDDEN_NAMES[0]}"
    template.save()
    with pytest.raises(ConsentError):
        services.letters_generate(ua=issued_update)
    batch = issued_update.batches.get()
    assert batch.status == BatchStatus.FAILED and batch.error
    assert not Letter.objects.filter(urgent_action=issued_update).exists()


def test_a_shorter_pdf_rewritten_in_place_leaves_nothing_of_the_longer_one(issued_update):
    services.letters_generate(ua=issued_update)
    letter = Letter.objects.filter(urgent_action=issued_update).first()
    services._write_pdf(letter, b"%PDF-1.7 a shorter document")
    with letter.pdf.open("rb") as stored:
        assert stored.read() == b"%PDF-1.7 a shorter document"
