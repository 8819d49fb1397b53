"""The case record over REST. Views are thin: who may call (HavenModelPermission), which rows
(casework.access, through `scoped`), which reads to log (accounts.audit), and which service
writes. Every list selects its related rows up front, so a page costs the same number of
queries whatever its length.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.audit import record_read
from accounts.permissions import HavenModelPermission
from casework import models as m
from casework import services
from casework.access import person_visibility_q, visible

from . import filters
from . import serializers as s

UUID_PATTERN = "[0-9a-fA-F-]{36}"


class CaseworkViewSet(viewsets.ModelViewSet):
    """Base for every case-record endpoint."""

    permission_classes = [HavenModelPermission]
    lookup_value_regex = UUID_PATTERN
    # False for the models that are not about one person (facilities, groups).
    audited = True

    def get_queryset(self):
        return s.scoped(super().get_queryset(), self.request.user)

    # -- reads: log what was shown ---------------------------------------------------------

    def audit(self, objects) -> None:
        if self.audited:
            record_read(
                user=self.request.user, objects=objects, channel="api", path=self.request.path
            )

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        self.audit(rows)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self.audit([instance])
        return Response(self.get_serializer(instance).data)

    # -- writes: one transaction; a constraint the serializer could not see is still a 400 --

    def perform_create(self, serializer):
        with constraint_errors_as_400():
            self.create_instance(serializer)

    def perform_update(self, serializer):
        with constraint_errors_as_400():
            self.update_instance(serializer)

    def perform_destroy(self, instance):
        with transaction.atomic():
            self.destroy_instance(instance)

    def create_instance(self, serializer) -> None:
        serializer.save()

    def update_instance(self, serializer) -> None:
        serializer.save()

    def destroy_instance(self, instance) -> None:
        instance.delete()


@contextmanager
def constraint_errors_as_400():
    """Run the write in a transaction; a constraint the serializer could not see (a race
    between two writers, or a model check inside a service) becomes a 400 with the rule's own
    message. The database's text is not shown: it can quote the values that clashed."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise serializers.ValidationError(_integrity_errors(str(exc))) from None
    except DjangoValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {s.NON_FIELD: exc.messages}
        raise serializers.ValidationError(errors) from None


def _integrity_errors(text: str) -> dict:
    for model in apps.get_app_config("casework").get_models():
        for constraint in model._meta.constraints:
            if constraint.name in text:
                message = constraint.get_violation_error_message()
                return {s.constraint_field(constraint): [message]}
    return {s.NON_FIELD: [_("This change conflicts with the existing record.")]}


# --- persons and names -----------------------------------------------------------------------


class ReadByPost(HavenModelPermission):
    """A read sent as POST (a search whose words are names): needs the view permission."""

    perms_map = {**HavenModelPermission.perms_map, "POST": ["%(app_label)s.view_%(model_name)s"]}


class PersonSearchSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=100, help_text="Name in any script, e.g. Abdullaev, Abdullayev or Абдуллаев."
    )


@extend_schema_view(
    create=extend_schema(request=s.PersonCreateSerializer, responses={201: s.PersonSerializer})
)
class PersonViewSet(CaseworkViewSet):
    """Persons, with every name they are known by. `?q=` finds a person by any name in any
    script."""

    queryset = m.Person.objects.prefetch_related("names")
    serializer_class = s.PersonSerializer
    filterset_class = filters.PersonFilter
    ordering_fields = ["primary_name", "case_number", "status", "born_on", "updated_at"]
    ordering = ["primary_name", "case_number"]

    def get_serializer_class(self):
        return s.PersonCreateSerializer if self.action == "create" else s.PersonSerializer

    @extend_schema(request=PersonSearchSerializer, responses=s.PersonSerializer(many=True))
    @action(detail=False, methods=["post"], permission_classes=[ReadByPost])
    def search(self, request):
        """Find a person by any name in any script, the words in the body: names never sit in
        a URL, an access log or a Referer header (prefer this to `GET ?q=`). Paged and
        filtered like the list; other filters may stay in the query string."""
        form = PersonSearchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        self.search_text = form.validated_data["q"]
        return self.list(request)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "search" and getattr(self, "search_text", None):
            queryset = queryset.search(self.search_text)
        return queryset

    def create_instance(self, serializer) -> None:
        data = dict(serializer.validated_data)
        names = [services.NameInput(**n) for n in data.pop("names", [])]
        serializer.instance = services.person_create(names=names, by=self.request.user, **data)


class PersonNameViewSet(CaseworkViewSet):
    queryset = m.PersonName.objects.select_related("person")
    serializer_class = s.PersonNameSerializer
    filterset_class = filters.PersonNameFilter
    ordering_fields = ["full_name", "created_at"]
    ordering = ["full_name"]

    def create_instance(self, serializer) -> None:
        serializer.instance = services.person_name_add(
            by=self.request.user, **serializer.validated_data
        )

    def update_instance(self, serializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("person", None)
        serializer.instance = services.person_name_update(
            name=serializer.instance, by=self.request.user, **data
        )

    def destroy_instance(self, instance) -> None:
        services.person_name_delete(name=instance, by=self.request.user)


class RelationshipViewSet(CaseworkViewSet):
    queryset = m.Relationship.objects.select_related("person")
    serializer_class = s.RelationshipSerializer
    filterset_class = filters.RelationshipFilter
    ordering_fields = ["kind", "created_at"]
    ordering = ["created_at"]

    def get_queryset(self):
        # Both ends must be visible: a relationship to a restricted relative would reveal
        # that the relative exists.
        return super().get_queryset().filter(person_visibility_q(self.request.user, "relative"))


# --- groups and facilities -------------------------------------------------------------------


class GroupViewSet(CaseworkViewSet):
    queryset = m.Group.objects.all()
    serializer_class = s.GroupSerializer
    filterset_class = filters.GroupFilter
    ordering_fields = ["name", "estimated_size", "created_at"]
    ordering = ["name"]

    def audit(self, objects) -> None:
        # A group is not one person's record, but its member list shows persons: log the
        # restricted members it showed (the prefetch already holds only visible ones).
        record_read(
            user=self.request.user,
            objects=[ms for group in objects for ms in group.visible_memberships],
            channel="api",
            path=self.request.path,
        )

    def get_queryset(self):
        members = visible(m.GroupMembership.objects.all(), self.request.user)
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("memberships", members, to_attr="visible_memberships"))
        )


