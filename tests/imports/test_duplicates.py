"""The stored list of likely duplicates: computed by a task, read by the page and the API."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework import merge as merge_module
from casework.import_models import DuplicatePair, DuplicateScan, ScanStatus
from casework.merge import (
    duplicate_dismiss,
    duplicate_pairs,
    duplicates_compute,
    duplicates_refresh,
    person_merge,
)
from casework.tasks import duplicates_compute_task
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def twins(name_a="Абдуллаев Рустам", name_b="Rustam Abdullayev", year=1980, **extra):
    a = PersonFactory(name=name_a, born_on=date(year, 1, 1), **extra)
    b = PersonFactory(name=name_b, born_on=date(year, 1, 1), **extra)
    return a, b


def pair_ids(pairs):
    return [{p.person_a_id, p.person_b_id} for p in pairs]


@pytest.fixture
def no_comparing(monkeypatch):
    """Reading the list must never compare the record: that is the task's job."""

    def refuse(**kwargs):
        raise AssertionError("the page compared the whole record")

    monkeypatch.setattr(merge_module, "duplicate_candidates", refuse)


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(duplicates_compute_task, "delay", lambda *a: calls.append(a))
    return calls


def test_the_task_stores_the_pairs_and_when_they_were_computed(caseworker):
    a, b = twins()
    PersonFactory(name="Karimov Jasur", born_on=date(1990, 1, 1))
    assert duplicates_compute() is True
    scan = DuplicateScan.objects.get()
    assert scan.status == ScanStatus.DONE and scan.computed_at is not None
    assert scan.pair_count == 1 and scan.progress_percent == 100
    assert pair_ids(DuplicatePair.objects.all()) == [{a.pk, b.pk}]


def test_a_new_scan_replaces_the_old_list(caseworker):
    a, b = twins()
    duplicates_compute()
    c, d = twins("Тошматов Бахтиёр", "Baxtiyor Toshmatov", year=1975)
    duplicates_compute()
    assert sorted(map(sorted, pair_ids(DuplicatePair.objects.all()))) == sorted(
        [sorted([a.pk, b.pk]), sorted([c.pk, d.pk])]
    )
    assert DuplicateScan.objects.get().pair_count == 2


def test_the_page_shows_the_stored_list_with_its_time_without_comparing(
    client_for, caseworker, no_comparing
):
    a, b = twins()
    DuplicatePair.objects.create(person_a=a, person_b=b, score=0.9, reasons=["same name"])
    DuplicateScan.objects.create(status=ScanStatus.DONE, computed_at=timezone.now())
    page = client_for(caseworker).get(reverse("imports:duplicates"))
    text = page.content.decode()
    assert page.status_code == 200
    assert a.case_number in text and b.case_number in text
    assert "List computed at" in text and "Refresh the list now" in text


def test_a_page_before_any_scan_says_so(client_for, caseworker, no_comparing):
    page = client_for(caseworker).get(reverse("imports:duplicates"))
    assert "has not been computed yet" in page.content.decode()


def test_a_dismissed_pair_drops_out_at_once(caseworker, no_comparing):
    a, b = sorted(twins(), key=lambda p: str(p.pk))  # stored as dismissals are: a < b
    DuplicatePair.objects.create(person_a=a, person_b=b, score=0.9)
    duplicate_dismiss(a=b, b=a, by=caseworker)
    assert duplicate_pairs(user=caseworker) == []


def test_a_pair_dismissed_while_a_scan_runs_stays_out(caseworker):
    a, b = twins()
    duplicates_compute()
    from casework.import_models import DuplicateDismissal

    first, second = sorted((a, b), key=lambda p: str(p.pk))
    # The scan stored the pair before the dismissal was written: it is still not shown.
    DuplicateDismissal.objects.create(person_a=first, person_b=second, by=caseworker)
    assert DuplicatePair.objects.exists() and duplicate_pairs(user=caseworker) == []
    duplicates_compute()
    assert not DuplicatePair.objects.exists()


def test_a_merged_person_drops_out_at_once_and_its_pairs_do_not_move(caseworker):
    a, b = twins()
    c = PersonFactory(name="Rustam Abdullaev", born_on=date(1980, 1, 1))
    duplicates_compute()
    assert DuplicateScan.objects.get().pair_count == 3
    record = person_merge(keep=a, merge=b, by=caseworker)
    assert "casework.DuplicatePair" not in record.moved
    assert pair_ids(duplicate_pairs(user=caseworker)) == [{a.pk, c.pk}]


def test_pairs_with_a_restricted_person_are_shown_only_to_who_may_see_both(
    client_for, caseworker, admin_user
):
    assigned = UserFactory(username="cw2", roles=["caseworker"])
    a, b = twins(confidentiality="restricted", assigned_caseworker=assigned)
    c, d = twins("Тошматов Бахтиёр", "Baxtiyor Toshmatov", year=1975)
    duplicates_compute()
    assert pair_ids(duplicate_pairs(user=caseworker)) == [{c.pk, d.pk}]
    assert len(duplicate_pairs(user=assigned)) == 2
    assert len(duplicate_pairs(user=admin_user)) == 2
    client = client_for(caseworker)
    page = client.get(reverse("imports:duplicates")).content.decode()
    api = client.get(reverse("imports:api_duplicates")).json()
    for hidden in (a, b):
        assert hidden.case_number not in page and str(hidden.pk) not in str(api)
    assert len(api["pairs"]) == 1


