"""API name search without names in a URL, and no name in any log line: the search takes its
words in a POST body, and the filter on every logger that prints request lines redacts name
parameters, percent-encoded Cyrillic included."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

SEARCH = "/api/persons/search/"


@pytest.mark.parametrize("who", ["caseworker", "lawyer", "coordinator", "admin_user"])
def test_every_staff_role_finds_a_person_by_a_cyrillic_name_in_a_post_body(
    who, request, client_for
):
    person = f.PersonFactory(name="Rustam Abdullaev")
    f.PersonFactory(name="Bahodir Other")
    response = client_for(request.getfixturevalue(who)).post(
        SEARCH, {"q": "Абдуллаев"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(person.pk)]


def test_an_outsider_may_not_search(outsider, client_for):
    response = client_for(outsider).post(
        SEARCH, {"q": "Абдуллаев"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_search_needs_the_words(caseworker, client_for):
    response = client_for(caseworker).post(SEARCH, {}, content_type="application/json")
    assert response.status_code == 400 and "q" in response.json()


def test_search_does_not_find_a_restricted_person_for_an_unassigned_user(caseworker, client_for):
    f.PersonFactory(name="Rustam Abdullaev", confidentiality="restricted")
    response = client_for(caseworker).post(
        SEARCH, {"q": "Abdullaev"}, content_type="application/json"
    )
    assert response.json()["results"] == []


def test_search_query_count_does_not_grow_with_matches(
    caseworker, client_for, django_assert_num_queries
):
    client = client_for(caseworker)
    f.PersonFactory(name="Rustam Abdullaev")
    client.post(SEARCH, {"q": "Abdullaev"}, content_type="application/json")
    # session, user, the names matching (ids), count, the page of persons, their names
    # (prefetch); the read audit asks nothing for persons that are not restricted.
    with django_assert_num_queries(6):
        client.post(SEARCH, {"q": "Abdullaev"}, content_type="application/json")
    for i in range(5):
        f.PersonFactory(name=f"Rustam Abdullaev{'v' * i}")
    with django_assert_num_queries(6):
        response = client.post(SEARCH, {"q": "Abdullaev"}, content_type="application/json")
    assert response.json()["count"] >= 2


@pytest.mark.parametrize("logger_name", ["gunicorn.access", "django.server"])
@pytest.mark.parametrize(
    "query",
    [
        "q=" + quote("Абдуллаев"),
        "q=" + quote("абдуллаев рустам"),
        "q=abdullaev",
        "page=2&q=rustam+abdullaev&ordering=primary_name",
        "full_name=" + quote("Rustam Abdullaev"),
    ],
)
def test_no_name_reaches_a_request_log_line(logger_name, query, caplog):
    line = f"GET /api/persons/?{query} HTTP/1.1"
    with caplog.at_level(logging.INFO, logger=logger_name):
        logging.getLogger(logger_name).info('"%s" %s %s', line, "200", "512")
    text = caplog.records[-1].getMessage()
    for word in ("abdullaev", "rustam", "%D0", "%d0", "Абдуллаев", "абдуллаев"):
        assert word not in text.lower() if word.isascii() else word not in text
    assert "/api/persons/" in text and "[redacted]" in text


def test_a_request_line_without_names_is_kept_as_it_is(caplog):
    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").info('"GET /api/persons/?page=2&status=detained" 200')
    assert caplog.records[-1].getMessage() == '"GET /api/persons/?page=2&status=detained" 200'


def test_the_search_url_holds_no_name(caseworker, client_for):
    # The words are in the body; the URL the access log prints is the same for every search.
    assert reverse("casework_api:person-search") == SEARCH


def _console_handler(logger_name: str):
    """The console handler settings.LOGGING gives `logger_name`: caplog sees a record before
    the handler's filter, the console after it, so the test reads what the console prints."""
    handler = next(
        h for h in logging.getLogger(logger_name).handlers if isinstance(h, logging.StreamHandler)
    )
    return handler


@pytest.mark.parametrize(
    "path",
    [
        "/persons/Абдуллаев Рустам/",
        "/persons/" + quote("Абдуллаев") + "/",
        "/api/persons/Rustam Abdullaev/?q=" + quote("Абдуллаев"),
    ],
)
def test_a_not_found_with_a_name_in_the_path_logs_no_name(path, caseworker, client_for):
    import io

    handler = _console_handler("django.request")
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    try:
        assert client_for(caseworker).get(path).status_code == 404
    finally:
        handler.setStream(old)
    logged = buffer.getvalue()
    assert "Not Found" in logged and "[redacted]" in logged  # written, and through the filter
    for word in ("Абдуллаев", "Рустам", "Rustam Abdullaev", "%D0"):
        assert word not in logged
