"""The coordinator's pages for urgent actions, through the Django test client: the whole flow
from a group to letters sent, refusals by role, consent in the preview, constant query counts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from advocacy import services
from advocacy.models import Letter, LetterBatch, LetterStatus, UrgentAction
from casework.models import Person

from .conftest import HIDDEN_NAMES, ISSUED_ON, SEND_BEFORE, TODAY


@pytest.fixture
def eager_celery():
    """Tasks enqueued on commit run at once, in this process."""
    from config.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def edit_data(ua: UrgentAction, **overrides) -> dict:
    """The edit form as the page sends it: the UA's values, its recipients kept."""
    data = {
        "title": ua.title,
        "summary": ua.summary,
        "background": ua.background,
        "languages": list(ua.languages),
        "asks": "\n".join(ua.asks),
        "send_before": ua.send_before.isoformat() if ua.send_before else "",
        "diplomatic_copies": "on" if ua.diplomatic_copies else "",
        "cosigners": "\n".join(ua.cosigners),
        "additional_information": ua.additional_information,
        "further_information": ua.further_information,
    }
    for r in ua.recipients.all():
        data[f"role_{r.authority_id}"] = r.role
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def preview_text(html: str) -> str:
    match = re.search(r'<section id="ua-preview".*?</section>', html, re.S)
    assert match, "no preview region"
    return match.group(0)


