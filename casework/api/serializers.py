"""Serializers for the case record: shapes and validation only; writes that touch several
rows go through casework.services (called from the views).

Two rules hold for every serializer here, by inheriting from `CaseworkSerializer`:
- a related id is looked up only among the rows the requesting user may see, so a person
  (or a fact of a person) the user cannot see answers exactly like one that does not exist;
- the model's database constraints are checked before anything is written, so a bad write
  is a 400 naming the field, not a 500 from the database.
"""

from __future__ import annotations

import copy

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from accounts.roles import STAFF_ROLES
from casework import models as m
from casework.access import PERSON_PATH, visible
from casework.validation import COUNTRY_FIELDS, record_errors

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY

# Unscoped models: not about one person, visible to every staff member.
UNSCOPED = {m.Facility, m.Group, m.GroupEvent}

# The field a constraint's message belongs to when it is not the `later` of a `_not_before`
# constraint (those are found by their shape, see constraint_field).
CONSTRAINT_FIELDS = {
    "person_consent_yes_has_date": "consent_recorded_on",
    "person_unhcr_number_not_blank": "unhcr_number",
    "personname_one_primary_per_person": "is_primary",
    "personname_unique_per_person": "full_name",
    "personname_not_blank": "full_name",
    "relationship_not_self": "relative",
    "group_unique_name": "name",
    "groupmembership_unique": "person",
    "facility_unique": "name",
    "extradition_states_differ": "requested_state",
    "extradition_decision_has_date": "decided_on",
    "asylum_decision_has_date": "decided_on",
    "appeal_exactly_one_target": NON_FIELD,
    "appeal_not_against_itself": "lower_appeal",
    "appeal_outcome_has_date": "decided_on",
    "interim_granted_has_date": "granted_on",
    "interim_lifted_has_date": "lifted_on",
    "interim_unique_case_per_person": "case_number",
    "reaffirmation_unique_day": "reaffirmed_on",
    "return_countries_differ": "destination_country",
    "postreturn_sentence_positive": "sentence_years",
}


def constraint_field(constraint) -> str:
    """Which field a violated constraint is reported on."""
    if constraint.name in CONSTRAINT_FIELDS:
        return CONSTRAINT_FIELDS[constraint.name]
    # _not_before(later, earlier): the last alternative is ("<later>__gte", F(earlier)).
    condition = getattr(constraint, "condition", None)
    last = condition.children[-1] if condition is not None and condition.children else None
    if isinstance(last, tuple) and last[0].endswith("__gte"):
        return last[0].removesuffix("__gte")
    return NON_FIELD


def scoped(queryset, user):
    """`queryset` narrowed to what `user` may see, for any casework model (or users)."""
    model = queryset.model
    if model is m.Person:
        return queryset.visible_to(user)
    if model in UNSCOPED:
        return queryset
    if model is get_user_model():
        # Staff who can be assigned to a case; anyone else is not a valid choice.
        return queryset.filter(
            Q(groups__name__in=list(STAFF_ROLES)) | Q(is_superuser=True), is_active=True
        ).distinct()
    if model._meta.app_label == "casework" and (
        model.__name__ in PERSON_PATH or any(f.name == "person" for f in model._meta.fields)
    ):
        return visible(queryset, user)
    return queryset.none()  # default deny for anything not thought about


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id, looked up among the rows the requesting user may see: an id the user
    may not see gets the same "does not exist" answer as an id that does not exist."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return scoped(queryset, request.user)


class CaseworkSerializer(serializers.ModelSerializer):
    """Related ids scoped to the user, and the model's constraints checked on validation."""

    serializer_related_field = VisibleRelatedField
    # Constraints that a service takes care of (e.g. demoting the old primary name).
    constraints_handled_by_service: frozenset[str] = frozenset()

    def get_validators(self):
        # DRF's unique-together validators would duplicate the constraint checks below with
        # vaguer messages ("must make a unique set").
        return []

    def candidate(self, attrs):
        """The instance as it would be saved: the current row with `attrs` applied."""
        model = self.Meta.model
        concrete = {f.name for f in model._meta.concrete_fields}
        values = {k: v for k, v in attrs.items() if k in concrete}
        if self.instance is None:
            return model(**values)
        instance = copy.copy(self.instance)
        for key, value in values.items():
            setattr(instance, key, value)
        return instance

    def validate(self, attrs):
        attrs = super().validate(attrs)
        for name in COUNTRY_FIELDS & attrs.keys():
            attrs[name] = (attrs[name] or "").strip().upper()
        instance = self.candidate(attrs)
        self.validate_candidate(instance)
        # The checks the pages' forms make too (countries, dates not in the future, assignee
        # roles, UNHCR numbers): casework.validation.
        errors: dict[str, list] = record_errors(
            instance, fields=None if self.instance is None else attrs.keys()
        )
        for constraint in instance._meta.constraints:
            if constraint.name in self.constraints_handled_by_service:
                continue
            try:
                constraint.validate(type(instance), instance)
            except DjangoValidationError as exc:
                errors.setdefault(constraint_field(constraint), []).extend(exc.messages)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def validate_candidate(self, instance) -> None:
        """Checks across fields beyond the database constraints; raise ValidationError."""

    @staticmethod
    def same_person(instance, *fields: str) -> None:
        """Each of `fields` that is set must be a fact of the instance's own person."""
        errors = {}
        for name in fields:
            related = getattr(instance, name, None)
            if related is not None and related.person_id != instance.person_id:
                errors[name] = [_("This belongs to another person.")]
        if errors:
            raise serializers.ValidationError(errors)


