"""Pages for imports, duplicates and exports. Views only parse and render: the work is in
casework/importing.py, casework/merge.py and casework/exports.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.mixins import audit_page_read
from identity.reasons import shown_all

from .exports import export_persons_csv
from .import_models import IMPORT_FIELDS, BatchStatus, ImportBatch, ImportMapping
from .import_privacy import row_view
from .importing import (
    ASYNC_ROWS,
    ImportFileError,
    ImportRefused,
    commit_problems,
    describe_changes,
    import_commit,
    import_decide,
    import_preview,
    import_undo,
    undo_problems,
)
from .merge import (
    MergeRefused,
    duplicate_dismiss,
    duplicate_pairs,
    duplicate_scan,
    duplicates_refresh,
    person_merge,
)
from .models import Group, Person

ENCODINGS = [("auto", "UTF-8 / UTF-16"), ("cp1251", "Windows-1251"), ("koi8-r", "KOI8-R")]
import_right = permission_required("casework.add_person", raise_exception=True)


def batches_for(user):
    """Who sees which imports: the person who uploaded it, and admins."""
    qs = ImportBatch.objects.select_related("created_by", "group")
    if user.has_perm("casework.delete_person"):
        return qs
    return qs.filter(created_by=user)


@login_required
@import_right
def batch_list(request):
    if request.method == "POST":
        upload = request.FILES.get("file")
        mapping = ImportMapping.objects.filter(pk=request.POST.get("mapping") or None).first()
        group = Group.objects.filter(pk=request.POST.get("group") or None).first()
        if upload is None:
            messages.error(request, _("Choose a file."))
        else:
            try:
                batch = import_preview(
                    content=upload.read(),
                    file_name=upload.name,
                    mapping=mapping,
                    by=request.user,
                    source=request.POST.get("source", ""),
                    group=group,
                    group_name=request.POST.get("group_name", ""),
                    encoding=request.POST.get("encoding", "auto"),
                )
                return redirect("imports:detail", pk=batch.pk)
            except ImportFileError as exc:
                messages.error(request, str(exc))
    context = {
        # one query: the batches with their uploader and group
        "batches": batches_for(request.user)[:50],
        "mappings": ImportMapping.objects.all(),
        "groups": Group.objects.all(),
        "encodings": ENCODINGS,
    }
    return render(request, "imports/list.html", context)


@login_required
@import_right
def mapping_new(request):
    fields = [(f, label) for f, label, _req in IMPORT_FIELDS]
    if request.method == "POST":
        columns = {f: request.POST.get(f, "").strip() for f, _l in fields}
        columns = {f: h for f, h in columns.items() if h}
        name = request.POST.get("name", "").strip()
        if not name or not ({"full_name", "surname"} & set(columns)):
            messages.error(request, _("Give the mapping a name and a name column."))
        else:
            ImportMapping.objects.update_or_create(
                name=name,
                defaults={
                    "partner": request.POST.get("partner", ""),
                    "columns": columns,
                    "date_order": request.POST.get("date_order", "dmy"),
                    "created_by": request.user,
                },
            )
            return redirect("imports:list")
    return render(request, "imports/mapping.html", {"fields": fields})


def _rows_for_display(batch, user):
    rows = list(batch.rows.select_related("candidate").order_by("line_number")[:2000])
    for row in rows:
        # A restricted candidate the user may not see: "matches a record you cannot see — ask
        # an admin", without its case number, score or reasons (casework.import_privacy).
        shown = row_view(row, user)
        row.hidden_match = shown["hidden"]
        row.shown_reasons, row.shown_score = shown_all(shown["reasons"]), shown["score"]
        row.candidate_visible = row.candidate is not None and not row.hidden_match
        # What the row adds to its person, unless someone decided it is not that person.
        attached = row.candidate_visible and row.decision not in ("new", "skip")
        row.change_lines = describe_changes(row.changes) if attached else []
    return rows


@login_required
@import_right
def batch_detail(request, pk):
    batch = get_object_or_404(batches_for(request.user), pk=pk)
    rows = _rows_for_display(batch, request.user)
    audit_page_read(request, [r.candidate for r in rows if r.candidate_visible])
    context = {
        "batch": batch,
        "rows": rows,
        "problems": commit_problems(batch, request.user)
        if batch.status == BatchStatus.PREVIEWED
        else [],
        "undo_problems": undo_problems(batch) if batch.status == BatchStatus.COMMITTED else [],
    }
    return render(request, "imports/detail.html", context)


@login_required
@import_right
def batch_progress(request, pk):
    batch = get_object_or_404(batches_for(request.user), pk=pk)
    response = render(request, "imports/_progress.html", {"batch": batch})
    if not batch.is_running and request.htmx:
        response["HX-Refresh"] = "true"  # done: reload the page to show the rows
    return response


@login_required
@import_right
@require_POST
def batch_decide(request, pk):
    batch = get_object_or_404(batches_for(request.user), pk=pk)
    try:
        import_decide(
            batch=batch,
            line_number=int(request.POST.get("line_number", 0)),
            decision=request.POST.get("decision", ""),
            by=request.user,
        )
    except (ImportRefused, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("imports:detail", pk=batch.pk)


@login_required
@import_right
@require_POST
def batch_commit(request, pk):
    batch = get_object_or_404(batches_for(request.user), pk=pk)
    if batch.row_count > ASYNC_ROWS:
        problems = commit_problems(batch, request.user)
        if problems:
            messages.error(request, "; ".join(problems[:20]))
        else:
            from .tasks import import_commit_task

            user_id = request.user.pk
            transaction.on_commit(lambda: import_commit_task.delay(str(batch.pk), user_id))
            ImportBatch.objects.filter(pk=batch.pk).update(progress_done=0)
            messages.info(request, _("Importing in the background."))
        return redirect("imports:detail", pk=batch.pk)
    try:
        import_commit(batch=batch, by=request.user)
        messages.success(request, _("Imported."))
    except ImportRefused as exc:
        messages.error(request, str(exc))
    return redirect("imports:detail", pk=batch.pk)


@login_required
@import_right
@require_POST
def batch_undo(request, pk):
    batch = get_object_or_404(batches_for(request.user), pk=pk)
    try:
        import_undo(batch=batch, by=request.user)
        messages.success(request, _("The import was undone."))
    except (ImportRefused, PermissionDenied) as exc:
        messages.error(request, str(exc))
    return redirect("imports:detail", pk=batch.pk)


@login_required
@import_right
def duplicates(request):
    """The stored list (computed by a task, see merge.duplicates_compute), never computed
    here: comparing the whole record takes tens of seconds."""
    pairs = duplicate_pairs(user=request.user, limit=200)
    for pair in pairs:
        pair.shown_reasons = shown_all(pair.reasons)  # stored in English, read translated
    audit_page_read(request, [p.person_a for p in pairs] + [p.person_b for p in pairs])
    return render(request, "imports/duplicates.html", {"pairs": pairs, "scan": duplicate_scan()})


@login_required
@import_right
@require_POST
def duplicates_refresh_view(request):
    scan = duplicates_refresh(by=request.user)
    if scan.status == "failed" and scan.error:
        messages.error(request, scan.error)
    return redirect("imports:duplicates")


@login_required
@import_right
def duplicates_progress(request):
    scan = duplicate_scan()
    response = render(request, "imports/_scan_progress.html", {"scan": scan})
    if not scan.is_running and request.htmx:
        response["HX-Refresh"] = "true"  # done: reload the page to show the new list
    return response


@login_required
@permission_required("casework.change_person", raise_exception=True)
@require_POST
def merge(request):
    visible = Person.objects.visible_to(request.user)
    keep = get_object_or_404(visible, pk=request.POST.get("keep"))
    other = get_object_or_404(visible, pk=request.POST.get("merge"))
    if request.POST.get("action") == "dismiss":
        duplicate_dismiss(a=keep, b=other, by=request.user)
        messages.success(request, _("Marked as different people."))
        return redirect("imports:duplicates")
    try:
        record = person_merge(keep=keep, merge=other, by=request.user)
        messages.success(
            request,
            _("%(merged)s was merged into %(kept)s.")
            % {"merged": record.merged_case_number, "kept": record.kept_case_number},
        )
    except (MergeRefused, ValidationError) as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("imports:duplicates")


@login_required
@permission_required("casework.view_person", raise_exception=True)
def export_persons(request):
    public = request.GET.get("public") == "1"
    group = Group.objects.filter(pk=request.GET.get("group") or None).first()
    text = export_persons_csv(user=request.user, group=group, public=public)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = "persons-public.csv" if public else "persons.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
