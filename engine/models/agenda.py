"""The agenda (when each person must next be recomputed for time alone) and the runs of a
full recompute, cut into chunks that any number of workers take."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonAgenda(models.Model):
    """The next day on which time alone changes anything the engine shows or sends for this
    person (engine.agenda.next_moment), written by every recompute. Null: no day ahead does.
    The periodic sweep recomputes the persons whose day has come, and those with no row yet,
    off the index on `next_on`."""

    computed_from_facts = True

    # The person's primary key, not a foreign key: a relation would make this row one of the
    # person's records, which a merge moves (and refuses when both persons have one) and an
    # import's undo inspects. Deleted with the person (engine.signals); a row left behind is
    # dropped by the agenda sweep.
    person_id = models.UUIDField(primary_key=True)
    next_on = models.DateField(_("next recompute on"), null=True, blank=True, db_index=True)
    computed_on = models.DateField(_("computed as of"))

    class Meta:
        verbose_name = _("agenda entry")
        verbose_name_plural = _("agenda")

    def __str__(self) -> str:
        return f"{self.person_id} {self.next_on}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    SUPERSEDED = "superseded", _("Superseded by a later run")


class RecomputeReason(models.TextChoices):
    RULE = "rule", _("A rule was changed")
    CALENDAR = "calendar", _("A calendar adjustment was changed")
    SIGNAL = "signal", _("A return-risk signal was changed")
    THRESHOLD = "threshold", _("A return-risk threshold was changed")
    NIGHTLY = "nightly", _("Nightly safety net")
    AGENDA = "agenda", _("Many persons due at once (a first start)")
    REQUESTED = "requested", _("Requested")


class RecomputeRun(models.Model):
    """One recompute of everyone (a threshold edited; the nightly safety net; a first start)
    or of the persons an edit of a rule, a signal or a calendar day can affect, cut into
    chunks of persons. Its progress is the
    share of chunks done. A run started while another is under way supersedes it: the new
    one recomputes everyone with the newest rules, so the old one's chunks not yet begun are
    skipped; a run of affected persons supersedes nothing."""

    Reason = RecomputeReason

    reason = models.CharField(_("reason"), max_length=10, choices=RecomputeReason.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    persons_total = models.PositiveIntegerField(_("persons"), default=0)
    # False: only the persons the edit can affect (engine.services.recompute_edit).
    everyone = models.BooleanField(_("everyone"), default=True)
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.reason} ({self.status})"

    @property
    def chunks_done(self) -> int:
        done = getattr(self, "done_chunks", None)  # annotated by the admin's list
        if done is None:
            done = self.chunks.filter(done_at__isnull=False).count()
        return done

    @property
    def progress_percent(self) -> int:
        if not self.chunks_total:
            return 100 if self.status == RunStatus.DONE else 0
        return min(100, int(100 * self.chunks_done / self.chunks_total))


class RecomputeChunk(models.Model):
    """The persons of a run whose primary key is > `after_id` and <= `upto_id` (null: no
    bound; the chunks of a run join end to end), or, in a run of the affected persons only,
    those listed in `person_ids`. `done_at` is set once, by the worker that
    finished them (a chunk run twice counts once)."""

    run = models.ForeignKey(RecomputeRun, on_delete=models.CASCADE, related_name="chunks")
    after_id = models.UUIDField(null=True, blank=True)
    upto_id = models.UUIDField(null=True, blank=True)
    persons = models.PositiveIntegerField(default=0)
    # A run of the affected persons only: exactly these (str ids), not a key range.
    person_ids = models.JSONField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recompute chunk")
        verbose_name_plural = _("recompute chunks")
        ordering = ["run", "pk"]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.after_id}..{self.upto_id}"
