"""The consent gate reads names the way identity does, over every non-consenting person in
the database, and a coordinator can confirm a stopped phrase is someone else (invented
names)."""

import pytest
from django.core.exceptions import ValidationError

from advocacy import services
from advocacy.models import ConsentConfirmation, UrgentActionStatus
from casework.consent import ConsentError, NameScanner
from tests.factories import PersonFactory, PersonNameFactory

from .conftest import ISSUED_ON, SEND_BEFORE, TODAY, file_text


@pytest.fixture
def cousin(db):
    """A non-consenting man no action covers, known in Uzbek Latin and Uzbek Cyrillic."""
    person = PersonFactory(name="Abdurahmonboyev Jasur", consent_to_be_named="no")
    PersonNameFactory(person=person, full_name="Абдураҳмонбоев Жасур")
    return person


def _draft_naming(kz_case, coordinator, sentence):
    ua = services.urgent_action_draft(by=coordinator, persons=[kz_case.named], today=TODAY)
    ua.summary = f"{ua.summary}\n\n{sentence}"
    ua.save()
    return ua


@pytest.mark.parametrize(
    "sentence",
    [
        # Russian documents write the Uzbek o as a: -boyev typed -baev
        "His cousin Abdurakhmonbaev Jasur was detained with him.",
        "His cousin Jasur Abdurakhmanbaev was detained with him.",
        "Его двоюродный брат Абдурахманбаев Жасур также задержан.",
        # German spelling: sch, dsch, w
        "Sein Cousin Dschasur Abdurachmonbajew wurde festgenommen.",
        # initials, and Latin look-alikes typed into Cyrillic
        "His cousin J. Abdurakhmonbaev was detained.",
        "Двоюродный брат Абдурахмoнбaев Жасур задержан.",
    ],
)
def test_a_hand_typed_variant_of_someone_the_action_does_not_cover_stops_it(
    kz_case, coordinator, cousin, sentence
):
    ua = _draft_naming(kz_case, coordinator, sentence)
    with pytest.raises(ConsentError) as refused:
        services.urgent_action_submit_for_review(ua=ua, by=coordinator)
    assert refused.value.case_numbers == [cousin.case_number]
    assert "Jasur" not in str(refused.value) and "Жасур" not in str(refused.value)
    hit = refused.value.hits[0]
    assert hit.person_id == str(cousin.pk) and hit.phrase in sentence


def test_review_and_issue_stop_and_the_pdf_never_names_him(kz_case, coordinator, cousin):
    ua = services.urgent_action_draft(by=coordinator, persons=[kz_case.named], today=TODAY)
    services.urgent_action_submit_for_review(ua=ua, by=coordinator)
    # Typed in after review began: issue must catch it.
    ua.summary += "\n\nHis cousin Abdurakhmonbaev Jasur was detained with him."
    ua.save()
    with pytest.raises(ConsentError):
        services.urgent_action_issue(
            ua=ua, by=coordinator, issued_on=ISSUED_ON, send_before=SEND_BEFORE
        )
    ua.refresh_from_db()
    assert ua.status == UrgentActionStatus.IN_REVIEW and not ua.pdf


def test_the_coordinator_confirms_it_is_someone_else_and_it_is_recorded(
    kz_case, coordinator, cousin, client_for
):
    ua = _draft_naming(kz_case, coordinator, "Prosecutor Abdurakhmonbaev Jasur signed it.")
    client = client_for(coordinator)
    page = client.post(f"/advocacy/urgent-actions/{ua.pk}/submit/")
    body = page.content.decode()
    assert page.status_code == 200 and 'id="consent-hits"' in body
    assert cousin.case_number in body and "Abdurakhmonbaev Jasur" in body  # the phrase
    assert "Abdurahmonboyev" not in body  # never the record's own spelling

    response = client.post(
        f"/advocacy/urgent-actions/{ua.pk}/consent/confirm/",
        {"person": str(cousin.pk), "phrase": "Abdurakhmonbaev Jasur"},
    )
    assert response.status_code == 302
    confirmation = ConsentConfirmation.objects.get(urgent_action=ua)
    assert confirmation.person == cousin and confirmation.confirmed_by == coordinator
    assert confirmation.confirmed_at is not None

    services.urgent_action_submit_for_review(ua=ua, by=coordinator)
    ua = services.urgent_action_issue(
        ua=ua, by=coordinator, issued_on=ISSUED_ON, send_before=SEND_BEFORE
    )
    assert ua.status == UrgentActionStatus.ISSUED
    assert "Abdurakhmonbaev Jasur" in file_text(ua.pdf)  # the official, as confirmed