def test_one_visible_and_one_restricted_person_are_not_shown_as_a_pair(caseworker):
    other = UserFactory(username="cw2", roles=["caseworker"])
    PersonFactory(name="Абдуллаев Рустам", born_on=date(1980, 1, 1))
    PersonFactory(
        name="Rustam Abdullayev",
        born_on=date(1980, 1, 1),
        confidentiality="restricted",
        assigned_caseworker=other,
    )
    duplicates_compute()
    assert DuplicatePair.objects.count() == 1
    assert duplicate_pairs(user=caseworker) == []


def test_the_refresh_button_enqueues_one_scan(
    client_for, caseworker, enqueued, django_capture_on_commit_callbacks
):
    client = client_for(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:duplicates_refresh"))
    assert response.status_code == 302 and enqueued == [()]
    scan = DuplicateScan.objects.get()
    assert scan.status == ScanStatus.QUEUED and scan.requested_by == caseworker
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:duplicates_refresh"))  # a second click while queued
    assert enqueued == [()]
    page = client.get(reverse("imports:duplicates")).content.decode()
    assert "<progress" in page and "Refresh the list now" not in page


def test_a_stale_scan_may_be_refreshed_again(
    caseworker, enqueued, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - timedelta(seconds=DuplicateScan.STALE_AFTER_SECONDS + 60)
    DuplicateScan.objects.create(status=ScanStatus.RUNNING, heartbeat_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        duplicates_refresh(by=caseworker)
    assert enqueued == [()]


def test_a_running_scan_is_not_computed_twice(caseworker):
    twins()
    DuplicateScan.objects.create(status=ScanStatus.RUNNING, heartbeat_at=timezone.now())
    assert duplicates_compute() is False
    assert not DuplicatePair.objects.exists()


def test_a_failed_scan_keeps_the_previous_list(caseworker, monkeypatch):
    twins()
    duplicates_compute()
    computed_at = DuplicateScan.objects.get().computed_at

    def broken(**kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(merge_module, "duplicate_candidates", broken)
    with pytest.raises(RuntimeError):
        duplicates_compute()
    scan = DuplicateScan.objects.get()
    assert scan.status == ScanStatus.FAILED and scan.computed_at == computed_at
    assert DuplicatePair.objects.count() == 1


def test_the_progress_fragment_reloads_the_page_when_the_scan_is_done(client_for, caseworker):
    DuplicateScan.objects.create(
        status=ScanStatus.RUNNING, progress_done=40, heartbeat_at=timezone.now()
    )
    client = client_for(caseworker)
    running = client.get(reverse("imports:duplicates_progress"), HTTP_HX_REQUEST="true")
    assert "40%" in running.content.decode() and "HX-Refresh" not in running
    DuplicateScan.objects.update(status=ScanStatus.DONE, computed_at=timezone.now())
    done = client.get(reverse("imports:duplicates_progress"), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_the_api_gives_the_list_its_time_and_refreshes(
    client_for, caseworker, enqueued, django_capture_on_commit_callbacks
):
    a, b = twins()
    duplicates_compute()
    client = client_for(caseworker)
    data = client.get(reverse("imports:api_duplicates")).json()
    assert data["status"] == "done" and data["computed_at"] and data["pair_count"] == 1
    assert {data["pairs"][0]["a"]["id"], data["pairs"][0]["b"]["id"]} == {str(a.pk), str(b.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        refreshed = client.post(reverse("imports:api_duplicates_refresh"))
    assert refreshed.status_code == 202 and refreshed.json()["status"] == "queued"
    assert enqueued == [()]


@pytest.mark.parametrize("persona", ["lawyer", "coordinator", "outsider"])
def test_only_importers_may_see_or_refresh_the_list(client_for, request, persona, enqueued):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("imports:duplicates")).status_code in (302, 403)
    assert client.post(reverse("imports:duplicates_refresh")).status_code in (302, 403)
    assert client.get(reverse("imports:api_duplicates")).status_code in (302, 403)
    assert client.post(reverse("imports:api_duplicates_refresh")).status_code in (302, 403)
    assert enqueued == [] and not DuplicateScan.objects.filter(status="queued").exists()


def _add_pairs(n):
    for _ in range(n):
        a, b = PersonFactory(), PersonFactory()
        DuplicatePair.objects.create(person_a=a, person_b=b, score=0.8, reasons=["x"])
    DuplicateScan.objects.update_or_create(
        pk=1, defaults={"status": ScanStatus.DONE, "computed_at": timezone.now()}
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in context.captured_queries]


@pytest.mark.parametrize("url", ["imports:duplicates", "imports:api_duplicates"])
def test_the_page_and_the_endpoint_take_a_fixed_number_of_queries(
    client_for, caseworker, url, no_comparing
):
    client = client_for(caseworker)
    _add_pairs(1)
    _queries(client, reverse(url))  # warm the session and permission caches
    one = _queries(client, reverse(url))
    _add_pairs(7)
    eight = _queries(client, reverse(url))
    assert len(eight) == len(one)
    # Of the list's own: the pairs with both persons (one join; visibility and dismissals
    # in it) and the scan's state. The rest are the session, the user and their roles and
    # permissions, the read audit and the navigation's unread alerts, as on every page.
    ours = [sql for sql in eight if 'FROM "casework_duplicate' in sql]
    assert len(ours) == 2, ours


def test_the_scheduled_task_takes_no_arguments_and_stores_the_list(caseworker):
    """Beat sends casework.tasks.duplicates_compute_task with no arguments."""
    twins()
    assert duplicates_compute_task.name == "casework.tasks.duplicates_compute_task"
    duplicates_compute_task.apply()
    assert DuplicateScan.objects.get().status == ScanStatus.DONE
    assert DuplicatePair.objects.count() == 1
