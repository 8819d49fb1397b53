"""A hand-counted scenario for the monitoring figures: three normal persons (A, B, C) and one
restricted person (R) assigned to the caseworker "cw", all in the first half of 2011, with a
few facts outside the period or not counted that must stay out. The expected counts are
written out by hand in tests/monitoring/test_figures.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

from advocacy import models as adv
from casework import models as m
from engine.models import Deadline, RiskAssessment, Rule
from monitoring.selectors import Period
from tests import factories as f

PERIOD = Period(start=date(2011, 1, 1), end=date(2011, 6, 30))


def _deadline(person, status, due_on, n, **extra):
    rule = Rule.objects.order_by("code").first()
    moment = datetime(2011, 1, 1, tzinfo=UTC)
    return Deadline.objects.create(
        person=person, kind="file_appeal", due_on=due_on, counted_from=due_on,
        source_type="casework.appeal", source_id=f"fact-{n}", rule=rule, rule_code=rule.code,
        jurisdiction=extra.pop("jurisdiction", "KZ"), citation="CPC RK Art. 592(1)", why="test",
        status=status, computed_at=moment, status_changed_at=moment, **extra,
    )  # fmt: skip


def _risk(person, level, *, current=True):
    return RiskAssessment.objects.create(
        person=person, level=level, score=0, assessed_on=date(2011, 6, 30),
        assessed_at=datetime(2011, 6, 30, tzinfo=UTC), is_current=current,
    )  # fmt: skip


def build(caseworker):
    kz = f.FacilityFactory(country="KZ")
    ru = f.FacilityFactory(country="RU")
    a, b, c = f.PersonFactory(), f.PersonFactory(), f.PersonFactory()
    r = f.PersonFactory(
        confidentiality=m.Confidentiality.RESTRICTED, assigned_caseworker=caseworker
    )
    # Detentions: January A, B, R; March C; December 2010 A (outside).
    for person, facility, day in (
        (a, kz, date(2011, 1, 10)), (b, kz, date(2011, 1, 20)), (r, kz, date(2011, 1, 15)),
        (c, ru, date(2011, 3, 5)), (a, kz, date(2010, 12, 31)),
    ):  # fmt: skip
        f.DetentionFactory(person=person, facility=facility, started_on=day)
    # Extradition requests: UZ for A (received), B (only an arrest date), R; TJ for C; UZ for
    # C in 2010 (outside). A's and R's approved in March.
    f.ExtraditionRequestFactory(
        person=a, requesting_state="UZ", requested_state="KZ", received_on=date(2011, 2, 1),
        status=m.ExtraditionStatus.APPROVED, decided_on=date(2011, 3, 1),
    )  # fmt: skip
    f.ExtraditionRequestFactory(
        person=b, requesting_state="UZ", requested_state="KZ", received_on=None,
        arrested_on=date(2011, 2, 10),
    )  # fmt: skip
    f.ExtraditionRequestFactory(
        person=r, requesting_state="UZ", requested_state="KZ", received_on=date(2011, 2, 3),
        status=m.ExtraditionStatus.APPROVED, decided_on=date(2011, 3, 2),
    )  # fmt: skip
    f.ExtraditionRequestFactory(
        person=c, requesting_state="TJ", requested_state="RU", received_on=date(2011, 4, 1)
    )
    f.ExtraditionRequestFactory(
        person=c, requesting_state="UZ", requested_state="RU", received_on=date(2010, 5, 1),
        arrested_on=date(2010, 5, 1),
    )  # fmt: skip
    f.AsylumClaimFactory(
        person=b, country="KZ", decision=m.AsylumDecision.REFUSED, decided_on=date(2011, 2, 15)
    )
    f.AppealFactory(
        person=c, country="RU", outcome=m.AppealOutcome.REJECTED, decided_on=date(2011, 5, 5)
    )
    # Returns in June: A and R extradited to UZ, B deported to UZ. Interim measures in force
    # on the day: A's and R's; B's was lifted before.
    ret_a = f.ReturnFactory(person=a, kind="extradited", returned_on=date(2011, 6, 9))
    ret_r = f.ReturnFactory(person=r, kind="extradited", returned_on=date(2011, 6, 9))
    f.ReturnFactory(person=b, kind="deported", returned_on=date(2011, 6, 20))
    f.InterimMeasureFactory(person=a, granted_on=date(2011, 5, 1))
    f.InterimMeasureFactory(person=r, granted_on=date(2011, 5, 1))
    f.InterimMeasureFactory(person=b, granted_on=date(2011, 1, 1), lifted_on=date(2011, 6, 1))
    # Reports after return: A incommunicado and charged, R sentenced.
    for ret, kind, day in (
        (ret_a, "incommunicado", date(2011, 6, 15)), (ret_a, "charged", date(2011, 6, 25)),
        (ret_r, "sentenced", date(2011, 6, 28)),
    ):  # fmt: skip
        m.PostReturnReport.objects.create(return_record=ret, kind=kind, reported_on=day)
    # Current risk: A imminent, B high, C none, R imminent; C's old "high" is not current.
    _risk(a, "imminent")
    _risk(b, "high")
    _risk(c, "high", current=False)
    _risk(c, "none")
    _risk(r, "imminent")
    # Deadlines: A met, B missed, C waived, R missed; an open and a superseded one uncounted.
    _deadline(a, "met", date(2011, 2, 1), 1, met_on=date(2011, 1, 30))
    _deadline(b, "missed", date(2011, 3, 1), 2)
    _deadline(c, "waived", date(2011, 4, 1), 3, waived_reason="appeal lodged elsewhere")
    _deadline(r, "missed", date(2011, 4, 2), 4)
    _deadline(a, "open", date(2011, 5, 1), 5)
    _deadline(a, "superseded", date(2011, 5, 2), 6)
    # Urgent actions issued in June about A and about R; a draft. Letters sent for each.
    authority = adv.Authority.objects.create(country="KZ", salutation="Dear Prosecutor General")
    ua_a = adv.UrgentAction.objects.create(
        title="UA A", status="issued", issued_on=date(2011, 6, 10), number=1, year=2011
    )
    ua_r = adv.UrgentAction.objects.create(
        title="UA R", status="issued", issued_on=date(2011, 6, 12), number=2, year=2011
    )
    draft = adv.UrgentAction.objects.create(title="draft")
    ua_a.persons.add(a)
    ua_r.persons.add(r)
    draft.persons.add(b)
    for ua, sent in (
        (ua_a, datetime(2011, 6, 11, 10, tzinfo=UTC)), (ua_r, datetime(2011, 6, 13, tzinfo=UTC)),
        (ua_a, None),
    ):  # fmt: skip
        adv.UrgentActionRecipient.objects.get_or_create(urgent_action=ua, authority=authority)
        adv.Letter.objects.create(
            urgent_action=ua, authority=authority, language="ru" if sent else "en",
            status="sent" if sent else "drafted", sent_at=sent,
        )  # fmt: skip
    return {"a": a, "b": b, "c": c, "r": r}
