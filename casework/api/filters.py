"""Filters for the case record API.

Related rows are filtered by plain UUID (`UUIDFilter`), never by django-filter's default
ModelChoiceFilter: that one validates the id against every row, so "no such person" (400)
and "a person you may not see" (200, empty) would answer differently and leak existence.
"""

from __future__ import annotations

import django_filters as df

from casework import models as m


def by_id(field_name: str) -> df.UUIDFilter:
    return df.UUIDFilter(field_name=field_name)


def dates(field_name: str) -> df.DateFromToRangeFilter:
    """`<name>_after` / `<name>_before`, both inclusive."""
    return df.DateFromToRangeFilter(field_name=field_name)


class PersonFilter(df.FilterSet):
    q = df.CharFilter(
        method="filter_q",
        label="Name in any script (Abdullaev, Abdullayev and Абдуллаев find the same person)",
    )
    case_number = df.CharFilter(lookup_expr="iexact")
    status = df.MultipleChoiceFilter(choices=m.PersonStatus.choices)
    confidentiality = df.ChoiceFilter(choices=m.Confidentiality.choices)
    consent_to_be_named = df.ChoiceFilter(choices=m.Consent.choices)
    sex = df.ChoiceFilter(choices=m.Sex.choices)
    citizenship = df.CharFilter(lookup_expr="iexact")
    country_of_origin = df.CharFilter(lookup_expr="iexact")
    assigned_caseworker = df.NumberFilter(field_name="assigned_caseworker_id")
    assigned_lawyer = df.NumberFilter(field_name="assigned_lawyer_id")
    group = by_id("memberships__group")
    born_on = dates("born_on")
    updated_at = df.IsoDateTimeFromToRangeFilter(field_name="updated_at")

    class Meta:
        model = m.Person
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class PersonNameFilter(df.FilterSet):
    person = by_id("person")
    script = df.ChoiceFilter(choices=m.Script.choices)

    class Meta:
        model = m.PersonName
        fields = ["is_primary"]


class RelationshipFilter(df.FilterSet):
    person = by_id("person")
    relative = by_id("relative")
    kind = df.ChoiceFilter(choices=m.RelationshipKind.choices)

    class Meta:
        model = m.Relationship
        fields: list[str] = []


class GroupFilter(df.FilterSet):
    name = df.CharFilter(lookup_expr="icontains")

    class Meta:
        model = m.Group
        fields: list[str] = []


class GroupMembershipFilter(df.FilterSet):
    group = by_id("group")
    person = by_id("person")
    added_on = dates("added_on")

    class Meta:
        model = m.GroupMembership
        fields: list[str] = []


class GroupEventFilter(df.FilterSet):
    group = by_id("group")
    facility = by_id("facility")
    kind = df.ChoiceFilter(choices=m.GroupEventKind.choices)
    occurred_on = dates("occurred_on")

    class Meta:
        model = m.GroupEvent
        fields: list[str] = []


class FacilityFilter(df.FilterSet):
    name = df.CharFilter(lookup_expr="icontains")
    kind = df.ChoiceFilter(choices=m.FacilityKind.choices)
    city = df.CharFilter(lookup_expr="iexact")
    country = df.CharFilter(lookup_expr="iexact")

    class Meta:
        model = m.Facility
        fields: list[str] = []


class DetentionFilter(df.FilterSet):
    person = by_id("person")
    facility = by_id("facility")
    legal_basis = df.ChoiceFilter(choices=m.LegalBasis.choices)
    is_open = df.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label="Still detained")
    incommunicado = df.BooleanFilter()
    started_on = dates("started_on")
    authorised_until = dates("authorised_until")

    class Meta:
        model = m.Detention
        fields: list[str] = []


class WelfareCheckFilter(df.FilterSet):
    person = by_id("person")
    detention = by_id("detention")
    contact_confirmed = df.BooleanFilter()
    transfer_reported = df.BooleanFilter()
    observed_at = df.IsoDateTimeFromToRangeFilter(field_name="observed_at")

    class Meta:
        model = m.WelfareCheck
        fields: list[str] = []


