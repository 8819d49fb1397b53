"""A rule's verification is a record: who, when, the source, the words; the rule follows it."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from engine.models import Rule, RuleVerification
from engine.verification import rule_verify

pytestmark = pytest.mark.django_db

SOURCE = "Criminal Procedure Code of the Republic of Kazakhstan, consolidated text (adilet.zan.kz)"
WORDS = "Постановление ... может быть обжаловано ... в течение десяти суток"


def test_a_verification_sets_the_rules_confidence_and_source_and_keeps_the_history(admin_user):
    rule = Rule.objects.get(code="practice.interim_followup")
    assert rule.is_unverified
    with time_machine.travel(datetime(2026, 5, 4, 9, tzinfo=UTC), tick=False):
        rule_verify(
            rule=rule, user=admin_user, source_title=SOURCE, quoted_words=WORDS,
            confidence="S", source_url="https://adilet.zan.kz/rus/docs/K1400000231",
            source_date=date(2026, 1, 1),
        )  # fmt: skip
    with time_machine.travel(datetime(2026, 6, 1, 9, tzinfo=UTC), tick=False):
        rule_verify(
            rule=rule, user=admin_user, source_title=SOURCE, quoted_words=WORDS, confidence="P"
        )
    rule.refresh_from_db()
    assert (rule.confidence, rule.verified_on) == ("P", date(2026, 6, 1))
    assert rule.verified_by.startswith("ad: Criminal Procedure Code")
    assert rule.operative_words == WORDS and not rule.is_unverified
    assert list(rule.verifications.values_list("confidence", flat=True)) == ["P", "S"]
    assert rule.history.filter(history_user=admin_user).count() == 2


def test_a_reading_that_cannot_confirm_leaves_the_rule_flagged(admin_user):
    rule = Rule.objects.get(code="kz.extr.appeal")
    rule_verify(rule=rule, user=admin_user, source_title=SOURCE, quoted_words=WORDS, confidence="U")
    rule.refresh_from_db()
    assert rule.confidence == "U" and rule.verified_on is None and rule.is_unverified


def test_a_verification_without_its_words_is_refused_and_nothing_is_written(admin_user):
    rule = Rule.objects.get(code="kz.extr.appeal")
    with pytest.raises(ValidationError):
        rule_verify(
            rule=rule, user=admin_user, source_title=SOURCE, quoted_words="", confidence="P"
        )
    assert not RuleVerification.objects.exists()
    rule.refresh_from_db()
    assert rule.confidence == "P/S"


def _change_form(rule, **inline):
    data = {k: v for k, v in model_to_dict(rule).items() if v is not None and v is not False}
    data.pop("id", None)
    data |= {
        "verifications-TOTAL_FORMS": "1",
        "verifications-INITIAL_FORMS": "0",
        "verifications-MIN_NUM_FORMS": "0",
        "verifications-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data |= {f"verifications-0-{k}": v for k, v in inline.items()}
    return data


def test_the_rules_admin_page_records_a_verification(client_for, admin_user):
    rule = Rule.objects.get(code="practice.interim_followup")
    url = f"/admin/engine/rule/{rule.pk}/change/"
    client = client_for(admin_user)
    page = client.get(url).content.decode()
    assert "verifications-0-quoted_words" in page
    response = client.post(
        url,
        _change_form(
            rule, source_title=SOURCE, quoted_words=WORDS, confidence="S",
            source_url="https://example.org/code", source_date="2026-01-01",
        ),
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    rule.refresh_from_db()
    (v,) = rule.verifications.all()
    assert (v.verified_by, v.confidence, v.source_date) == (admin_user, "S", date(2026, 1, 1))
    assert rule.confidence == "S" and not rule.is_unverified
    assert WORDS in client.get(url).content.decode()  # the past reading is shown


def test_the_rules_admin_refuses_a_verification_without_a_source(client_for, admin_user):
    rule = Rule.objects.get(code="practice.interim_followup")
    response = client_for(admin_user).post(
        f"/admin/engine/rule/{rule.pk}/change/",
        _change_form(rule, quoted_words=WORDS, confidence="S"),
    )
    assert response.status_code == 200  # the form again, with the error
    assert not RuleVerification.objects.exists()
