"""A Kazakhstan-like case built with factories (names invented), and helpers to read PDFs."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pytest
from pypdf import PdfReader

from advocacy import demo
from casework import models as m
from tests.factories import (
    AppealFactory,
    AsylumClaimFactory,
    DetentionFactory,
    ExtraditionRequestFactory,
    FacilityFactory,
    GroupFactory,
    InterimMeasureFactory,
    PersonFactory,
    PersonNameFactory,
    ReturnFactory,
)

TODAY = date(2011, 6, 10)
ISSUED_ON = date(2011, 6, 10)
SEND_BEFORE = date(2011, 7, 22)

# The non-consenting man and every spelling he is known by.
HIDDEN_NAMES = ["Rustam Abdullaev", "Абдуллаев Рустам Ахмедович", "Rustam Abdullayev"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def file_text(field) -> str:
    field.open("rb")
    try:
        return pdf_text(field.read())
    finally:
        field.close()


@dataclass
class KazakhstanCase:
    named: m.Person  # consented: may be named
    hidden: m.Person  # the man whose consent is tested
    detained: list
    returned: list
    extradited_group: m.Group
    detained_group: m.Group
    evidence: m.Person
    root: object  # UA 129/10


def _proceedings(person, *, returned: bool):
    facility = m.Facility.objects.get_or_create(
        name="Detention centre", city="Almaty", country="KZ", defaults={"kind": "detention_centre"}
    )[0]
    DetentionFactory(
        person=person,
        facility=facility,
        started_on=date(2010, 6, 15),
        ended_on=date(2011, 6, 9) if returned else None,
        incommunicado=False,
    )
    request = ExtraditionRequestFactory(
        person=person,
        status="executed" if returned else "approved",
        decided_on=date(2010, 9, 1),
        deciding_authority="the Prosecutor General of Kazakhstan",
    )
    AppealFactory(
        person=person,
        extradition_request=request,
        court="a district court in Almaty",
        outcome="rejected",
        lodged_on=date(2010, 9, 20),
        decided_on=date(2011, 3, 15),
    )
    measure = InterimMeasureFactory(
        person=person,
        status="granted",
        requested_on=date(2010, 12, 1),
        granted_on=date(2010, 12, 3),
        state_response="Kazakhstan contests the admissibility of the complaint",
    )
    m.Reaffirmation.objects.create(measure=measure, reaffirmed_on=date(2011, 5, 20))
    AsylumClaimFactory(
        person=person, decision="excluded", decided_on=date(2010, 5, 1), lodged_on=date(2010, 3, 1)
    )
    if returned:
        ReturnFactory(person=person, returned_on=date(2011, 6, 9))


@pytest.fixture
def kz_case(db) -> KazakhstanCase:
    FacilityFactory(name="Detention centre", city="Almaty", country="KZ")
    extradited = GroupFactory(name="the 28 extradited on 9 June 2011", estimated_size=28)
    still = GroupFactory(name="four still detained in Almaty", estimated_size=4)
    named = PersonFactory(
        name="Ilkhom Nazarov", consent_to_be_named="yes", consent_recorded_on=date(2011, 6, 10)
    )
    hidden = PersonFactory(name=HIDDEN_NAMES[0])
    for variant in HIDDEN_NAMES[1:]:
        PersonNameFactory(person=hidden, full_name=variant)
    others = [PersonFactory(name=n) for n in ("Sherzod Khamidov", "Otabek Gafurov")]
    detained = [named, hidden, *others]
    returned = [PersonFactory(name=n) for n in ("Farkhod Kodirov", "Jamshid Yuldashev")]
    for p in detained:
        _proceedings(p, returned=False)
        m.GroupMembership.objects.create(group=still, person=p)
    for p in returned:
        _proceedings(p, returned=True)
        m.GroupMembership.objects.create(group=extradited, person=p)
    # Evidence of risk: returned in September 2010, held incommunicado, sentenced to 10 years.
    evidence = PersonFactory(name="Akmal Saidov", description="an ethnic Uzbek asylum-seeker")
    back = ReturnFactory(person=evidence, returned_on=date(2010, 9, 14))
    m.PostReturnReport.objects.create(
        return_record=back, reported_on=date(2010, 10, 1), kind="incommunicado"
    )
    m.PostReturnReport.objects.create(
        return_record=back,
        reported_on=date(2011, 1, 20),
        kind="sentenced",
        sentence_years=10,
        details="on a charge of belonging to a banned Islamist organization",
    )
    root = demo.load()
    return KazakhstanCase(
        named=named,
        hidden=hidden,
        detained=detained,
        returned=returned,
        extradited_group=extradited,
        detained_group=still,
        evidence=evidence,
        root=root,
    )


@pytest.fixture
def issued_update(kz_case, coordinator):
    """UA 129/10, 3rd update, drafted from the facts and issued."""
    from advocacy import services

    ua = services.urgent_action_draft(
        by=coordinator,
        groups=[kz_case.extradited_group, kz_case.detained_group],
        update_of=kz_case.root,
        today=TODAY,
    )
    services.urgent_action_submit_for_review(ua=ua, by=coordinator)
    return services.urgent_action_issue(
        ua=ua, by=coordinator, issued_on=ISSUED_ON, send_before=SEND_BEFORE
    )