class ExtraditionRequestFilter(df.FilterSet):
    person = by_id("person")
    status = df.MultipleChoiceFilter(choices=m.ExtraditionStatus.choices)
    requesting_state = df.CharFilter(lookup_expr="iexact")
    requested_state = df.CharFilter(lookup_expr="iexact")
    received_on = dates("received_on")
    decided_on = dates("decided_on")
    notified_on = dates("notified_on")

    class Meta:
        model = m.ExtraditionRequest
        fields: list[str] = []


class AsylumClaimFilter(df.FilterSet):
    person = by_id("person")
    authority_kind = df.ChoiceFilter(choices=m.AsylumAuthorityKind.choices)
    decision = df.MultipleChoiceFilter(choices=m.AsylumDecision.choices)
    country = df.CharFilter(lookup_expr="iexact")
    decided_on = dates("decided_on")
    notified_on = dates("notified_on")

    class Meta:
        model = m.AsylumClaim
        fields: list[str] = []


class RemovalOrderFilter(df.FilterSet):
    person = by_id("person")
    kind = df.ChoiceFilter(choices=m.RemovalKind.choices)
    country = df.CharFilter(lookup_expr="iexact")
    issued_on = dates("issued_on")
    scheduled_removal_on = dates("scheduled_removal_on")

    class Meta:
        model = m.RemovalOrder
        fields: list[str] = []


class AppealFilter(df.FilterSet):
    person = by_id("person")
    extradition_request = by_id("extradition_request")
    asylum_claim = by_id("asylum_claim")
    detention = by_id("detention")
    removal_order = by_id("removal_order")
    lower_appeal = by_id("lower_appeal")
    outcome = df.MultipleChoiceFilter(choices=m.AppealOutcome.choices)
    court_level = df.ChoiceFilter(choices=m.CourtLevel.choices)
    country = df.CharFilter(lookup_expr="iexact")
    lawyer = df.NumberFilter(field_name="lawyer_id")
    lodged_on = dates("lodged_on")
    decided_on = dates("decided_on")
    notified_on = dates("notified_on")

    class Meta:
        model = m.Appeal
        fields: list[str] = []


class HearingFilter(df.FilterSet):
    appeal = by_id("appeal")
    person = by_id("appeal__person")
    held_on = dates("held_on")

    class Meta:
        model = m.Hearing
        fields: list[str] = []


class InterimMeasureFilter(df.FilterSet):
    person = by_id("person")
    body = df.ChoiceFilter(choices=m.InterimBody.choices)
    status = df.MultipleChoiceFilter(choices=m.InterimStatus.choices)
    respondent_state = df.CharFilter(lookup_expr="iexact")
    requested_on = dates("requested_on")
    granted_on = dates("granted_on")

    class Meta:
        model = m.InterimMeasure
        fields: list[str] = []


class ReaffirmationFilter(df.FilterSet):
    measure = by_id("measure")
    person = by_id("measure__person")
    reaffirmed_on = dates("reaffirmed_on")

    class Meta:
        model = m.Reaffirmation
        fields: list[str] = []


class ReturnFilter(df.FilterSet):
    person = by_id("person")
    kind = df.ChoiceFilter(choices=m.ReturnKind.choices)
    from_country = df.CharFilter(lookup_expr="iexact")
    destination_country = df.CharFilter(lookup_expr="iexact")
    returned_on = dates("returned_on")

    class Meta:
        model = m.Return
        fields: list[str] = []


class PostReturnReportFilter(df.FilterSet):
    return_record = by_id("return_record")
    person = by_id("return_record__person")
    kind = df.ChoiceFilter(choices=m.PostReturnKind.choices)
    reported_on = dates("reported_on")

    class Meta:
        model = m.PostReturnReport
        fields: list[str] = []