class GroupMembershipViewSet(CaseworkViewSet):
    queryset = m.GroupMembership.objects.select_related("person")
    serializer_class = s.GroupMembershipSerializer
    filterset_class = filters.GroupMembershipFilter
    ordering_fields = ["added_on", "created_at"]
    ordering = ["added_on", "created_at"]

    def create_instance(self, serializer) -> None:
        serializer.instance = services.group_member_add(
            by=self.request.user, **serializer.validated_data
        )


class GroupEventViewSet(CaseworkViewSet):
    queryset = m.GroupEvent.objects.all()
    serializer_class = s.GroupEventSerializer
    filterset_class = filters.GroupEventFilter
    ordering_fields = ["occurred_on", "created_at"]
    ordering = ["-occurred_on"]
    audited = False

    def create_instance(self, serializer) -> None:
        serializer.instance = services.group_event_record(
            by=self.request.user, **serializer.validated_data
        )


class FacilityViewSet(CaseworkViewSet):
    queryset = m.Facility.objects.all()
    serializer_class = s.FacilitySerializer
    filterset_class = filters.FacilityFilter
    ordering_fields = ["name", "city", "country"]
    ordering = ["country", "city", "name"]
    audited = False


# --- detention and welfare -------------------------------------------------------------------


class DetentionViewSet(CaseworkViewSet):
    queryset = m.Detention.objects.select_related("person")
    serializer_class = s.DetentionSerializer
    filterset_class = filters.DetentionFilter
    ordering_fields = ["started_on", "ended_on", "authorised_until"]
    ordering = ["-started_on"]


class WelfareCheckViewSet(CaseworkViewSet):
    queryset = m.WelfareCheck.objects.select_related("person")
    serializer_class = s.WelfareCheckSerializer
    filterset_class = filters.WelfareCheckFilter
    ordering_fields = ["observed_at"]
    ordering = ["-observed_at"]

    def create_instance(self, serializer) -> None:
        serializer.instance = services.welfare_check_record(
            by=self.request.user, **serializer.validated_data
        )


# --- proceedings -----------------------------------------------------------------------------


class ExtraditionRequestViewSet(CaseworkViewSet):
    queryset = m.ExtraditionRequest.objects.select_related("person")
    serializer_class = s.ExtraditionRequestSerializer
    filterset_class = filters.ExtraditionRequestFilter
    ordering_fields = ["received_on", "decided_on", "notified_on"]
    ordering = ["-received_on"]


class AsylumClaimViewSet(CaseworkViewSet):
    queryset = m.AsylumClaim.objects.select_related("person")
    serializer_class = s.AsylumClaimSerializer
    filterset_class = filters.AsylumClaimFilter
    ordering_fields = ["lodged_on", "decided_on", "notified_on"]
    ordering = ["-lodged_on"]


class RemovalOrderViewSet(CaseworkViewSet):
    queryset = m.RemovalOrder.objects.select_related("person")
    serializer_class = s.RemovalOrderSerializer
    filterset_class = filters.RemovalOrderFilter
    ordering_fields = ["issued_on", "notified_on", "scheduled_removal_on"]
    ordering = ["-issued_on"]


class AppealViewSet(CaseworkViewSet):
    queryset = m.Appeal.objects.select_related("person")
    serializer_class = s.AppealSerializer
    filterset_class = filters.AppealFilter
    ordering_fields = ["lodged_on", "decided_on", "notified_on"]
    ordering = ["-lodged_on"]


class HearingViewSet(CaseworkViewSet):
    queryset = m.Hearing.objects.select_related("appeal__person")
    serializer_class = s.HearingSerializer
    filterset_class = filters.HearingFilter
    ordering_fields = ["held_on"]
    ordering = ["held_on"]


class InterimMeasureViewSet(CaseworkViewSet):
    queryset = m.InterimMeasure.objects.select_related("person")
    serializer_class = s.InterimMeasureSerializer
    filterset_class = filters.InterimMeasureFilter
    ordering_fields = ["requested_on", "granted_on", "lifted_on"]
    ordering = ["-requested_on"]


class ReaffirmationViewSet(CaseworkViewSet):
    queryset = m.Reaffirmation.objects.select_related("measure__person")
    serializer_class = s.ReaffirmationSerializer
    filterset_class = filters.ReaffirmationFilter
    ordering_fields = ["reaffirmed_on"]
    ordering = ["reaffirmed_on"]


# --- returns ---------------------------------------------------------------------------------


class ReturnViewSet(CaseworkViewSet):
    queryset = m.Return.objects.select_related("person")
    serializer_class = s.ReturnSerializer
    filterset_class = filters.ReturnFilter
    ordering_fields = ["returned_on"]
    ordering = ["-returned_on"]


class PostReturnReportViewSet(CaseworkViewSet):
    queryset = m.PostReturnReport.objects.select_related("return_record__person")
    serializer_class = s.PostReturnReportSerializer
    filterset_class = filters.PostReturnReportFilter
    ordering_fields = ["reported_on"]
    ordering = ["reported_on"]
