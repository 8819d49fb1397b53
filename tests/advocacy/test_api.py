"""The advocacy API: roles, the visibility gate, query counts, 400s with field messages."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocacy import services
from advocacy.models import LetterBatch, UrgentAction
from tests.factories import PersonFactory

from .conftest import TODAY


@pytest.mark.parametrize("persona", ["caseworker", "lawyer"])
def test_caseworkers_and_lawyers_cannot_issue(
    persona, request, issued_update, kz_case, coordinator, client_for
):
    user = request.getfixturevalue(persona)
    draft = services.urgent_action_update(ua=issued_update, by=coordinator, today=TODAY)
    services.urgent_action_submit_for_review(ua=draft, by=coordinator)
    response = client_for(user).post(f"/api/advocacy/urgent-actions/{draft.pk}/issue/")
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.urgent_action_issue(ua=draft, by=user)


def test_an_outsider_sees_nothing(outsider, issued_update, client_for):
    client = client_for(outsider)
    for url in ("urgent-actions/", "letters/", "authorities/", "batches/"):
        assert client.get(f"/api/advocacy/{url}").status_code == 403
    assert client.get(f"/advocacy/urgent-actions/{issued_update.pk}/letters/").status_code == 403


def test_list_of_urgent_actions_has_a_constant_number_of_queries(kz_case, coordinator, client_for):
    client = client_for(coordinator)
    client.get("/api/advocacy/urgent-actions/")  # warm the session and role cache

    def list_queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/advocacy/urgent-actions/").status_code == 200
        # Session, user, roles and permissions are the middleware's; ours touch our tables.
        return [q["sql"] for q in captured.captured_queries if '"advocacy_' in q["sql"]]

    before = list_queries()
    services.urgent_action_draft(by=coordinator, persons=kz_case.detained, today=TODAY)
    after = list_queries()
    # count, page (with parent), recipients with their authority, persons, groups
    assert len(before) == len(after) == 5


def test_draft_needs_persons_and_refuses_ones_the_user_cannot_see(coordinator, client_for, db):
    client = client_for(coordinator)
    empty = client.post("/api/advocacy/urgent-actions/draft/", {}, content_type="application/json")
    assert empty.status_code == 400 and "persons" in empty.json()
    hidden = PersonFactory(confidentiality="restricted")
    response = client.post(
        "/api/advocacy/urgent-actions/draft/",
        {"persons": [str(hidden.pk)]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "persons" in response.json()


def test_draft_submit_issue_and_generate_through_the_api(
    kz_case, coordinator, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    client = client_for(coordinator)
    drafted = client.post(
        "/api/advocacy/urgent-actions/draft/",
        {"groups": [str(kz_case.detained_group.pk)], "update_of": str(kz_case.root.pk)},
        content_type="application/json",
    )
    assert drafted.status_code == 201, drafted.json()
    ua = drafted.json()
    assert ua["update_number"] == 3 and len(ua["recipients"]) == 3
    edited = client.patch(
        f"/api/advocacy/urgent-actions/{ua['id']}/",
        {"asks": ["Release them."], "send_before": "not a date"},
        content_type="application/json",
    )
    assert edited.status_code == 400 and "send_before" in edited.json()
    assert client.post(f"/api/advocacy/urgent-actions/{ua['id']}/submit/").status_code == 200
    issued = client.post(
        f"/api/advocacy/urgent-actions/{ua['id']}/issue/",
        {"issued_on": "2011-06-10", "send_before": "2011-07-22"},
        content_type="application/json",
    )
    assert issued.status_code == 200 and issued.json()["reference"] == "129/10"
    assert client.get(f"/api/advocacy/urgent-actions/{ua['id']}/pdf/").status_code == 200

    enqueued = []
    monkeypatch.setattr(
        "advocacy.tasks.generate_letters_task.delay", lambda *args: enqueued.append(args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/api/advocacy/urgent-actions/{ua['id']}/generate-letters/")
    assert started.status_code == 202 and enqueued == [(ua["id"], started.json()["id"])]
    progress = client.get(f"/api/advocacy/batches/{started.json()['id']}/").json()
    assert progress["status"] == "pending"
    page = client.get(f"/advocacy/urgent-actions/{ua['id']}/letters/")
    assert page.status_code == 200 and b"<progress" in page.content
    assert LetterBatch.objects.count() == 1 and UrgentAction.objects.get(pk=ua["id"]).pdf