def record_fields(*names: str) -> tuple[str, ...]:
    return ("id", *names, "created_at", "updated_at")


# --- persons and names -----------------------------------------------------------------------


class PersonNameInlineSerializer(serializers.ModelSerializer):
    """A name as part of a person: read in every person, written when creating one."""

    class Meta:
        model = m.PersonName
        fields = ("id", "full_name", "script", "is_primary")

    def validate_full_name(self, value: str) -> str:
        return " ".join(value.split())


PERSON_FIELDS = record_fields(
    "case_number",
    "primary_name",
    "names",
    "born_on",
    "born_on_precision",
    "sex",
    "citizenship",
    "ethnicity",
    "languages",
    "unhcr_number",
    "status",
    "alleged_affiliation",
    "country_of_origin",
    "consent_to_be_named",
    "consent_recorded_on",
    "consent_given_by",
    "confidentiality",
    "assigned_caseworker",
    "assigned_lawyer",
    "description",
    "notes",
)


class PersonSerializer(CaseworkSerializer):
    """A person with every name they are known by. Names are changed at /api/person-names/."""

    names = PersonNameInlineSerializer(many=True, read_only=True)

    class Meta:
        model = m.Person
        fields = PERSON_FIELDS
        read_only_fields = ("case_number", "primary_name")
        # DRF's own unique check answers "already exists" even when the holder is a person
        # the user may not see; casework.validation answers the same whoever holds it.
        extra_kwargs = {"unhcr_number": {"validators": []}}

    def validate_unhcr_number(self, value):
        # An empty number is no number: stored as NULL so that uniqueness ignores it.
        return value or None


class PersonCreateSerializer(PersonSerializer):
    """A new person with the names they are known by, in any script."""

    names = PersonNameInlineSerializer(many=True, required=False)

    class Meta(PersonSerializer.Meta):
        pass

    def validate_names(self, names: list[dict]) -> list[dict]:
        if sum(1 for n in names if n.get("is_primary")) > 1:
            raise serializers.ValidationError(_("Only one name can be the primary name."))
        seen = set()
        for name in names:
            if name["full_name"] in seen:
                raise serializers.ValidationError(_("The same name is given twice."))
            seen.add(name["full_name"])
        return names


class PersonNameSerializer(CaseworkSerializer):
    """One name of one person. Making a name primary demotes the old primary name."""

    constraints_handled_by_service = frozenset({"personname_one_primary_per_person"})

    class Meta:
        model = m.PersonName
        fields = record_fields("person", "full_name", "script", "is_primary")

    def validate_full_name(self, value: str) -> str:
        # As PersonName.save stores it, so that uniqueness is checked on the stored form.
        return " ".join(value.split())

    def validate_person(self, person):
        if self.instance is not None and person.pk != self.instance.person_id:
            raise serializers.ValidationError(_("A name cannot be moved to another person."))
        return person


class RelationshipSerializer(CaseworkSerializer):
    class Meta:
        model = m.Relationship
        fields = record_fields("person", "relative", "kind", "notes")


# --- groups and facilities -------------------------------------------------------------------


class GroupSerializer(CaseworkSerializer):
    """A cohort. `members` lists only the persons the user may see; `estimated_size` may
    exceed the known members."""

    members = serializers.SerializerMethodField()

    class Meta:
        model = m.Group
        fields = record_fields(
            "name", "description", "estimated_size", "public_description", "members"
        )

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_members(self, group) -> list:
        # Filled by the view's Prefetch through casework.access.visible.
        return [membership.person_id for membership in getattr(group, "visible_memberships", [])]


class GroupMembershipSerializer(CaseworkSerializer):
    class Meta:
        model = m.GroupMembership
        fields = record_fields("group", "person", "added_on")


class GroupEventSerializer(CaseworkSerializer):
    class Meta:
        model = m.GroupEvent
        fields = record_fields(
            "group",
            "kind",
            "occurred_on",
            "facility",
            "estimated_count",
            "source",
            "notes",
            "recorded_by",
        )
        read_only_fields = ("recorded_by",)


class FacilitySerializer(CaseworkSerializer):
    class Meta:
        model = m.Facility
        fields = record_fields("name", "kind", "city", "country", "address", "notes")


