"""Imports of partner lists, merges of duplicate persons, and pairs judged not duplicates.

An `ImportBatch` is one uploaded file: previewed row by row (`ImportRow`), then committed all
or nothing, and undoable while nobody has touched what it created. The services are in
casework/importing.py and casework/merge.py.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "BatchStatus",
    "RowOutcome",
    "RowDecision",
    "ImportMapping",
    "ImportBatch",
    "ImportRow",
    "PersonMerge",
    "DuplicateDismissal",
    "ScanStatus",
    "DuplicateScan",
    "DuplicatePair",
]


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    PREVIEWING = "previewing", _("Matching rows")
    PREVIEWED = "previewed", _("Ready to review")
    COMMITTING = "committing", _("Importing")
    COMMITTED = "committed", _("Imported")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


class ScanStatus(models.TextChoices):
    NEVER = "never", _("Not computed yet")
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Comparing persons")
    DONE = "done", _("Computed")
    FAILED = "failed", _("Failed")


class RowOutcome(models.TextChoices):
    PENDING = "pending", _("Not matched yet")
    NEW = "new", _("New person")
    MATCH = "match", _("Matches an existing person")
    DUPLICATE = "duplicate", _("Possible duplicate: needs a decision")
    ERROR = "error", _("Error")


class RowDecision(models.TextChoices):
    NONE = "", _("Not decided")
    NEW = "new", _("Create a new person")
    MATCH = "match", _("Same as the proposed person")
    SKIP = "skip", _("Do not import this row")


IMPORT_FIELDS = [
    # (field, label, required)
    ("full_name", _("Full name"), False),
    ("surname", _("Surname"), False),
    ("given_name", _("Given name"), False),
    ("patronymic", _("Patronymic"), False),
    ("other_names", _("Other names (separated by ;)"), False),
    ("born", _("Date or year of birth"), False),
    ("sex", _("Sex"), False),
    ("citizenship", _("Citizenship (ISO code)"), False),
    ("country_of_origin", _("Country of origin (ISO code)"), False),
    ("unhcr_number", _("UNHCR number"), False),
    ("ethnicity", _("Ethnicity"), False),
    ("notes", _("Notes"), False),
]


class ImportMapping(models.Model):
    """A partner's columns, saved so that their next list imports without mapping again.
    `columns` maps a Haven field (IMPORT_FIELDS) to the header of the partner's column."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    partner = models.CharField(_("partner organisation"), max_length=200, blank=True)
    columns = models.JSONField(_("columns"), default=dict)
    date_order = models.CharField(
        _("date order"),
        max_length=3,
        choices=[("dmy", "31.12.1980"), ("mdy", "12/31/1980")],
        default="dmy",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    source = models.CharField(_("source / partner"), max_length=200, blank=True)
    mapping = models.ForeignKey(
        ImportMapping, on_delete=models.SET_NULL, null=True, blank=True, related_name="batches"
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    group = models.ForeignKey(
        "casework.Group",
        verbose_name=_("add to group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
    )
    group_name = models.CharField(
        _("new group"), max_length=200, blank=True, help_text=_("Created when committed.")
    )
    group_created = models.BooleanField(default=False)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(_("rows by outcome"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.created_at:%Y-%m-%d %H:%M} ({self.row_count} rows)"

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status not in (BatchStatus.QUEUED,) else 0
        return min(100, int(100 * self.progress_done / self.progress_total))

    @property
    def is_running(self) -> bool:
        return self.status in (BatchStatus.QUEUED, BatchStatus.PREVIEWING, BatchStatus.COMMITTING)


class ImportRow(models.Model):
    id = models.BigAutoField(primary_key=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    line_number = models.PositiveIntegerField(_("line"))
    data = models.JSONField(_("values"), default=dict)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=RowOutcome.choices, default=RowOutcome.PENDING
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    reasons = models.JSONField(_("why"), default=list, blank=True)
    candidate = models.ForeignKey(
        "casework.Person",
        verbose_name=_("proposed person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    candidate_line = models.PositiveIntegerField(
        _("same as line"), null=True, blank=True, help_text=_("An earlier row of the same file.")
    )
    errors = models.JSONField(_("errors"), default=list, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    decision = models.CharField(
        _("decision"), max_length=5, choices=RowDecision.choices, blank=True, default=""
    )
    # What the commit did, so that it can be undone.
    person = models.ForeignKey(
        "casework.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_rows",
    )
    person_created = models.BooleanField(default=False)
    # For a row matched to an existing person: what the row adds to that person, where the
    # person had no value ("fill": {field: value}, "names": [...]), what it would have
    # overwritten and so leaves alone ("conflicts"); after the commit also the values it
    # replaced ("before", for undo) and fills that the person got meanwhile ("skipped").
    changes = models.JSONField(_("changes to the matched person"), default=dict, blank=True)
    created_name_ids = models.JSONField(default=list, blank=True)
    membership_id = models.UUIDField(null=True, blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["batch", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "line_number"], name="importrow_unique_line"),
        ]

    def __str__(self) -> str:
        return f"line {self.line_number}"

    @property
    def needs_decision(self) -> bool:
        return self.outcome == RowOutcome.DUPLICATE and not self.decision


class PersonMerge(models.Model):
    """One merge: `merged_case_number` was folded into `kept`, by whom and when, and what
    moved or was dropped as a duplicate."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kept = models.ForeignKey(
        "casework.Person",
        on_delete=models.SET_NULL,
        null=True,
        related_name="merges",
        verbose_name=_("kept person"),
    )
    kept_case_number = models.CharField(_("kept case number"), max_length=20)
    merged_case_number = models.CharField(_("merged case number"), max_length=20)
    merged_person_id = models.UUIDField(_("merged person id"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    moved = models.JSONField(_("moved"), default=dict, blank=True)
    dropped = models.JSONField(_("dropped as duplicates"), default=list, blank=True)
    filled = models.JSONField(_("fields filled from the merged person"), default=list, blank=True)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.merged_case_number} -> {self.kept_case_number}"


class DuplicateDismissal(models.Model):
    """Two persons someone checked and found to be different people: not proposed again.
    Stored with person_a < person_b so that a pair has one row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person_a = models.ForeignKey("casework.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("casework.Person", on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pair judged not a duplicate")
        verbose_name_plural = _("pairs judged not duplicates")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="dismissal_unique"),
            models.CheckConstraint(condition=~Q(person_a=F("person_b")), name="dismissal_not_self"),
        ]

    def __str__(self) -> str:
        return "not a duplicate"


class DuplicateScan(models.Model):
    """The state of the stored list of likely duplicates: one row (pk 1). Comparing the whole
    record takes tens of seconds at 100,000 persons, so a task computes the list (on a
    schedule, or when someone asks) and the page reads what it stored. Claimed with a
    compare-and-set on `status`, so two workers never compute it at once; a scan whose
    `heartbeat_at` is older than `STALE_AFTER` died with its worker and may be claimed again.
    """

    STALE_AFTER_SECONDS = 5 * 60

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=ScanStatus.choices, default=ScanStatus.NEVER
    )
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=100)
    pair_count = models.PositiveIntegerField(_("pairs found"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("duplicate scan")
        verbose_name_plural = _("duplicate scans")

    def __str__(self) -> str:
        return f"duplicate scan ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (ScanStatus.QUEUED, ScanStatus.RUNNING)

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, int(100 * self.progress_done / self.progress_total))


class DuplicatePair(models.Model):
    """One likely duplicate pair found by the last scan, stored with person_a < person_b (as
    text, like DuplicateDismissal). CASCADE: a person merged away or deleted takes its pairs
    with it at once. related_name "+" keeps these rows out of what a merge moves and what
    blocks an undo (both walk Person's visible relations)."""

    id = models.BigAutoField(primary_key=True)
    person_a = models.ForeignKey("casework.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("casework.Person", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("why"), default=list, blank=True)

    class Meta:
        verbose_name = _("likely duplicate pair")
        verbose_name_plural = _("likely duplicate pairs")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicatepair_unique"),
        ]
        indexes = [models.Index(fields=["-score"], name="duplicatepair_score")]

    def __str__(self) -> str:
        return "likely duplicate pair"
