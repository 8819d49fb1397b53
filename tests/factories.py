"""Minimal valid objects. Persons' names are invented (see tests/data/ for the name sets)."""

from datetime import UTC, date, datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup

from casework import models as m


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            group, _ = AuthGroup.objects.get_or_create(name=name)
            self.groups.add(group)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Person
        skip_postgeneration_save = True

    born_on = date(1980, 1, 1)
    born_on_precision = m.DatePrecision.YEAR
    sex = m.Sex.MALE
    citizenship = "UZ"
    country_of_origin = "UZ"
    ethnicity = "Uzbek"
    status = m.PersonStatus.ASYLUM_SEEKER
    description = "an ethnic Uzbek man"

    @factory.post_generation
    def name(self, create, extracted, **kwargs):
        """PersonFactory(name="Rustam Abdullaev") adds a primary name; default: an invented one."""
        if not create:
            return
        full = extracted or f"Testperson Number{self.case_number[-4:]}"
        m.PersonName.objects.create(person=self, full_name=full, is_primary=True)


class PersonNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PersonName

    person = factory.SubFactory(PersonFactory)
    full_name = factory.Sequence(lambda n: f"Othername Variant{n}")


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Facility

    name = factory.Sequence(lambda n: f"Detention centre {n}")
    kind = m.FacilityKind.DETENTION_CENTRE
    city = "Almaty"
    country = "KZ"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Group

    name = factory.Sequence(lambda n: f"Group {n}")
    estimated_size = 10


class DetentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Detention

    person = factory.SubFactory(PersonFactory)
    facility = factory.SubFactory(FacilityFactory)
    started_on = date(2010, 6, 15)
    legal_basis = m.LegalBasis.EXTRADITION_ARREST


class WelfareCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.WelfareCheck

    person = factory.SubFactory(PersonFactory)
    observed_at = datetime(2011, 6, 1, 12, 0, tzinfo=UTC)
    seen_by = "lawyer"


class ExtraditionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ExtraditionRequest

    person = factory.SubFactory(PersonFactory)
    requesting_state = "UZ"
    requested_state = "KZ"
    charges = "membership of a banned religious organisation"
    received_on = date(2010, 6, 20)


class AsylumClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.AsylumClaim

    person = factory.SubFactory(PersonFactory)
    authority_kind = m.AsylumAuthorityKind.STATE
    authority_name = "Migration authority"
    country = "KZ"
    lodged_on = date(2010, 3, 1)


class RemovalOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.RemovalOrder

    person = factory.SubFactory(PersonFactory)
    kind = m.RemovalKind.DEPORTATION
    country = "TR"
    destination_country = "UZ"
    issued_on = date(2020, 1, 10)


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Appeal

    person = factory.SubFactory(PersonFactory)
    extradition_request = factory.SubFactory(
        ExtraditionRequestFactory, person=factory.SelfAttribute("..person")
    )
    court = "District court"
    country = "KZ"
    lodged_on = date(2010, 9, 25)


class InterimMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.InterimMeasure

    person = factory.SubFactory(PersonFactory)
    body = m.InterimBody.CAT
    respondent_state = "KZ"
    case_number = factory.Sequence(lambda n: f"{400 + n}/2010")
    requested_on = date(2010, 12, 1)


class ReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Return

    person = factory.SubFactory(PersonFactory)
    kind = m.ReturnKind.EXTRADITED
    returned_on = date(2011, 6, 9)
    from_country = "KZ"
    destination_country = "UZ"


class AlertFactory(factory.django.DjangoModelFactory):
    """An unread alert about nobody in particular; give `recipient`, and `person` if any."""

    class Meta:
        model = "engine.Alert"

    kind = "risk_raised"
    dedup_key = factory.Sequence(lambda n: f"test-{n}")
    subject = "s"
    body = "b"