def test_a_confirmation_is_for_that_phrase_and_that_action_only(kz_case, coordinator, cousin):
    ua = _draft_naming(kz_case, coordinator, "Prosecutor Abdurakhmonbaev Jasur signed it.")
    services.urgent_action_confirm_someone_else(
        ua=ua, person_id=str(cousin.pk), phrase="Abdurakhmonbaev Jasur", by=coordinator
    )
    services.urgent_action_submit_for_review(ua=ua, by=coordinator)  # passes now
    other = _draft_naming(kz_case, coordinator, "Prosecutor Abdurakhmonbaev Jasur signed it.")
    with pytest.raises(ConsentError):
        services.urgent_action_submit_for_review(ua=other, by=coordinator)
    ua.summary += "\n\nHis cousin Jasur Abdurahmonboyev is held too."  # another phrase
    ua.save()
    with pytest.raises(ConsentError):
        services.urgent_action_issue(
            ua=ua, by=coordinator, issued_on=ISSUED_ON, send_before=SEND_BEFORE
        )


def test_only_a_phrase_that_stops_the_action_can_be_confirmed(kz_case, coordinator, cousin):
    ua = _draft_naming(kz_case, coordinator, "Nothing about anyone else.")
    with pytest.raises(ValidationError):
        services.urgent_action_confirm_someone_else(
            ua=ua, person_id=str(cousin.pk), phrase="Abdurakhmonbaev Jasur", by=coordinator
        )
    assert not ConsentConfirmation.objects.exists()


def test_a_caseworker_cannot_confirm(kz_case, coordinator, caseworker, cousin, client_for):
    ua = _draft_naming(kz_case, coordinator, "Prosecutor Abdurakhmonbaev Jasur signed it.")
    response = client_for(caseworker).post(
        f"/advocacy/urgent-actions/{ua.pk}/consent/confirm/",
        {"person": str(cousin.pk), "phrase": "Abdurakhmonbaev Jasur"},
    )
    assert response.status_code in (302, 403)
    assert not ConsentConfirmation.objects.exists()


def test_a_consenting_namesake_in_scope_may_be_named(db):
    named = PersonFactory(
        name="Karimov Sardor", consent_to_be_named="yes", consent_recorded_on=TODAY
    )
    PersonFactory(name="Sardor Karimov", consent_to_be_named="no")  # elsewhere, a namesake
    assert NameScanner([named]).find("We are concerned about Sardor Karimov.") == []


def test_a_given_name_or_a_surname_alone_of_someone_out_of_scope_does_not_stop(db, cousin):
    scanner = NameScanner([])
    assert scanner.find("Jasur is a common name.") == []
    assert scanner.find("Mr Abdurakhmonbaev, the prosecutor, refused.") == []
    assert scanner.find("Abdurakhmonbaev Jasur") == [cousin.case_number]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        # The seeds' urgent action: "Kazakh" folds to the key of qizi, "more" to Mokhira's.
        "Four more in Kazakh custody; the Kazakh, Russian and Uzbek authorities were told.",
        # An appeal letter: "access" and "their" fold to the keys of Aziz and Tohir.
        "Ensure that they have access to their lawyers and families.",
    ],
)
def test_ordinary_words_that_fold_to_name_keys_do_not_stop_the_gate(text):
    """Against everyone in the database the gate reads capitalised words by key but never a
    patronymic marker (o‘g‘li, qizi) as a name, and cuts Russian case endings from Cyrillic
    words only; persons the output covers are still read in every word."""
    for name in ["Исмоилова Мохира Акмалбой қизи", "Nursalimov Toxir Aziz o‘g‘li",
                 "Umidova Shakhlo Rizo kizi"]:  # fmt: skip
        PersonFactory(name=name, consent_to_be_named="no")
    assert NameScanner([]).hits(text) == []
    assert len(NameScanner([]).hits("They detained Toxir Nursalimov in March.")) == 1
    assert len(NameScanner([]).hits("They detained Tohir Aziz in March.")) == 1


@pytest.mark.parametrize(
    "sentence",
    [
        # All lower case: the record's own spelling, in either script
        "his cousin abdurahmonboyev jasur was detained with him.",
        "его двоюродный брат абдураҳмонбоев жасур также задержан.",
        # a surname-like word read by its key: the Russian way of writing -boyev, lower case
        "his cousin jasur abdurakhmonbaev was detained with him.",
        # with a Russian case ending on the surname
        "встреча с жасур абдураҳмонбоевым не разрешена",
        # an initial beside a lower-case surname
        "his cousin j. abdurakhmonbaev was detained.",
    ],
)
def test_a_name_typed_in_lower_case_of_someone_not_covered_stops_the_gate(cousin, sentence):
    hits = NameScanner([]).hits(sentence)
    assert [hit.case_number for hit in hits] == [cousin.case_number]


def test_lower_case_ordinary_words_are_read_by_spelling_not_by_the_vowel_blind_key(db):
    """'access to their' has the keys of Aziz and Tohir; written in lower case they are
    ordinary words, compared letter for letter with the names, and do not stop the gate."""
    PersonFactory(name="Nursalimov Toxir Aziz o‘g‘li", consent_to_be_named="no")
    scanner = NameScanner([])
    assert scanner.hits("ensure that they have access to their lawyers and families.") == []
    assert len(scanner.hits("they detained toxir nursalimov in march.")) == 1
    assert len(scanner.hits("they detained aziz toxir in march.")) == 1
