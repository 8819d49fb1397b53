"""The engine's API: "my deadlines", waiving one, and calendar-feed tokens."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.audit import record_read
from accounts.permissions import HavenModelPermission
from accounts.roles import STAFF_ROLES, user_roles
from casework.access import can_see_person

from . import selectors, services
from .models import CalendarToken, Deadline


class DeadlineSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    person_case_number = serializers.CharField(source="person.case_number", read_only=True)
    person_name = serializers.CharField(source="person.primary_name", read_only=True)
    days_left = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "person",
            "person_case_number",
            "person_name",
            "kind",
            "kind_label",
            "due_on",
            "days_left",
            "overdue",
            "status",
            "status_label",
            "rule_code",
            "jurisdiction",
            "citation",
            "unverified",
            "practice",
            "why",
            "counted_from",
            "source_type",
            "source_id",
            "met_on",
            "waived_reason",
            "computed_at",
        ]
        read_only_fields = fields

    def get_days_left(self, obj) -> int:
        return (obj.due_on - self.context["today"]).days

    def get_overdue(self, obj) -> bool:
        return obj.status in ("open", "missed") and obj.due_on < self.context["today"]


def _csv(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def filters_from(params) -> dict:
    person = params.get("person") or None
    if person:
        try:
            person = uuid.UUID(person)
        except ValueError:
            person = uuid.UUID(int=0)  # matches nothing, rather than a 500
    return dict(
        scope=params.get("scope") or selectors.SCOPE_MINE,
        kinds=_csv(params.get("kind")),
        statuses=_csv(params.get("status")),
        person_id=person,
        jurisdiction=params.get("jurisdiction", ""),
    )


class DeadlineList(generics.ListAPIView):
    """My deadlines: overdue first, then the next 7 days, then by due date.
    Filters: kind, status (comma-separated; default open,missed), person, jurisdiction,
    scope=all (every visible person's, not only mine)."""

    serializer_class = DeadlineSerializer
    permission_classes = [HavenModelPermission]
    filter_backends: list = []
    queryset = Deadline.objects.none()  # for the permission class; rows from get_queryset

    def get_queryset(self):
        self.today = timezone.localdate()
        return selectors.deadlines_for(
            self.request.user, today=self.today, **filters_from(self.request.query_params)
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": getattr(self, "today", None)}

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        record_read(user=self.request.user, objects=rows, channel="api", path=self.request.path)
        return page


class WaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CanChangeDeadline(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(user_roles(request.user) & STAFF_ROLES) and request.user.has_perm(
            "engine.change_deadline"
        )


class DeadlineWaive(APIView):
    """POST {"reason": "..."}: waive an open or missed deadline (lawyers)."""

    permission_classes = [CanChangeDeadline]

    def post(self, request, pk):
        deadline = get_object_or_404(Deadline.objects.select_related("person"), pk=pk)
        if not can_see_person(request.user, deadline.person):
            return Response(status=status.HTTP_404_NOT_FOUND)
        data = WaiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            deadline = services.deadline_waive(
                deadline_id=deadline.pk, reason=data.validated_data["reason"], by=request.user
            )
        except ValidationError as error:
            return Response({"detail": error.messages}, status=status.HTTP_409_CONFLICT)
        body = DeadlineSerializer(deadline, context={"today": timezone.localdate()}).data
        return Response(body)


class CanViewDeadlines(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(user_roles(request.user) & STAFF_ROLES) and request.user.has_perm(
            "engine.view_deadline"
        )


class CalendarTokenCreate(APIView):
    """POST: a new personal feed URL. The secret is shown in this response only."""

    permission_classes = [CanViewDeadlines]

    def post(self, request):
        token, secret = services.calendar_token_create(user=request.user)
        url = request.build_absolute_uri(reverse("engine:calendar-feed", args=[secret]))
        return Response({"id": str(token.pk), "url": url}, status=status.HTTP_201_CREATED)


class CalendarTokenRevoke(APIView):
    permission_classes = [CanViewDeadlines]

    def post(self, request, pk):
        get_object_or_404(CalendarToken, pk=pk, user=request.user)
        services.calendar_token_revoke(token_id=pk, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
