"""The personal iCalendar feed and the deadlines page."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import timezone
from icalendar import Calendar

from engine import services
from tests.factories import (
    DetentionFactory,
    ExtraditionRequestFactory,
    InterimMeasureFactory,
    PersonFactory,
)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2011, 3, 20, 9, 0, tzinfo=UTC), tick=False):
        yield


def person(name, **kw):
    p = PersonFactory(name=name, **kw)
    ExtraditionRequestFactory(
        person=p, status="approved", decided_on=date(2011, 3, 14), notified_on=date(2011, 3, 15)
    )
    InterimMeasureFactory(
        person=p, status="granted", requested_on=date(2011, 3, 1), granted_on=date(2011, 3, 2)
    )
    services.person_recompute(person_id=p.pk, today=timezone.localdate())
    return p


@pytest.fixture
def persons(lawyer):
    return {
        "consenting": person(
            "Alisher Consenting",
            assigned_lawyer=lawyer,
            consent_to_be_named="yes",
            consent_recorded_on=date(2011, 1, 1),
        ),
        "silent": person("Bakhrom Nonconsenting", assigned_lawyer=lawyer, consent_to_be_named="no"),
        "restricted": person(
            "Dilshod Restricted",
            assigned_lawyer=lawyer,
            consent_to_be_named="yes",
            consent_recorded_on=date(2011, 1, 1),
            confidentiality="restricted",
        ),
        "hidden": person("Erkin Hidden", confidentiality="restricted"),
    }


def feed_url(client):
    response = client.post("/api/engine/calendar-tokens/")
    assert response.status_code == 201
    return response.json()["id"], response.json()["url"].replace("http://testserver", "")


def test_the_feed_names_only_consenting_unrestricted_persons(client_for, client, lawyer, persons):
    _, url = feed_url(client_for(lawyer))
    client.logout()  # calendar apps have no session: the token is the credential
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "Alisher Consenting" in body
    for hidden in ("Bakhrom", "Dilshod", "Erkin"):
        assert hidden not in body
    assert persons["silent"].case_number in body and persons["restricted"].case_number in body
    assert persons["hidden"].case_number not in body  # not visible to this lawyer at all
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert any("unverified rule" in str(e["summary"]) for e in events)  # interim follow-up
    assert any(e["dtstart"].dt == date(2011, 3, 25) for e in events)


def test_a_revoked_or_unknown_token_is_a_404(client_for, lawyer, persons):
    client = client_for(lawyer)
    token_id, url = feed_url(client)
    assert client.get(url).status_code == 200
    assert client.post(f"/api/engine/calendar-tokens/{token_id}/revoke/").status_code == 204
    assert client.get(url).status_code == 404
    assert client.get("/engine/calendar/not-a-token.ics").status_code == 404


def test_the_token_is_stored_only_as_a_hash(client_for, lawyer):
    from engine.models import CalendarToken

    _, url = feed_url(client_for(lawyer))
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarToken.objects.filter(token_hash=secret).exists()


def test_the_page_shows_rule_citation_and_the_unverified_badge(client_for, lawyer, persons):
    response = client_for(lawyer).get("/engine/deadlines/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "CPC RK 1997" in html and "kz.extr.appeal.1997" in html  # 2011: the 1997 code
    assert "unverified rule" in html
    assert persons["hidden"].case_number not in html


def test_the_page_can_create_and_revoke_a_feed(client_for, lawyer):
    client = client_for(lawyer)
    page = client.post("/engine/calendar/tokens/", follow=True)
    assert "/engine/calendar/" in page.content.decode()
    token = lawyer.calendar_tokens.get()
    client.post(f"/engine/calendar/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_page_refuses_an_outsider(client_for, outsider):
    assert client_for(outsider).get("/engine/deadlines/").status_code == 403


def test_the_page_shows_the_russian_detention_rules(client_for, lawyer):
    """A person held in Russia pending extradition since 15 March 2011: the appeal against
    the custody order and the six-month limit, each with its rule."""
    p = PersonFactory(assigned_lawyer=lawyer)
    DetentionFactory(person=p, started_on=date(2011, 3, 15), facility__country="RU")
    services.person_recompute(person_id=p.pk, today=timezone.localdate())
    html = client_for(lawyer).get("/engine/deadlines/?kind=appeal_detention").content.decode()
    assert "ru.detention.appeal" in html and "CPC RF Art. 108(11)" in html
    assert "File an appeal against the detention order" in html
    html = (
        client_for(lawyer).get("/engine/deadlines/?kind=custody_extension_limit").content.decode()
    )
    assert (
        "ru.extr.detention.limit" in html and "Custody cannot be extended beyond this day" in html
    )
    assert "14 September 2011" in html  # 15 March + 6 months, the day of arrest counting


def test_page_two_shows_the_next_rows_and_the_filters_survive_paging(
    client_for, lawyer, persons, monkeypatch
):
    from engine import selectors, views

    monkeypatch.setattr(views, "DEADLINES_PAGE_SIZE", 2)
    kind = "appeal_extradition"
    expected = [
        d.person.case_number
        for d in selectors.deadlines_for(lawyer, today=timezone.localdate(), kinds=[kind])
    ]
    assert len(expected) == 3  # the lawyer's three visible persons, one appeal each
    client = client_for(lawyer)
    first = client.get(f"/engine/deadlines/?kind={kind}&jurisdiction=KZ").content.decode()
    assert "3 deadlines match." in first and "Page 1 of 2" in first
    assert expected[0] in first and expected[1] in first and expected[2] not in first
    # The pager's link keeps the filters (and holds nothing about a person but the page).
    assert f'href="?kind={kind}&amp;jurisdiction=KZ&amp;page=2" rel="next"' in first
    second = client.get(f"/engine/deadlines/?kind={kind}&jurisdiction=KZ&page=2").content
    second = second.decode()
    assert expected[2] in second and expected[0] not in second and expected[1] not in second
    assert "Page 2 of 2" in second and f"?kind={kind}&amp;jurisdiction=KZ&amp;page=1" in second
    assert persons["hidden"].case_number not in first + second
