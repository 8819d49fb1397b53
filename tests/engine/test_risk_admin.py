"""The risk defaults are documented where an admin changes them: every signal and threshold
shipped says in one line why its default is what it is (in the admin's language), every cap
its rationale, every suspensive effect its citation and confidence."""

from __future__ import annotations

import pytest

from engine import risk
from engine.admin import DEFAULT_WHY
from engine.models import RiskCap, RiskSignal, RiskThreshold, SuspensiveEffect

pytestmark = pytest.mark.django_db


def test_every_shipped_signal_and_threshold_has_one_line_of_why():
    assert set(DEFAULT_WHY) == set(risk.DEFAULT_SIGNALS) | set(risk.DEFAULT_THRESHOLDS)
    for code, setting in risk.DEFAULT_SIGNALS.items():
        # The line starts with the shipped weight, so a changed default shows its line stale.
        assert str(DEFAULT_WHY[code]).startswith(str(setting.weight)), code
    for level, minimum in risk.DEFAULT_THRESHOLDS.items():
        assert str(DEFAULT_WHY[level]).startswith(f"From {minimum}:"), level


def test_the_admin_lists_each_default_with_its_why(client_for, admin_user):
    client = client_for(admin_user)
    page = client.get("/admin/engine/risksignal/").content.decode()
    assert "Why the default" in page  # the column, capitalised by the admin
    assert "50, floor high, within 730 days: Kazakhstan returned 28 under CAT measures" in page
    signal = RiskSignal.objects.get(code="removal_scheduled")
    page = client.get(f"/admin/engine/risksignal/{signal.pk}/change/").content.decode()
    assert "a date is set, imminent on its own" in page
    page = client.get("/admin/engine/riskthreshold/").content.decode()
    assert "From 100: the Osh transfer day" in page
    assert RiskThreshold.objects.count() == 4
    client.cookies["django_language"] = "ru"
    page = client.get("/admin/engine/riskthreshold/").content.decode()
    assert "Почему такое значение" in page and "От 100: день перевода в Оше" in page


def test_every_cap_and_suspensive_effect_shipped_says_why_and_where_from():
    assert RiskCap.objects.count() == 5
    assert all(c.rationale.strip() for c in RiskCap.objects.all())
    effects = list(SuspensiveEffect.objects.all())
    assert {(e.country, e.subject) for e in effects} >= {
        ("RU", "appeal_extradition"),
        ("RU", "asylum_claim"),
        ("KZ", "appeal_extradition"),
        ("KZ", "asylum_claim"),
    }
    for e in effects:
        assert e.citation.strip() and e.confidence in ("P", "S", "U"), e
        if e.country in ("RU", "KZ") and e.suspensive:
            # A row that would lower a person's risk there is not read in an official text yet.
            assert e.confidence == "U" and e.verified_on is None and e.to_rule().unverified, e
    # Read (KoAP 32.10(1.1)): a Russian removal appeal holds nobody back, and lowers nothing.
    ru_removal = SuspensiveEffect.objects.get(country="RU", subject="appeal_removal")
    assert not ru_removal.suspensive and ru_removal.confidence == "S"
