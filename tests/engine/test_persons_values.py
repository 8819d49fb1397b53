"""engine.selectors.persons_values compiles each read's SQL once per shape and replaces the
persons' keys: whatever the shape, it must return exactly what the ORM returns for the same
queryset, for other persons than those it was compiled with, and refuse what it cannot cache."""

from datetime import date, timedelta

import pytest
from django.db.models import Max

from casework import models as cw
from engine import selectors
from tests.factories import (
    DetentionFactory,
    PersonFactory,
    WelfareCheckFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quiet_signals(monkeypatch):
    from engine import signals

    monkeypatch.setattr(signals, "enqueue_person", lambda person_id: None)
    monkeypatch.setattr(signals, "enqueue_affected", lambda person_id: None)


@pytest.fixture
def persons():
    """Six persons, each with detentions and welfare checks that differ from the others'."""
    out = []
    for i in range(6):
        person = PersonFactory()
        for j in range(i % 3 + 1):
            DetentionFactory(person=person, started_on=date(2011, 1, 1) + timedelta(days=i * 7 + j))
        for j in range(i % 2 + 1):
            WelfareCheckFactory(person=person, contact_confirmed=bool(j % 2 == 0))
        out.append(person)
    return sorted(out, key=lambda p: str(p.pk))


def detentions(q):
    return cw.Detention.objects.filter(q()).values("id", "person_id", "started_on", "ended_on")


def detention_tuples(q):
    return (
        cw.Detention.objects.filter(q())
        .order_by("started_on")
        .values_list("person_id", "started_on")
    )


def detention_ids(q):
    return cw.Detention.objects.filter(q()).values_list("id", flat=True)


def last_contacts(q):
    return (
        cw.WelfareCheck.objects.filter(q(), contact_confirmed=True)
        .values("person_id")
        .annotate(last=Max("observed_at"))
    )


def by_either_side(q):
    return cw.Person.objects.filter(q("pk") | q("pk")).values_list("pk", "case_number")


def orm(build, ids):
    """What the ORM itself gives for build(q) with these persons (not cached)."""
    return list(build(lambda path="person_id": selectors.persons_q(ids, path)))


def same(a, b):
    def key(row):
        return sorted(map(str, row.values())) if isinstance(row, dict) else str(row)

    return sorted(a, key=key) == sorted(b, key=key)


@pytest.mark.parametrize(
    "build", [detentions, detention_tuples, detention_ids, last_contacts, by_either_side]
)
def test_every_shape_returns_what_the_orm_returns_for_other_persons_too(persons, build):
    keys = [str(p.pk) for p in persons]
    shapes = [
        [keys[0]],  # one key
        [keys[3]],  # the same shape, another person: the parameters are replaced
        keys[1:4],  # an IN list of three
        [keys[0], keys[4], keys[5]],  # another IN list of three
        selectors.ConsecutiveIds(keys[0:3]),  # a range
        selectors.ConsecutiveIds(keys[2:6]),  # another range
    ]
    for ids in shapes:
        got = selectors.persons_values(build, ids)
        expected = orm(build, ids)
        assert expected, "the fixture gives every shape some rows"
        assert same(got, expected), ids
    if build is detention_tuples:  # order_by kept
        assert selectors.persons_values(build, keys[1:4]) == orm(build, keys[1:4])


def test_rows_are_converted_as_django_converts_them(persons):
    rows = selectors.persons_values(last_contacts, [str(p.pk) for p in persons])
    assert rows and all(row["last"].tzinfo is not None for row in rows)  # aware, as the ORM
    days = selectors.persons_values(
        lambda q: cw.Detention.objects.filter(q()).values_list("started_on", flat=True),
        [str(persons[0].pk)],
    )
    assert days and all(isinstance(day, date) for day in days)


def test_no_persons_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.persons_values(detentions, []) == []


def test_a_read_of_local_values_is_refused_not_cached_with_the_first_ones(persons):
    since = date(2011, 1, 10)
    with pytest.raises(TypeError, match="local variables"):
        selectors.persons_values(
            lambda q: cw.Detention.objects.filter(q(), started_on__gte=since).values("id"),
            [str(persons[0].pk)],
        )


def test_a_queryset_of_model_instances_is_refused(persons):
    with pytest.raises(TypeError, match="values"):
        selectors.persons_values(lambda q: cw.Detention.objects.filter(q()), [str(persons[0].pk)])
