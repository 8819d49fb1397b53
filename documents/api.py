"""Documents over REST at /api/documents/: list (filter by person or fact), detail, upload
(multipart), the decrypted content, delete. The same gate as the pages: rows through
casework.access, reads (detail, list, content) in the read audit, writes through the service.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.audit import record_read
from accounts.permissions import HavenModelPermission
from casework.access import visible
from casework.api.serializers import VisibleRelatedField
from casework.models import Person

from . import services
from .models import Document, FactKind
from .views import streaming_response

UUID_PATTERN = "[0-9a-fA-F-]{36}"


class DocumentSerializer(serializers.ModelSerializer):
    person = VisibleRelatedField(queryset=Person.objects.all())
    file = serializers.FileField(write_only=True, help_text=_("PDF, image or office document."))
    fact_kind = serializers.ChoiceField(choices=FactKind.choices, required=False, default="")
    fact_id = serializers.UUIDField(required=False, allow_null=True, default=None)

    class Meta:
        model = Document
        fields = [
            "id",
            "person",
            "fact_kind",
            "fact_id",
            "kind",
            "dated_on",
            "language",
            "description",
            "filename",
            "content_type",
            "size",
            "created_at",
            "file",
        ]
        read_only_fields = ["filename", "content_type", "size", "created_at"]


class DocumentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Document.objects.select_related("person").order_by("created_at", "id")
    serializer_class = DocumentSerializer
    permission_classes = [HavenModelPermission]
    parser_classes = [MultiPartParser, FormParser]
    lookup_value_regex = UUID_PATTERN
    filterset_fields = ["person", "fact_kind", "fact_id", "kind"]
    ordering_fields = ["created_at", "dated_on"]

    def get_queryset(self):
        return visible(super().get_queryset(), self.request.user)

    def _audit(self, rows) -> None:
        record_read(user=self.request.user, objects=rows, channel="api", path=self.request.path)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        self._audit(rows)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        document = self.get_object()
        self._audit([document])
        return Response(self.get_serializer(document).data)

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = services.document_upload(
                person=data["person"],
                upload=data["file"],
                kind=data["kind"],
                by=self.request.user,
                dated_on=data.get("dated_on"),
                language=data.get("language", ""),
                description=data.get("description", ""),
                fact_kind=data.get("fact_kind", ""),
                fact_id=data.get("fact_id"),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc

    def perform_destroy(self, instance):
        services.document_delete(document=instance, by=self.request.user)

    @extend_schema(
        responses={
            (status.HTTP_200_OK, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("The decrypted file.")
            )
        },
        parameters=[OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["get"])
    def content(self, request, pk=None):
        document = self.get_object()
        chunks = services.document_read(
            document=document, user=request.user, channel="api", path=request.path
        )
        return streaming_response(document=document, chunks=chunks)
