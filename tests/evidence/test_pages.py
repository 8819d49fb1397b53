"""The evidence pages through the real gate: packs (request, progress, download), the case
summary, post-return reports entered from the person page and the page per destination; and
the person page's section."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ReadAudit
from accounts.testing import login_with_second_factor
from casework import models as m
from documents import services as documents
from evidence import services
from evidence.models import EvidencePack, PackStatus
from tests import factories as f

from .conftest import PDF_BYTES, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(caseworker, lawyer, coordinator, admin_user, outsider):
    assigned = f.UserFactory(username="alw", roles=["lawyer"])
    restricted = f.PersonFactory(
        name="Zafarbek Qodirov", confidentiality="restricted", assigned_lawyer=assigned
    )
    normal = f.PersonFactory(name="Visible Testperson")
    for person in (restricted, normal):
        f.ExtraditionRequestFactory(person=person)
    return {"restricted": restricted, "normal": normal, "assigned": assigned,
            "caseworker": caseworker, "lawyer": lawyer, "coordinator": coordinator,
            "admin": admin_user, "outsider": outsider}  # fmt: skip


def client(user):
    return login_with_second_factor(Client(), user)


def test_a_lawyer_requests_a_pack_and_its_task_is_sent_on_commit(
    world, django_capture_on_commit_callbacks
):
    url = reverse("evidence:packs", args=[world["normal"].pk])
    with (
        mock.patch("evidence.tasks.build_pack_task.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client(world["lawyer"]).post(url, {"body": "cat", "language": "en"})
    pack = EvidencePack.objects.get()
    assert response.status_code == 302 and response.headers["Location"] == reverse(
        "evidence:pack", args=[pack.pk]
    )
    delay.assert_called_once_with(str(pack.pk))
    assert pack.status == PackStatus.PENDING and pack.requested_by == world["lawyer"]


@pytest.mark.parametrize("who", ["caseworker", "coordinator", "outsider"])
def test_only_lawyers_and_admins_generate_packs(world, who):
    url = reverse("evidence:packs", args=[world["normal"].pk])
    assert client(world[who]).post(url, {"body": "cat", "language": "en"}).status_code == 403
    assert not EvidencePack.objects.exists()


def test_the_restricted_persons_packs_are_a_404_for_an_unassigned_lawyer(world):
    restricted = world["restricted"]
    pack = services.evidence_pack_request(
        person=restricted, body="cat", language="en", by=world["assigned"]
    )
    services.evidence_pack_build(pack=pack)
    unassigned = client(world["lawyer"])
    for url in (
        reverse("evidence:packs", args=[restricted.pk]),
        reverse("evidence:pack", args=[pack.pk]),
        reverse("evidence:pack-progress", args=[pack.pk]),
        reverse("evidence:pack-download", args=[pack.pk, "pdf"]),
        reverse("evidence:pack-download", args=[pack.pk, "zip"]),
        reverse("evidence:summary", args=[restricted.pk]),
    ):
        assert unassigned.get(url).status_code == 404, url
    assert not ReadAudit.objects.filter(user=world["lawyer"]).exists()


def test_the_assigned_lawyer_downloads_the_pack_and_the_read_is_audited(world):
    restricted = world["restricted"]
    annexed = documents.document_upload(
        person=restricted,
        upload=documents.Upload("d.pdf", PDF_BYTES),
        kind="court_decision",
        by=None,
        dated_on=date(2011, 3, 15),
    )
    pack = services.evidence_pack_request(
        person=restricted, body="ecthr", language="en", by=world["assigned"]
    )
    services.evidence_pack_build(pack=pack)
    lawyer = client(world["assigned"])

    pdf = lawyer.get(reverse("evidence:pack-download", args=[pack.pk, "pdf"]))
    archive = lawyer.get(reverse("evidence:pack-download", args=[pack.pk, "zip"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "Rule 39" in pdf_text(b"".join(pdf.streaming_content))
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert names == ["Annex 01 - Court decision - 2011-03-15.pdf"]
    assert "Qodirov" not in pdf["Content-Disposition"]  # the case number, never the name
    assert (
        ReadAudit.objects.filter(
            user=world["assigned"], record_id=pack.pk, channel="download"
        ).count()
        == 2
    )
    # The ZIP carries the document itself: its download is a read of that document too.
    assert ReadAudit.objects.filter(
        user=world["assigned"], record_type="Document", record_id=annexed.pk, channel="download"
    ).exists()
    assert b"Rule 39" not in pack.path("pdf").read_bytes()  # stored encrypted


def test_a_pack_reads_only_the_documents_its_requester_may_see(world):
    # An admin's pack of a normal person is not a way for a lawyer to read more than the gate
    # allows: the pack is built as its requester sees the person.
    person = world["normal"]
    documents.document_upload(
        person=person, upload=documents.Upload("a.pdf", PDF_BYTES), kind="other", by=None
    )
    pack = services.evidence_pack_request(
        person=person, body="hrc", language="ru", by=world["lawyer"]
    )
    services.evidence_pack_build(pack=pack)
    assert [a["number"] for a in pack.annexes] == [1]
    assert services.evidence_pack_build(pack=pack).finished_at == pack.finished_at  # idempotent


def test_the_progress_bar_polls_until_the_pack_is_done(world):
    pack = services.evidence_pack_request(
        person=world["normal"], body="cat", language="en", by=world["lawyer"]
    )
    url = reverse("evidence:pack-progress", args=[pack.pk])
    lawyer = client(world["lawyer"])
    waiting = lawyer.get(url).content.decode()
    assert 'data-status="pending"' in waiting and "hx-trigger" in waiting
    services.evidence_pack_build(pack=pack)
    done = lawyer.get(url, HTTP_HX_REQUEST="true")
    assert (
        'data-status="done"' in done.content.decode() and "hx-trigger" not in done.content.decode()
    )
    assert done["HX-Refresh"] == "true"


def test_the_one_page_summary_shows_the_chronology(world):
    person = world["normal"]
    response = client(world["coordinator"]).get(reverse("evidence:summary", args=[person.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Extradition requested by" in body and "Visible Testperson" in body


def test_a_caseworker_adds_a_post_return_report_from_the_person_page(world):
    person = world["normal"]
    f.ReturnFactory(person=person, returned_on=date(2010, 9, 1))
    cw = client(world["caseworker"])
    page = cw.get(reverse("casework:person", args=[person.pk])).content.decode()
    url = reverse("evidence:post-return-add", args=[person.pk])
    assert url in page

    bad = cw.post(url, {"reported_on": "2011-01-15", "kind": "sentenced", "sentence_years": "-2"})
    assert bad.status_code == 400 and not m.PostReturnReport.objects.exists()
    good = cw.post(url, {"reported_on": "2011-01-15", "kind": "sentenced", "sentence_years": "10",
                         "details": "Ten years.", "source": "UA 129/10"})  # fmt: skip
    assert good.status_code == 302
    report = m.PostReturnReport.objects.get()
    assert report.history.get().history_user == world["caseworker"]
    assert client(world["lawyer"]).get(url).status_code == 403  # lawyers do not log returns


def test_the_page_per_destination_lists_who_was_returned_and_what_was_reported(world):
    returned = f.ReturnFactory(person=world["normal"], returned_on=date(2010, 9, 1))
    m.PostReturnReport.objects.create(
        return_record=returned, reported_on=date(2011, 1, 15), kind="incommunicado"
    )
    f.ReturnFactory(person=world["restricted"])
    response = client(world["caseworker"]).get(reverse("evidence:returns", args=["UZ"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Visible Testperson" in body and "Held incommunicado" in body
    assert "Qodirov" not in body  # the gate: a restricted person's return is not listed
    assert body.count('data-testid="return-row"') == 1


def test_the_person_page_shows_the_rule_39_moment_with_an_alert(world):
    person = world["normal"]
    x = person.extradition_requests.get()
    x.scheduled_removal_at = timezone.now() + timedelta(hours=20)
    x.save()
    page = (
        client(world["lawyer"]).get(reverse("casework:person", args=[person.pk])).content.decode()
    )
    assert 'id="rule39"' in page and 'role="alert"' in page
    assert "closure days are not verified" in page
    assert reverse("evidence:packs", args=[person.pk]) in page


def test_rule39_alerts_go_to_the_persons_staff_once(world):
    from engine.models import Alert

    person = world["normal"]
    person.assigned_lawyer = world["lawyer"]
    person.save()
    x = person.extradition_requests.get()
    now = datetime(2011, 6, 8, 9, tzinfo=UTC)  # Wednesday
    x.scheduled_removal_at = datetime(2011, 6, 9, 12, tzinfo=UTC)
    x.save()
    assert services.rule39_alerts_raise(now=now) >= 1
    services.rule39_alerts_raise(now=now)
    alert = Alert.objects.get(recipient=world["lawyer"])
    assert "Rule 39" in alert.subject and person.case_number in alert.subject
    assert "Qodirov" not in alert.body and "Visible" not in alert.subject


def test_the_returns_index_links_each_destination_from_the_navigation(
    world, django_assert_max_num_queries
):
    returned = f.ReturnFactory(person=world["normal"], returned_on=date(2010, 9, 1))
    m.PostReturnReport.objects.create(
        return_record=returned, reported_on=date(2011, 1, 15), kind="incommunicado"
    )
    f.ReturnFactory(person=world["restricted"], destination_country="TJ")
    cw = client(world["caseworker"])
    index = reverse("evidence:returns-index")
    assert f'href="{index}"' in cw.get(reverse("casework:home")).content.decode()

    # session, user, the destinations with their counts (one grouped query), unread alerts
    with django_assert_max_num_queries(6):
        body = cw.get(index).content.decode()
    assert reverse("evidence:returns", args=["UZ"]) in body
    assert body.count('data-testid="destination-row"') == 1  # the restricted return is not counted
    assert "TJ" not in body
    assigned = client(world["assigned"]).get(index).content.decode()
    assert assigned.count('data-testid="destination-row"') == 2
    assert client(world["outsider"]).get(index).status_code in (302, 403)


def test_a_lawyer_records_a_removal_order_with_its_scheduled_moment_on_the_page(world):
    person = world["normal"]
    lw = client(world["lawyer"])
    page = lw.get(reverse("casework:person", args=[person.pk])).content.decode()
    url = reverse("casework:proceeding-new", args=[person.pk, "removal"])
    assert url in page
    assert 'name="scheduled_removal_at"' in lw.get(url).content.decode()

    moment = timezone.localtime() + timedelta(hours=20)
    response = lw.post(
        url,
        {
            "kind": "deportation",
            "country": "KZ",
            "destination_country": "UZ",
            "issued_on": (moment - timedelta(days=3)).date().isoformat(),
            "scheduled_removal_at": moment.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302, response.content.decode()
    order = person.removal_orders.get()
    assert order.scheduled_removal_at == moment.replace(second=0, microsecond=0)
    page = lw.get(reverse("casework:person", args=[person.pk])).content.decode()
    assert f'id="removal-{order.pk}"' in page
    assert 'id="rule39"' in page and 'role="alert"' in page
    refused = lw.post(
        url, {"kind": "deportation", "country": "Kazakhstan", "issued_on": "2011-01-05"}
    )
    assert refused.status_code == 200 and person.removal_orders.count() == 1
