"""API for imports, duplicates and merges (under /imports/api/). Permission: a staff role
and casework.add_person (caseworkers and admins); merges need casework.change_person.
Every person shown passes the visibility gate; a restricted match the caller may not see is
given by case number only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.audit import record_read
from accounts.roles import STAFF_ROLES, user_roles

from .access import can_see_person
from .import_models import ImportBatch, ImportMapping, ImportRow
from .import_privacy import row_view
from .import_views import batches_for
from .importing import (
    ImportFileError,
    ImportRefused,
    import_commit,
    import_decide,
    import_preview,
    import_undo,
)
from .merge import (
    MergeRefused,
    duplicate_pairs,
    duplicate_scan,
    duplicates_refresh,
    person_merge,
)
from .models import Group, Person


class CanImport(BasePermission):
    def has_permission(self, request, view):
        return bool(user_roles(request.user) & STAFF_ROLES) and request.user.has_perm(
            "casework.add_person"
        )


class MappingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportMapping
        fields = ["id", "name", "partner", "columns", "date_order"]


class BatchSerializer(serializers.ModelSerializer):
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id", "created_at", "source", "mapping", "file_name", "checksum", "row_count",
            "status", "group", "group_name", "progress_done", "progress_total",
            "progress_percent", "counts", "error", "committed_at", "undone_at",
        ]  # fmt: skip


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    mapping = serializers.UUIDField(required=False, allow_null=True)
    group = serializers.UUIDField(required=False, allow_null=True)
    source = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    group_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    encoding = serializers.CharField(required=False, max_length=20, default="auto")


class DecideSerializer(serializers.Serializer):
    line_number = serializers.IntegerField(min_value=1)
    decision = serializers.CharField(max_length=20)


class MergeSerializer(serializers.Serializer):
    keep = serializers.UUIDField()
    merge = serializers.UUIDField()


def row_json(row: ImportRow, user) -> dict:
    # A person the user may not see: "matches a record you cannot see", nothing of it.
    shown = row_view(row, user)
    return {
        "line_number": row.line_number,
        "outcome": row.outcome,
        "score": shown["score"],
        "reasons": shown["reasons"],
        "candidate": shown["candidate"],
        "candidate_line": row.candidate_line,
        "errors": row.errors,
        "warnings": row.warnings,
        "decision": row.decision,
        "names": row.data.get("names", []),
        # What the row adds to the matched person, and values it leaves alone (conflicts).
        "changes": shown["changes"],
    }


class MappingList(APIView):
    permission_classes = [CanImport]
    serializer_class = MappingSerializer

    @extend_schema(responses=MappingSerializer(many=True))
    def get(self, request):
        return Response(MappingSerializer(ImportMapping.objects.all(), many=True).data)

    def post(self, request):
        serializer = MappingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save(created_by=request.user)
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class BatchList(APIView):
    permission_classes = [CanImport]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = BatchSerializer

    @extend_schema(operation_id="imports_api_batches_list", responses=BatchSerializer(many=True))
    def get(self, request):
        batches = batches_for(request.user)[:100]
        return Response(BatchSerializer(batches, many=True).data)

    @extend_schema(request=UploadSerializer, responses={201: BatchSerializer})
    def post(self, request):
        form = UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = data["file"]
        mapping = None
        if data.get("mapping"):
            mapping = get_object_or_404(ImportMapping, pk=data["mapping"])
        group = None
        if data.get("group"):
            group = get_object_or_404(Group, pk=data["group"])
        try:
            batch = import_preview(
                content=upload.read(),
                file_name=upload.name,
                mapping=mapping,
                by=request.user,
                source=data["source"],
                group=group,
                group_name=data["group_name"],
                encoding=data["encoding"],
            )
        except ImportFileError as exc:
            return Response({"file": [str(exc)]}, status=400)
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)


class BatchDetail(APIView):
    permission_classes = [CanImport]
    serializer_class = BatchSerializer

    def get(self, request, pk):
        batch = get_object_or_404(batches_for(request.user), pk=pk)
        rows = list(batch.rows.select_related("candidate").order_by("line_number"))
        visible = [
            r.candidate for r in rows if r.candidate and can_see_person(request.user, r.candidate)
        ]
        record_read(user=request.user, objects=visible, channel="api", path=request.path)
        data = BatchSerializer(batch).data
        data["rows"] = [row_json(r, request.user) for r in rows]
        return Response(data)


class BatchAction(APIView):
    permission_classes = [CanImport]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    serializer_class = BatchSerializer
    action = ""

    @extend_schema(request=DecideSerializer, responses=BatchSerializer)
    def post(self, request, pk):
        batch = get_object_or_404(batches_for(request.user), pk=pk)
        decision = None
        if self.action == "decide":
            decision = DecideSerializer(data=request.data)
            decision.is_valid(raise_exception=True)
        try:
            if decision is not None:
                import_decide(
                    batch=batch,
                    line_number=decision.validated_data["line_number"],
                    decision=decision.validated_data["decision"],
                    by=request.user,
                )
            elif self.action == "commit":
                batch = import_commit(batch=batch, by=request.user)
            elif self.action == "undo":
                batch = import_undo(batch=batch, by=request.user)
        except (ImportRefused, ValueError) as exc:
            return Response({"detail": str(exc)}, status=409)
        except ImportRow.DoesNotExist:
            return Response({"detail": "No such line."}, status=404)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=403)
        batch.refresh_from_db()
        return Response(BatchSerializer(batch).data)


def person_json(person: Person) -> dict:
    return {
        "id": str(person.pk),
        "case_number": person.case_number,
        "name": person.primary_name,
        "born_on": person.born_on,
        "born_on_precision": person.born_on_precision,
        "unhcr_number": person.unhcr_number,
    }


class ScanSerializer(serializers.Serializer):
    status = serializers.CharField()
    computed_at = serializers.DateTimeField(allow_null=True)
    progress_percent = serializers.IntegerField()
    pair_count = serializers.IntegerField()
    # Why the last refresh failed (e.g. the task queue cannot be reached); empty otherwise.
    error = serializers.CharField(allow_blank=True)


class PairSerializer(serializers.Serializer):
    a = serializers.DictField()
    b = serializers.DictField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class DuplicatesSerializer(ScanSerializer):
    pairs = PairSerializer(many=True)


def scan_json(scan) -> dict:
    return {
        "status": scan.status,
        "computed_at": scan.computed_at,
        "progress_percent": scan.progress_percent,
        "pair_count": scan.pair_count,
        "error": scan.error if scan.status == "failed" else "",
    }


class Duplicates(APIView):
    """The stored list of likely duplicates (computed by a task), with when it was computed
    and whether a refresh is running. Pairs the caller may not see are left out."""

    permission_classes = [CanImport]

    @extend_schema(responses=DuplicatesSerializer)
    def get(self, request):
        pairs = duplicate_pairs(user=request.user, limit=200)
        record_read(
            user=request.user,
            objects=[p.person_a for p in pairs] + [p.person_b for p in pairs],
            channel="api",
            path=request.path,
        )
        data = scan_json(duplicate_scan())
        data["pairs"] = [
            {
                "a": person_json(p.person_a),
                "b": person_json(p.person_b),
                "score": p.score,
                "reasons": p.reasons,
            }  # fmt: skip
            for p in pairs
        ]
        return Response(DuplicatesSerializer(data).data)


class DuplicatesRefresh(APIView):
    """Compute the list again in a task; poll GET duplicates/ for progress."""

    permission_classes = [CanImport]

    @extend_schema(request=None, responses={202: ScanSerializer, 503: ScanSerializer})
    def post(self, request):
        scan = duplicates_refresh(by=request.user)
        # 503 with the reason when the task could not be queued (ScanSerializer's `error`).
        code = status.HTTP_503_SERVICE_UNAVAILABLE if scan.status == "failed" else 202
        return Response(ScanSerializer(scan_json(scan)).data, status=code)


class Merge(APIView):
    permission_classes = [CanImport]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(request=MergeSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        form = MergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        visible = Person.objects.visible_to(request.user)
        keep = get_object_or_404(visible, pk=form.validated_data["keep"])
        other = get_object_or_404(visible, pk=form.validated_data["merge"])
        try:
            record = person_merge(keep=keep, merge=other, by=request.user)
        except PermissionDenied as exc:
            return Response({"detail": str(exc)}, status=403)
        except (MergeRefused, ValidationError) as exc:
            return Response({"detail": " ".join(exc.messages)}, status=409)
        return Response(
            {
                "kept": record.kept_case_number,
                "merged": record.merged_case_number,
                "moved": record.moved,
                "dropped": record.dropped,
                "filled": record.filled,
            }
        )
