"""API for imports, duplicates and merges (under /imports/api/). Permission: a staff role
and casework.add_person (caseworkers and admins); merges need casework.change_person.
Every person shown passes the visibility gate; a restricted match the caller may not see is
given by case number only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.audit import record_read
from accounts.roles import STAFF_ROLES, user_roles

from .access import can_see_person
from .import_models import ImportBatch, ImportMapping, ImportRow
from .import_views import batches_for
from .importing import (
    ImportFileError,
    ImportRefused,
    import_commit,
    import_decide,
    import_preview,
    import_undo,
)
from .merge import MergeRefused, duplicate_candidates, person_merge
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


def row_json(row: ImportRow, user) -> dict:
    candidate = None
    if row.candidate is not None:
        candidate = {"case_number": row.candidate.case_number}
        if can_see_person(user, row.candidate):
            candidate.update(id=str(row.candidate.pk), name=row.candidate.primary_name)
    return {
        "line_number": row.line_number,
        "outcome": row.outcome,
        "score": row.score,
        "reasons": row.reasons,
        "candidate": candidate,
        "candidate_line": row.candidate_line,
        "errors": row.errors,
        "warnings": row.warnings,
        "decision": row.decision,
        "names": row.data.get("names", []),
    }


class MappingList(APIView):
    permission_classes = [CanImport]

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

    def get(self, request):
        batches = batches_for(request.user)[:100]
        return Response(BatchSerializer(batches, many=True).data)

    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["A CSV or XLSX file is required."]}, status=400)
        mapping = None
        if request.data.get("mapping"):
            mapping = get_object_or_404(ImportMapping, pk=request.data["mapping"])
        group = None
        if request.data.get("group"):
            group = get_object_or_404(Group, pk=request.data["group"])
        try:
            batch = import_preview(
                content=upload.read(),
                file_name=upload.name,
                mapping=mapping,
                by=request.user,
                source=request.data.get("source", ""),
                group=group,
                group_name=request.data.get("group_name", ""),
                encoding=request.data.get("encoding", "auto"),
            )
        except ImportFileError as exc:
            return Response({"file": [str(exc)]}, status=400)
        return Response(BatchSerializer(batch).data, status=status.HTTP_201_CREATED)


class BatchDetail(APIView):
    permission_classes = [CanImport]

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
    action = ""

    def post(self, request, pk):
        batch = get_object_or_404(batches_for(request.user), pk=pk)
        try:
            if self.action == "decide":
                import_decide(
                    batch=batch,
                    line_number=int(request.data.get("line_number", 0)),
                    decision=request.data.get("decision", ""),
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


class Duplicates(APIView):
    permission_classes = [CanImport]

    def get(self, request):
        pairs = duplicate_candidates(user=request.user, limit=200)
        record_read(
            user=request.user,
            objects=[p[k] for p in pairs for k in ("a", "b")],
            channel="api",
            path=request.path,
        )
        return Response(
            [
                {
                    "a": person_json(p["a"]),
                    "b": person_json(p["b"]),
                    "score": p["score"],
                    "reasons": p["reasons"],
                }  # fmt: skip
                for p in pairs
            ]
        )


class Merge(APIView):
    permission_classes = [CanImport]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def post(self, request):
        visible = Person.objects.visible_to(request.user)
        keep = get_object_or_404(visible, pk=request.data.get("keep"))
        other = get_object_or_404(visible, pk=request.data.get("merge"))
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
