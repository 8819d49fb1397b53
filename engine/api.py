"""The engine's API: "my deadlines", waiving one, calendar-feed tokens, the return-risk board
and the alerts inbox."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.audit import record_read
from accounts.language import language_of, user_language_set
from accounts.permissions import HavenModelPermission
from accounts.roles import STAFF_ROLES, user_roles
from casework.access import can_see_person

from . import alerts, selectors, services
from .models import Alert, AlertPreference, CalendarToken, Deadline


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
    serializer_class = WaiveSerializer

    @extend_schema(request=WaiveSerializer, responses=DeadlineSerializer)
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


class CalendarTokenSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    url = serializers.URLField(read_only=True)


class CalendarTokenCreate(APIView):
    """POST: a new personal feed URL. The secret is shown in this response only."""

    permission_classes = [CanViewDeadlines]

    @extend_schema(request=None, responses={201: CalendarTokenSerializer})
    def post(self, request):
        token, secret = services.calendar_token_create(user=request.user)
        url = request.build_absolute_uri(reverse("engine:calendar-feed", args=[secret]))
        return Response({"id": str(token.pk), "url": url}, status=status.HTTP_201_CREATED)


class CalendarTokenRevoke(APIView):
    permission_classes = [CanViewDeadlines]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk):
        get_object_or_404(CalendarToken, pk=pk, user=request.user)
        services.calendar_token_revoke(token_id=pk, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------------------------------------
# Return risk: the coordinator's board
# ---------------------------------------------------------------------------------------------


class CanViewRisk(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(user_roles(request.user) & STAFF_ROLES) and request.user.has_perm(
            "engine.view_riskassessment"
        )


def board_row(row, now) -> dict:
    contact = row.last_contact_at
    return {
        "person": str(row.person_id),
        "case_number": row.person.case_number,
        "name": row.person.primary_name,
        "level": row.level,
        "previous_level": row.previous_level,
        "score": row.score,
        "reasons": row.reasons,
        "barriers": row.barriers,
        "barriers_standing": row.barriers_standing,
        "level_without_barriers": row.capped_from,
        "assessed_at": row.assessed_at,
        "last_confirmed_contact_at": contact,
        "days_since_contact": (now - contact).days if contact else None,
        "urgent_action_issued": bool(row.has_issued_ua),
        "needs_urgent_action": row.level == "imminent" and not row.has_issued_ua,
        "urgent_action_draft": alerts.ua_draft_link(row.person_id)
        if row.level == "imminent" and not row.has_issued_ua
        else "",
    }


class BoardView(APIView):
    """GET: persons by return-risk level, `imminent` with no issued urgent action first, each
    with the reasons, the barriers (what still protects) and the time since the last
    confirmed contact. `?all=1` includes persons at level none; `?barrier=none` only those
    with no barrier standing. Only persons the user may see."""

    permission_classes = [CanViewRisk]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        include_none = request.query_params.get("all") == "1"
        no_barrier = request.query_params.get("barrier") == "none"
        # Paged (`?page=`, 50 a page): the most urgent come first, so page 1 is what matters.
        paginator = PageNumberPagination()
        rows = paginator.paginate_queryset(
            selectors.board_for(request.user, include_none=include_none, no_barrier=no_barrier),
            request,
            view=self,
        )
        record_read(user=request.user, objects=rows, channel="api", path=request.path)
        now = timezone.now()
        response = paginator.get_paginated_response([board_row(r, now) for r in rows])
        response.data["levels"] = selectors.board_level_counts(
            request.user, include_none=include_none, no_barrier=no_barrier
        )
        return response


# ---------------------------------------------------------------------------------------------
# Alerts: the inbox and preferences
# ---------------------------------------------------------------------------------------------


class IsStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(user_roles(request.user) & STAFF_ROLES)


class AlertSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    person_case_number = serializers.CharField(
        source="person.case_number", read_only=True, default=""
    )
    read = serializers.BooleanField(source="is_read", read_only=True)
    email_failed = serializers.BooleanField(read_only=True)
    # In the request's language (Accept-Language), like the inbox.
    subject = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "kind_label",
            "person",
            "person_case_number",
            "level",
            "subject",
            "body",
            "link",
            "action_link",
            "created_at",
            "read",
            "read_at",
            "email_status",
            "email_failed",
            "email_attempts",
            "email_error",
        ]
        read_only_fields = fields

    def get_subject(self, alert) -> str:
        return alerts.alert_subject(alert)

    def get_body(self, alert) -> str:
        return alerts.alert_body(alert)


class AlertList(generics.ListAPIView):
    """My alerts, newest first (`?unread=1`: unread only)."""

    serializer_class = AlertSerializer
    permission_classes = [IsStaff]
    filter_backends: list = []

    def get_queryset(self):
        qs = alerts.inbox_for(self.request.user)
        if self.request.query_params.get("unread") == "1":
            qs = qs.filter(read_at__isnull=True)
        return qs


class AlertUnreadCount(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})
    )
    def get(self, request):
        return Response({"unread": alerts.unread_count(request.user)})


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), required=False)


class AlertMarkRead(APIView):
    """POST {"ids": [...]} marks those of my alerts read; no ids: all of them."""

    permission_classes = [IsStaff]
    serializer_class = MarkReadSerializer

    @extend_schema(
        request=MarkReadSerializer,
        responses=inline_serializer("Marked", {"marked": serializers.IntegerField()}),
    )
    def post(self, request):
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        marked = alerts.alerts_mark_read(
            user=request.user, alert_ids=body.validated_data.get("ids")
        )
        return Response({"marked": marked})


class AlertPreferenceSerializer(serializers.ModelSerializer):
    # A wall-clock time of day ("07:00"), not an RFC 3339 full-time: say so in the schema.
    digest_time = extend_schema_field(
        {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "07:00"}
    )(serializers.TimeField)(required=False)

    # The user's own language (accounts.Profile): of their alerts, e-mails and pages.
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)

    class Meta:
        model = AlertPreference
        fields = ["email_immediately", "digest_enabled", "digest_time", "language"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["language"] = language_of(self.context["request"].user)
        return data

    def update(self, instance, validated_data):
        language = validated_data.pop("language", None)
        if language:
            user_language_set(user=self.context["request"].user, language=language)
        return super().update(instance, validated_data)


class AlertPreferenceView(APIView):
    """GET / PUT my alert preferences (e-mail at once, daily digest and its time) and my
    language."""

    permission_classes = [IsStaff]
    serializer_class = AlertPreferenceSerializer

    def get(self, request):
        pref = AlertPreference.objects.filter(user=request.user).first() or AlertPreference()
        return Response(AlertPreferenceSerializer(pref, context={"request": request}).data)

    def put(self, request):
        pref, _ = AlertPreference.objects.get_or_create(user=request.user)
        body = AlertPreferenceSerializer(
            pref, data=request.data, partial=True, context={"request": request}
        )
        body.is_valid(raise_exception=True)
        body.save()
        return Response(body.data)
