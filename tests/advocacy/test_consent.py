"""Consent: a person whose consent is not "yes" is never named in any public output."""

import json
from datetime import date

import pytest
from django.core import mail

from advocacy import services
from advocacy.models import Letter, UrgentActionStatus
from casework.consent import (
    ConsentError,
    NameScanner,
    describe_persons,
    public_reference,
)
from identity.folding import name_tokens

from .conftest import HIDDEN_NAMES, ISSUED_ON, SEND_BEFORE, TODAY, file_text, pdf_text


def _name_parts(person) -> set[str]:
    """Every spelling and every word of every spelling, lower-cased (Rustam, Абдуллаев...)."""
    parts = set()
    for n in person.names.all():
        parts.add(n.full_name.lower())
        parts.update(w.lower() for w in n.full_name.split() if len(w) >= 4)
    return parts


def _assert_not_named(text: str, person, where: str):
    lowered = text.lower()
    for part in _name_parts(person):
        assert part not in lowered, f"{where} contains {part!r}"
    # Transliterations we were not given (Abdullayev -> Abdulaev...): the scanner folds them.
    assert NameScanner([person]).find(text) == [], where


@pytest.mark.parametrize("consent", ["no", "unknown"])
def test_no_output_names_a_person_without_consent(
    consent, kz_case, coordinator, client_for, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    hidden = kz_case.hidden
    hidden.consent_to_be_named = consent
    hidden.save()
    ua = services.urgent_action_draft(
        by=coordinator, persons=kz_case.detained, groups=[kz_case.extradited_group],
        update_of=kz_case.root, today=TODAY,
    )  # fmt: skip
    services.urgent_action_submit_for_review(ua=ua, by=coordinator)
    ua = services.urgent_action_issue(
        ua=ua, by=coordinator, issued_on=ISSUED_ON, send_before=SEND_BEFORE
    )
    services.letters_generate(ua=ua)
    letters = list(Letter.objects.filter(urgent_action=ua).select_related("authority"))
    assert {x.language for x in letters} == {"en", "ru"}
    for letter in letters:
        if letter.authority.emails:
            services.letter_approve(letter=letter, by=coordinator)
            services.letter_send(letter=letter)
    assert mail.outbox

    client = client_for(coordinator)
    detail = client.get(f"/api/advocacy/urgent-actions/{ua.pk}/")
    export = client.get(f"/api/advocacy/urgent-actions/{ua.pk}/export/")
    listing = client.get(f"/api/advocacy/letters/?urgent_action={ua.pk}")
    assert detail.status_code == export.status_code == listing.status_code == 200

    outputs = {
        "UA PDF": file_text(ua.pdf),
        "API detail": json.dumps(detail.json(), ensure_ascii=False),
        "API export": json.dumps(export.json(), ensure_ascii=False),
        "API letters": json.dumps(listing.json(), ensure_ascii=False),
    }
    for letter in letters:
        outputs[f"letter {letter.language} PDF"] = file_text(letter.pdf)
        outputs[f"letter {letter.language} text"] = letter.subject + "\n" + letter.text_body
    for i, message in enumerate(mail.outbox):
        outputs[f"e-mail {i}"] = message.subject + "\n" + message.body
        for _name, content, _type in message.attachments:
            outputs[f"e-mail {i} attachment"] = pdf_text(content)
    for where, text in outputs.items():
        _assert_not_named(text, hidden, where)
    # The consenting man is named, so the scan is not vacuous.
    assert "Ilkhom Nazarov" in outputs["UA PDF"]
    assert "three more ethnic Uzbek men" in outputs["UA PDF"]


def test_consent_withdrawn_after_drafting_refuses_issue(kz_case, coordinator, client_for):
    hidden = kz_case.hidden
    hidden.consent_to_be_named = "yes"
    hidden.consent_recorded_on = date(2011, 6, 1)
    hidden.save()
    ua = services.urgent_action_draft(by=coordinator, persons=[hidden], today=TODAY)
    assert "Rustam Abdullaev" in ua.summary
    services.urgent_action_submit_for_review(ua=ua, by=coordinator)

    hidden.consent_to_be_named = "no"
    hidden.save()
    response = client_for(coordinator).post(
        f"/api/advocacy/urgent-actions/{ua.pk}/issue/",
        {"issued_on": "2011-06-10", "send_before": "2011-07-22"},
        content_type="application/json",
    )
    assert response.status_code == 400
    message = response.json()["consent"][0]
    assert hidden.case_number in message and "not consented" in message
    assert "Rustam" not in message
    ua.refresh_from_db()
    assert ua.status == UrgentActionStatus.IN_REVIEW and not ua.pdf
    with pytest.raises(ConsentError):
        services.urgent_action_issue(ua=ua, by=coordinator, issued_on=ISSUED_ON)


@pytest.mark.parametrize(
    "text",
    [
        "We are concerned about Rustam Abdullaev.",
        "Abdullayev Rustam remains detained.",
        "Письмо по делу Абдуллаева Рустама.",
        "Mr Abdullaev was seen on Monday.",
        "ABDULLAEV, R. (Rustam)",
    ],
)
def test_scanner_finds_every_spelling_and_case_ending(kz_case, text):
    assert NameScanner([kz_case.hidden]).find(text) == [kz_case.hidden.case_number]


@pytest.mark.parametrize(
    "text",
    ["Rustam is a common name.", "Four more ethnic Uzbek men are at risk.", "Islamist parties"],
)
def test_scanner_does_not_flag_a_given_name_alone_or_ordinary_words(kz_case, text):
    assert NameScanner([kz_case.hidden]).find(text) == []


def test_public_reference_names_only_with_consent(kz_case):
    assert public_reference(kz_case.named) == "Ilkhom Nazarov"
    assert public_reference(kz_case.hidden) == "an ethnic Uzbek man"
    phrase = describe_persons(kz_case.detained, more=True)
    assert phrase == "Ilkhom Nazarov and three more ethnic Uzbek men"
    assert all(name_tokens(n)[0] not in phrase.lower() for n in HIDDEN_NAMES)