# --- detention and welfare -------------------------------------------------------------------


class DetentionSerializer(CaseworkSerializer):
    class Meta:
        model = m.Detention
        fields = record_fields(
            "person",
            "facility",
            "started_on",
            "ended_on",
            "legal_basis",
            "ordering_authority",
            "authorised_until",
            "incommunicado",
            "lawyer_access",
            "health_concerns",
            "transferred_from",
        )

    def validate_candidate(self, instance) -> None:
        self.same_person(instance, "transferred_from")


class WelfareCheckSerializer(CaseworkSerializer):
    # Said each time, true or false, as on the page: the model's default (true) taken for a
    # field left out would count a refused family visit as contact and silence the
    # no-contact alert. A change (PATCH) that does not touch it keeps the stored answer.
    contact_confirmed = serializers.BooleanField(
        required=True,
        help_text=_("Someone saw or spoke to the person (not a rumour or a refused visit)."),
        error_messages={"required": _("Say whether contact was confirmed.")},
    )

    class Meta:
        model = m.WelfareCheck
        fields = record_fields(
            "person",
            "detention",
            "observed_at",
            "contact_confirmed",
            "seen_by",
            "condition",
            "transfer_reported",
            "family_visit_refused",
            "notes",
            "recorded_by",
        )
        read_only_fields = ("recorded_by",)

    def validate_candidate(self, instance) -> None:
        self.same_person(instance, "detention")


# --- proceedings -----------------------------------------------------------------------------


class ExtraditionRequestSerializer(CaseworkSerializer):
    class Meta:
        model = m.ExtraditionRequest
        fields = record_fields(
            "person",
            "requesting_state",
            "requested_state",
            "charges",
            "charge_articles",
            "received_on",
            "arrested_on",
            "deciding_authority",
            "status",
            "decided_on",
            "notified_on",
            "diplomatic_assurances",
            "scheduled_removal_at",
            "notes",
        )


class AsylumClaimSerializer(CaseworkSerializer):
    class Meta:
        model = m.AsylumClaim
        fields = record_fields(
            "person",
            "authority_kind",
            "authority_name",
            "country",
            "lodged_on",
            "interviewed_on",
            "decision",
            "decided_on",
            "notified_on",
            "procedure",
            "grounds",
        )


class RemovalOrderSerializer(CaseworkSerializer):
    class Meta:
        model = m.RemovalOrder
        fields = record_fields(
            "person",
            "kind",
            "country",
            "destination_country",
            "issued_by",
            "issued_on",
            "notified_on",
            "scheduled_removal_on",
            "scheduled_removal_at",
        )


class AppealSerializer(CaseworkSerializer):
    """An appeal names exactly one target, which must be a fact of the same person."""

    target_kind = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = m.Appeal
        fields = record_fields(
            "person",
            *m.Appeal.TARGET_FIELDS,
            "target_kind",
            "court",
            "court_level",
            "country",
            "lodged_on",
            "outcome",
            "decided_on",
            "notified_on",
            "lawyer",
            "notes",
        )

    def validate_candidate(self, instance) -> None:
        given = [name for name in m.Appeal.TARGET_FIELDS if getattr(instance, f"{name}_id")]
        if len(given) != 1:
            found = ", ".join(given) if given else _("none")
            raise serializers.ValidationError(
                {
                    NON_FIELD: [
                        _(
                            "An appeal is against exactly one thing: give one of "
                            "%(fields)s (given: %(found)s)."
                        )
                        % {"fields": ", ".join(m.Appeal.TARGET_FIELDS), "found": found}
                    ]
                }
            )
        self.same_person(instance, *m.Appeal.TARGET_FIELDS)


class HearingSerializer(CaseworkSerializer):
    class Meta:
        model = m.Hearing
        fields = record_fields("appeal", "held_on", "notes")


class InterimMeasureSerializer(CaseworkSerializer):
    class Meta:
        model = m.InterimMeasure
        fields = record_fields(
            "person",
            "body",
            "case_number",
            "respondent_state",
            "requested_on",
            "granted_on",
            "lifted_on",
            "status",
            "complaint_transmitted_on",
            "decision_on",
            "decision_transmitted_on",
            "state_response",
        )


class ReaffirmationSerializer(CaseworkSerializer):
    class Meta:
        model = m.Reaffirmation
        fields = record_fields("measure", "reaffirmed_on", "notes")


# --- returns ---------------------------------------------------------------------------------


class ReturnSerializer(CaseworkSerializer):
    class Meta:
        model = m.Return
        fields = record_fields(
            "person",
            "kind",
            "returned_on",
            "returned_on_precision",
            "from_country",
            "destination_country",
            "how_learned",
        )


class PostReturnReportSerializer(CaseworkSerializer):
    class Meta:
        model = m.PostReturnReport
        fields = record_fields(
            "return_record", "reported_on", "kind", "details", "sentence_years", "source"
        )
