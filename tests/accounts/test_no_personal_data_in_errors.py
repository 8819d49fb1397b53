"""Error pages and logs carry no names, in any script."""

from __future__ import annotations

import io
import logging

import pytest
from django.http import HttpResponse
from django.urls import path

from casework.models import Person
from tests import factories as f

pytestmark = pytest.mark.django_db

NAMES = ["Rustam Abdullaev", "Рустам Абдуллаев", "Rustam Abdullayev"]
WORDS = ["Rustam", "Abdullaev", "Abdullayev", "Рустам", "Абдуллаев"]


def failing_view(request, pk):
    person = Person.objects.get(pk=pk)
    names = ", ".join(n.full_name for n in person.names.all())
    logging.getLogger("casework").warning("processing %s", names)
    raise ValueError(f"could not process {names}")


def forbidden_view(request, pk):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied(f"not for {Person.objects.get(pk=pk).primary_name}")


def missing_view(request, pk):
    from django.http import Http404

    raise Http404(f"no {Person.objects.get(pk=pk).primary_name}")


def ok(request):
    return HttpResponse("ok")


urlpatterns = [
    path("boom/<uuid:pk>/", failing_view),
    path("forbidden/<uuid:pk>/", forbidden_view),
    path("missing/<uuid:pk>/", missing_view),
]


@pytest.fixture
def named_person():
    person = f.PersonFactory(name=NAMES[0])
    for other in NAMES[1:]:
        f.PersonNameFactory(person=person, full_name=other)
    return person


@pytest.fixture
def captured_logs():
    """The configured handlers' output (with their redacting filter), not pytest's copy."""
    buffer = io.StringIO()
    handlers = {
        h
        for name in ("", "django.request", "casework")
        for h in logging.getLogger(name).handlers
        if isinstance(h, logging.StreamHandler) and h.filters
    }
    old = {h: h.setStream(buffer) for h in handlers}
    yield buffer
    for handler, stream in old.items():
        handler.setStream(stream)


@pytest.mark.urls("tests.accounts.test_no_personal_data_in_errors")
@pytest.mark.parametrize(
    ("prefix", "status"), [("boom", 500), ("forbidden", 403), ("missing", 404)]
)
def test_error_pages_and_logs_name_nobody(
    named_person, captured_logs, prefix, status, caseworker, client_for
):
    client = client_for(caseworker)
    client.raise_request_exception = False
    response = client.get(f"/{prefix}/{named_person.pk}/")
    assert response.status_code == status
    page = response.content.decode()
    logs = captured_logs.getvalue()
    for word in WORDS:
        assert word not in page, f"{word} on the {status} page"
        assert word not in logs, f"{word} in the logs: {logs}"
    if status == 500:
        assert "Internal Server Error" in logs
        assert "ValueError: could not process [redacted]" in logs
