"""The advocacy API. Views translate HTTP to services and back; they hold no rules."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.permissions import HavenModelPermission
from casework.consent import ConsentError
from casework.models import Person

from . import letters as documents
from . import services
from .models import Authority, Letter, LetterBatch, UrgentAction, UrgentActionRecipient
from .serializers import (
    AnswerSerializer,
    AuthoritySerializer,
    DraftRequestSerializer,
    IssueSerializer,
    LetterBatchSerializer,
    LetterSerializer,
    UrgentActionSerializer,
)


def _call(fn, **kwargs):
    """Run a service; its refusals become 400/403 with a message."""
    try:
        return fn(**kwargs)
    except ConsentError as exc:
        raise ValidationError({"consent": [str(exc)]}) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        raise ValidationError(detail) from exc


class AuthorityViewSet(viewsets.ModelViewSet):
    queryset = Authority.objects.all()
    serializer_class = AuthoritySerializer
    permission_classes = [HavenModelPermission]
    filterset_fields = ["country", "default_role", "is_active"]


class UrgentActionViewSet(viewsets.ModelViewSet):
    serializer_class = UrgentActionSerializer
    permission_classes = [HavenModelPermission]
    filterset_fields = ["status", "year", "number"]

    def get_queryset(self):
        return UrgentAction.objects.select_related("parent").prefetch_related(
            Prefetch(
                "recipients",
                queryset=UrgentActionRecipient.objects.select_related("authority").order_by(
                    "role", "position"
                ),
            ),
            # Only persons this user may see are listed; the rest are counted by the gate.
            Prefetch("persons", queryset=Person.objects.visible_to(self.request.user)),
            "groups",
        )

    def perform_destroy(self, instance):
        if instance.status != "draft":
            raise ValidationError({"status": ["Only a draft can be deleted."]})
        instance.delete()

    def _ua_response(self, ua, code=status.HTTP_200_OK):
        ua = self.get_queryset().get(pk=ua.pk)
        return Response(self.get_serializer(ua).data, status=code)

    @action(detail=False, methods=["post"], url_path="draft")
    def draft(self, request):
        """Draft from persons and/or groups (optionally as the next update of a UA)."""
        body = DraftRequestSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        ua = _call(
            services.urgent_action_draft,
            by=request.user,
            persons=body.validated_data.get("persons", []),
            groups=body.validated_data.get("groups", []),
            update_of=body.validated_data.get("update_of"),
        )
        return self._ua_response(ua, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        ua = _call(services.urgent_action_submit_for_review, ua=self.get_object(), by=request.user)
        return self._ua_response(ua)

    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        ua = _call(services.urgent_action_send_back, ua=self.get_object(), by=request.user)
        return self._ua_response(ua)

    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        body = IssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ua = _call(
            services.urgent_action_issue,
            ua=self.get_object(),
            by=request.user,
            **body.validated_data,
        )
        return self._ua_response(ua)

    @action(detail=True, methods=["post"])
    def update_draft(self, request, pk=None):
        ua = _call(services.urgent_action_update, ua=self.get_object(), by=request.user)
        return self._ua_response(ua, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        ua = _call(services.urgent_action_close, ua=self.get_object(), by=request.user)
        return self._ua_response(ua)

    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The public document as JSON, consent-checked: what partners may republish."""
        return Response(_call(documents.public_document, ua=self.get_object()))

    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        ua = self.get_object()
        if not ua.pdf:
            raise Http404
        return FileResponse(ua.pdf.open("rb"), content_type="application/pdf",
                            filename=f"UA-{ua.number}-{ua.year}-{ua.update_number}.pdf")  # fmt: skip

    @action(detail=True, methods=["post"], url_path="generate-letters")
    def generate_letters(self, request, pk=None):
        batch = _call(services.letter_batch_start, ua=self.get_object(), by=request.user)
        return Response(LetterBatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED)


class LetterBatchViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = LetterBatch.objects.all()
    serializer_class = LetterBatchSerializer
    permission_classes = [HavenModelPermission]
    filterset_fields = ["urgent_action", "status"]


class LetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Letter.objects.select_related("authority")
    serializer_class = LetterSerializer
    permission_classes = [HavenModelPermission]
    filterset_fields = ["urgent_action", "status", "language"]

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        letter = _call(services.letter_approve, letter=self.get_object(), by=request.user)
        return Response(self.get_serializer(letter).data)

    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        letter = _call(services.letter_send_enqueue, letter=self.get_object(), by=request.user)
        return Response(self.get_serializer(letter).data, status=status.HTTP_202_ACCEPTED)

    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        letter = _call(
            services.letter_record_answer,
            letter=self.get_object(),
            by=request.user,
            text=body.validated_data.get("answer_text", ""),
            file=body.validated_data.get("answer_file"),
            answered_on=body.validated_data.get("answered_on"),
        )
        return Response(self.get_serializer(letter).data)

    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        letter = self.get_object()
        if not letter.pdf:
            raise Http404
        return FileResponse(letter.pdf.open("rb"), content_type="application/pdf",
                            filename=f"letter-{letter.language}.pdf")  # fmt: skip