def test_coordinator_drafts_edits_issues_and_sends_letters(
    kz_case, coordinator, client_for, django_capture_on_commit_callbacks, eager_celery, settings
):
    client = client_for(coordinator)

    # Draft from a group.
    page = client.get("/advocacy/urgent-actions/draft/")
    assert page.status_code == 200 and b'id="draft-submit"' in page.content
    drafted = client.post(
        "/advocacy/urgent-actions/draft/",
        {"groups": [str(kz_case.detained_group.pk)], "draft": "1"},
    )
    assert drafted.status_code == 302
    ua = UrgentAction.objects.get(status="draft")
    assert drafted["Location"] == f"/advocacy/urgent-actions/{ua.pk}/"
    assert ua.status == "draft" and ua.recipients.count() >= 1

    # Edit: the live preview shows the edit before it is saved.
    detail = client.get(f"/advocacy/urgent-actions/{ua.pk}/")
    assert detail.status_code == 200 and b'id="ua-edit-form"' in detail.content
    new_title = "Four ethnic Uzbek men at risk of torture if returned"
    new_ask = "Calling on the authorities to release them at once;"
    preview = client.post(
        f"/advocacy/urgent-actions/{ua.pk}/preview/",
        edit_data(ua, title=new_title, asks="\n".join([*ua.asks, new_ask])),
        HTTP_HX_REQUEST="true",
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert new_title in html and new_ask in html and "PLEASE WRITE IMMEDIATELY" in html
    ua.refresh_from_db()
    assert ua.title != new_title  # a preview saves nothing

    saved = client.post(
        f"/advocacy/urgent-actions/{ua.pk}/",
        edit_data(ua, title=new_title, asks="\n".join([*ua.asks, new_ask])),
    )
    assert saved.status_code == 302
    ua.refresh_from_db()
    assert ua.title == new_title and ua.asks[-1] == new_ask
    assert new_title in client.get(f"/advocacy/urgent-actions/{ua.pk}/").content.decode()

    # Review and issue.
    assert client.post(f"/advocacy/urgent-actions/{ua.pk}/submit/").status_code == 302
    ua.refresh_from_db()
    assert ua.status == "in_review"
    issued = client.post(
        f"/advocacy/urgent-actions/{ua.pk}/issue/",
        {"issued_on": ISSUED_ON.isoformat(), "send_before": SEND_BEFORE.isoformat()},
    )
    assert issued.status_code == 302, issued.content.decode()[:2000]
    ua.refresh_from_db()
    assert ua.status == "issued" and ua.reference == "1/11" and ua.pdf

    # Generate letters: the task runs on commit, the progress bar then reads 100%.
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/advocacy/urgent-actions/{ua.pk}/letters/generate/")
    assert started.status_code == 302
    batch = LetterBatch.objects.get(urgent_action=ua)
    assert batch.status == "done" and batch.total == batch.generated > 0
    progress = client.get(f"/advocacy/batches/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert 'role="progressbar"' in progress.content.decode()
    assert 'aria-valuenow="100"' in progress.content.decode()
    # Finished: the page reloads once so the letters table shows what was generated.
    assert progress["HX-Refresh"] == "true"
    letters_page = client.get(f"/advocacy/urgent-actions/{ua.pk}/letters/").content.decode()
    assert letters_page.count('data-testid="letter-row"') == batch.generated
    assert "hx-trigger" not in progress.content.decode()  # done: polling stops
    letters_page = client.get(f"/advocacy/urgent-actions/{ua.pk}/letters/").content.decode()
    assert letters_page.count('data-testid="letter-row"') == batch.total
    assert 'aria-valuenow="100"' in letters_page

    # Approve all, then send all approved: those with an address are sent, the rest by post.
    assert client.post(f"/advocacy/urgent-actions/{ua.pk}/letters/approve-all/").status_code == 302
    assert not ua.letters.filter(status=LetterStatus.DRAFTED).exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/advocacy/urgent-actions/{ua.pk}/letters/send-all/")
    assert sent.status_code == 302
    with_email = [x for x in ua.letters.select_related("authority") if x.authority.emails]
    assert with_email and all(x.status == LetterStatus.SENT for x in with_email)
    assert len(mail.outbox) == len(with_email)
    page = client.get(f"/advocacy/urgent-actions/{ua.pk}/letters/").content.decode()
    assert page.count('data-status="sent"') == len(with_email)

    # Record an answer, with a file.
    from django.core.files.uploadedfile import SimpleUploadedFile

    letter = with_email[0]
    answered = client.post(
        f"/advocacy/letters/{letter.pk}/answer/",
        {
            "answer_text": "Your appeal has been received.",
            "answer_file": SimpleUploadedFile("answer.pdf", b"%PDF-1.4 answer"),
        },
    )
    assert answered.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ANSWERED and letter.answer_file
    assert (
        "Your appeal has been received."
        in client.get(f"/advocacy/urgent-actions/{ua.pk}/letters/").content.decode()
    )


def test_an_update_drafted_from_129_10_is_its_third(kz_case, coordinator, client_for):
    client = client_for(coordinator)
    root = kz_case.root
    page = client.get(f"/advocacy/urgent-actions/{root.pk}/").content.decode()
    assert 'id="ua-update"' in page and "UA 129/10" in page
    response = client.post(f"/advocacy/urgent-actions/{root.pk}/update/")
    assert response.status_code == 302
    new = UrgentAction.objects.get(status="draft", parent=root)
    assert new.update_number == 3 and response["Location"].endswith(f"{new.pk}/")
    page = client.get(response["Location"]).content.decode()
    assert "This is the 3rd update of UA 129/10." in preview_text(page)


def test_draft_page_preselects_a_person_from_the_alert_link(kz_case, coordinator, client_for):
    client = client_for(coordinator)
    page = client.get(f"/advocacy/urgent-actions/draft/?person={kz_case.named.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(rf'value="{kz_case.named.pk}"[^>]*checked', html)
    group_page = client.get(f"/advocacy/urgent-actions/draft/?group={kz_case.detained_group.pk}")
    assert re.search(
        rf'value="{kz_case.detained_group.pk}"[^>]*checked', group_page.content.decode()
    )
    # A malformed id is ignored, not an error.
    assert client.get("/advocacy/urgent-actions/draft/?person=nope").status_code == 200


def test_search_as_you_type_is_a_post_across_scripts_and_keeps_the_picked(
    kz_case, coordinator, client_for
):
    client = client_for(coordinator)
    assert client.get("/advocacy/urgent-actions/draft/search/").status_code == 405
    found = client.post(
        "/advocacy/urgent-actions/draft/search/",
        {"q": "Назаров", "persons": [str(kz_case.hidden.pk)]},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert f'value="{kz_case.named.pk}"' in found  # Cyrillic finds the Latin name
    assert re.search(rf'value="{kz_case.hidden.pk}"[^>]*checked', found)  # still picked


def test_search_and_draft_never_offer_a_person_the_user_cannot_see(
    kz_case, coordinator, client_for
):
    restricted = Person.objects.get(pk=kz_case.named.pk)
    restricted.confidentiality = "restricted"
    restricted.save()
    client = client_for(coordinator)
    found = client.post("/advocacy/urgent-actions/draft/search/", {"q": "Nazarov"})
    assert str(restricted.pk) not in found.content.decode()
    prefilled = client.get(f"/advocacy/urgent-actions/draft/?person={restricted.pk}")
    assert str(restricted.pk) not in prefilled.content.decode()
    refused = client.post(
        "/advocacy/urgent-actions/draft/", {"persons": [str(restricted.pk)], "draft": "1"}
    )
    assert refused.status_code == 200 and not UrgentAction.objects.filter(status="draft").exists()


def test_a_person_without_consent_is_never_named_in_the_preview(kz_case, coordinator, client_for):
    ua = services.urgent_action_draft(by=coordinator, groups=[kz_case.detained_group], today=TODAY)
    client = client_for(coordinator)
    # The draft as made describes him; the page never names him anywhere.
    page = client.get(f"/advocacy/urgent-actions/{ua.pk}/").content.decode()
    for name in HIDDEN_NAMES:
        assert name not in page
    # A coordinator types his name into the summary: the preview refuses and does not echo it.
    for name in HIDDEN_NAMES:
        response = client.post(
            f"/advocacy/urgent-actions/{ua.pk}/preview/",
            edit_data(ua, summary=f"{name} was detained in Almaty."),
            HTTP_HX_REQUEST="true",
        )
        html = response.content.decode()
        assert 'id="ua-preview-error"' in html
        assert name not in preview_text(html)
        for token in name.split():
            assert token not in preview_text(html)


def test_issue_refused_for_withdrawn_consent_is_a_form_error(kz_case, coordinator, client_for):
    ua = services.urgent_action_draft(by=coordinator, persons=[kz_case.named], today=TODAY)
    services.urgent_action_edit(
        ua=ua,
        by=coordinator,
        changes={"summary": "Ilkhom Nazarov is at risk of being returned."},
    )
    services.urgent_action_submit_for_review(ua=ua, by=coordinator)
    kz_case.named.consent_to_be_named = "no"
    kz_case.named.save()
    response = client_for(coordinator).post(
        f"/advocacy/urgent-actions/{ua.pk}/issue/",
        {"send_before": date(2031, 1, 1).isoformat()},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="ua-errors"' in html and 'role="alert"' in html
    ua.refresh_from_db()
    assert ua.status == "in_review"
    assert "Ilkhom Nazarov" not in preview_text(html)


@pytest.mark.parametrize("persona", ["caseworker", "lawyer", "outsider"])
def test_only_coordinators_and_admins_reach_the_pages(
    persona, request, issued_update, client_for, kz_case
):
    client = client_for(request.getfixturevalue(persona))
    ua = issued_update.pk
    for url in (
        "/advocacy/urgent-actions/",
        "/advocacy/urgent-actions/draft/",
        f"/advocacy/urgent-actions/{ua}/",
        f"/advocacy/urgent-actions/{ua}/letters/",
    ):
        assert client.get(url).status_code == 403, url
    for url in (
        f"/advocacy/urgent-actions/{ua}/issue/",
        f"/advocacy/urgent-actions/{ua}/update/",
        f"/advocacy/urgent-actions/{ua}/letters/generate/",
        f"/advocacy/urgent-actions/{ua}/letters/send-all/",
        "/advocacy/urgent-actions/draft/search/",
    ):
        assert client.post(url, {"q": "Nazarov"}).status_code == 403, url
    assert not LetterBatch.objects.exists()


def test_an_admin_may_use_the_pages(issued_update, admin_user, client_for):
    client = client_for(admin_user)
    assert client.get("/advocacy/urgent-actions/").status_code == 200
    assert client.get(f"/advocacy/urgent-actions/{issued_update.pk}/").status_code == 200


def _our_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    # Session, user, roles and permissions are the middleware's; ours touch our tables.
    return [q["sql"] for q in captured.captured_queries if '"advocacy_' in q["sql"]]


def test_list_has_a_constant_number_of_queries(kz_case, coordinator, client_for):
    client = client_for(coordinator)
    client.get("/advocacy/urgent-actions/")  # warm the session and role cache
    before = _our_queries(client, "/advocacy/urgent-actions/")
    for _ in range(3):
        services.urgent_action_draft(by=coordinator, persons=kz_case.detained, today=TODAY)
    after = _our_queries(client, "/advocacy/urgent-actions/")
    filtered = _our_queries(client, "/advocacy/urgent-actions/?status=draft")
    # the count, and the page with each UA's parent
    assert len(before) == len(after) == len(filtered) == 2
    page = client.get("/advocacy/urgent-actions/?status=issued").content.decode()
    assert "UA 129/10" in page and 'data-status="draft"' not in page


def test_letters_page_has_a_constant_number_of_queries(issued_update, coordinator, client_for):
    client = client_for(coordinator)
    url = f"/advocacy/urgent-actions/{issued_update.pk}/letters/"
    client.get(url)
    before = _our_queries(client, url)
    services.letters_generate(ua=issued_update)
    after = _our_queries(client, url)
    assert Letter.objects.count() > 1
    # the UA (with parent), the latest batch, the letters with authority, the two counts
    assert len(before) == len(after) == 4
