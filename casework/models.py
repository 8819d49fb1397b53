"""The case record: the facts Haven knows about persons at risk of return.

Every model keeps its history (django-simple-history: who, when, before and after). Every
primary key is a UUID so that URLs carry opaque ids, never names. Constraints that must hold
are in the database, not only in forms: a form can be bypassed, a constraint cannot.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from identity.folding import detect_script, name_key, name_tokens, search_key

# ---------------------------------------------------------------------------------------------
# Choices
# ---------------------------------------------------------------------------------------------


class DatePrecision(models.TextChoices):
    DAY = "day", _("Exact day")
    MONTH = "month", _("Month only")
    YEAR = "year", _("Year only")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class PersonStatus(models.TextChoices):
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    REFUGEE_STATE = "refugee_state", _("Refugee recognised by the state")
    REFUGEE_MANDATE = "refugee_mandate", _("Refugee under UNHCR mandate")
    REJECTED = "rejected", _("Rejected")
    DETAINED = "detained", _("Detained")
    RELEASED = "released", _("Released")
    RETURNED = "returned", _("Returned")
    RESETTLED = "resettled", _("Resettled in a third country")
    DISAPPEARED = "disappeared", _("Disappeared")


class Consent(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("Normal")
    RESTRICTED = "restricted", _("Restricted to assigned staff")


class Script(models.TextChoices):
    LATIN = "latin", _("Latin")
    CYRILLIC = "cyrillic", _("Cyrillic")
    UZBEK_LATIN = "uzbek_latin", _("Uzbek Latin")
    OTHER = "other", _("Other")


class RelationshipKind(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other relative")


class FacilityKind(models.TextChoices):
    DETENTION_CENTRE = "detention_centre", _("Detention centre")
    SIZO = "sizo", _("Pre-trial prison (SIZO)")
    MIGRATION_CENTRE = "migration_centre", _("Migration centre")
    POLICE_STATION = "police_station", _("Police station")
    CAMP = "camp", _("Camp")
    PSYCHIATRIC_HOSPITAL = "psychiatric_hospital", _("Psychiatric hospital")
    PRISON = "prison", _("Prison")
    OTHER = "other", _("Other")


class LegalBasis(models.TextChoices):
    EXTRADITION_ARREST = "extradition_arrest", _("Extradition arrest")
    IMMIGRATION = "immigration", _("Immigration detention")
    CRIMINAL = "criminal", _("Criminal")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class TriState(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class GroupEventKind(models.TextChoices):
    DETAINED = "detained", _("Detained")
    TRANSFERRED = "transferred", _("Transferred")
    RELEASED = "released", _("Released")
    RETURNED = "returned", _("Returned")
    THREATENED = "threatened", _("Detention or removal requested")
    OTHER = "other", _("Other")


class ExtraditionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXECUTED = "executed", _("Executed")


class AsylumAuthorityKind(models.TextChoices):
    STATE = "state", _("National migration authority")
    UNHCR = "unhcr", _("UNHCR (mandate)")


class AsylumDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    EXCLUDED = "excluded", _("Refused under an exclusion clause")
    REVOKED = "revoked", _("Status revoked")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AsylumProcedure(models.TextChoices):
    """Which procedure decided the claim, where the law gives each its own appeal period
    (Turkey: LFIP art. 80(1) gives 15 days against an accelerated or inadmissibility decision,
    30 against a regular one). Not recorded: the engine shows the shorter period, flagged."""

    NOT_RECORDED = "", _("Not recorded")
    REGULAR = "regular", _("Regular procedure")
    ACCELERATED = "accelerated", _("Accelerated procedure")
    INADMISSIBLE = "inadmissible", _("Found inadmissible")


class RemovalKind(models.TextChoices):
    DEPORTATION = "deportation", _("Deportation")
    EXPULSION = "expulsion", _("Administrative expulsion")
    OTHER = "other", _("Other")


class CourtLevel(models.TextChoices):
    DISTRICT = "district", _("District court")
    REGIONAL = "regional", _("Regional / city court")
    APPEAL = "appeal", _("Appeal court")
    CASSATION = "cassation", _("Cassation court")
    SUPREME = "supreme", _("Supreme court")
    OTHER = "other", _("Other")


class AppealOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    GRANTED = "granted", _("Granted")
    REJECTED = "rejected", _("Rejected")
    REMITTED = "remitted", _("Sent back for a new decision")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InterimBody(models.TextChoices):
    CAT = "cat", _("UN Committee against Torture")
    HRC = "hrc", _("UN Human Rights Committee")
    ECTHR = "ecthr", _("European Court of Human Rights")
    OTHER = "other", _("Other")


class InterimStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted, in force")
    REFUSED = "refused", _("Refused")
    LIFTED = "lifted", _("Lifted")


class ReturnKind(models.TextChoices):
    EXTRADITED = "extradited", _("Extradited")
    DEPORTED = "deported", _("Deported")
    ABDUCTED = "abducted", _("Abducted")
    OTHER = "other", _("Other")


class PostReturnKind(models.TextChoices):
    INCOMMUNICADO = "incommunicado", _("Held incommunicado")
    CHARGED = "charged", _("Charged")
    SENTENCED = "sentenced", _("Sentenced")
    TORTURE_REPORTED = "torture_reported", _("Torture or ill-treatment reported")
    RELEASED = "released", _("Released")
    DISAPPEARED = "disappeared", _("Disappeared")
    OTHER = "other", _("Other")


# ---------------------------------------------------------------------------------------------
# Base
# ---------------------------------------------------------------------------------------------


class Record(models.Model):
    """Common columns: an opaque id for URLs and the moments the row was made and changed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def _not_before(later: str, earlier: str, name: str) -> models.CheckConstraint:
    """`later` may be empty, or on/after `earlier` (when both are known)."""
    return models.CheckConstraint(
        condition=Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)}),
        name=name,
        violation_error_message=_("%(later)s cannot be before %(earlier)s.")
        % {"later": later.replace("_", " "), "earlier": earlier.replace("_", " ")},
    )


# ---------------------------------------------------------------------------------------------
# Persons, names, relationships, groups
# ---------------------------------------------------------------------------------------------


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> PersonQuerySet:
        """The single gate for every read of persons (and, through `person__in`, of their
        facts). Restricted persons are visible only to their assigned caseworker and lawyer
        and to admins; anonymous and role-less users see nothing (default deny)."""
        from casework.access import person_visibility_q

        return self.filter(person_visibility_q(user))

    def search(self, text: str) -> PersonQuerySet:
        """Persons any of whose names matches `text` in any script (see names.py)."""
        from .names import search_persons

        return search_persons(self, text)


class Person(Record):
    case_number = models.CharField(
        _("case number"),
        max_length=20,
        unique=True,
        editable=False,
        help_text=_("A non-identifying reference, safe to use where a name must not appear."),
    )
    born_on = models.DateField(_("date of birth"), null=True, blank=True)
    born_on_precision = models.CharField(
        _("date of birth known to"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("Often only the year is known: store 1 January of it with 'Year only'."),
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    citizenship = models.CharField(
        _("citizenship"), max_length=2, blank=True, help_text=_("ISO 3166 code, e.g. UZ.")
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=100, blank=True)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Comma-separated, e.g. uz, ru.")
    )
    unhcr_number = models.CharField(
        _("UNHCR registration number"), max_length=50, null=True, blank=True, unique=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PersonStatus.choices, default=PersonStatus.ASYLUM_SEEKER
    )
    alleged_affiliation = models.TextField(
        _("alleged affiliation or charges in the country of origin"), blank=True
    )
    country_of_origin = models.CharField(_("country of origin"), max_length=2, blank=True)
    consent_to_be_named = models.CharField(
        _("consent to be named publicly"),
        max_length=10,
        choices=Consent.choices,
        default=Consent.UNKNOWN,
    )
    consent_recorded_on = models.DateField(_("consent recorded on"), null=True, blank=True)
    consent_given_by = models.CharField(_("consent given by"), max_length=200, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=10,
        choices=Confidentiality.choices,
        default=Confidentiality.NORMAL,
    )
    assigned_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned caseworker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caseworker_persons",
    )
    assigned_lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned lawyer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lawyer_persons",
    )
    description = models.CharField(
        _("public description"),
        max_length=200,
        blank=True,
        help_text=_("How to describe this person without naming them, e.g. 'an ethnic Uzbek man'."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # Denormalised from the primary PersonName for lists and sorting; kept by PersonName.save.
    primary_name = models.CharField(_("name"), max_length=300, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["primary_name", "case_number"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(consent_to_be_named="yes") | Q(consent_recorded_on__isnull=False),
                name="person_consent_yes_has_date",
                violation_error_message=_("Consent 'yes' needs the date it was given."),
            ),
            models.CheckConstraint(
                condition=Q(unhcr_number__isnull=True) | ~Q(unhcr_number=""),
                name="person_unhcr_number_not_blank",
            ),
        ]
        indexes = [
            # The few persons not everyone sees: counts of what a user may see are "all,
            # less these" (engine.selectors.board_level_counts), not a join over everyone.
            models.Index(
                fields=["id"], condition=~Q(confidentiality="normal"), name="person_restricted"
            ),
        ]

    def __str__(self) -> str:
        # Never a name: __str__ ends up in logs, admin messages and error reports.
        return self.case_number or str(self.id)

    def save(self, *args, **kwargs):
        if not self.case_number:
            self.case_number = _next_case_number()
        if self.unhcr_number == "":
            self.unhcr_number = None
        super().save(*args, **kwargs)

    @property
    def is_restricted(self) -> bool:
        return self.confidentiality == Confidentiality.RESTRICTED

    @property
    def may_be_named(self) -> bool:
        return self.consent_to_be_named == Consent.YES

    @property
    def birth_year(self) -> int | None:
        return self.born_on.year if self.born_on else None


def _next_case_number() -> str:
    """HV-<year>-<random>: unique by constraint, unguessable, says nothing about the person.
    Ten hex digits: with six, a collision is about even odds by ~5,000 persons a year."""
    return f"HV-{date.today():%Y}-{uuid.uuid4().hex[:10].upper()}"


class PersonName(Record):
    """One name a person is known by, in one script. Abdullaev, Abdullayev and Абдуллаев are
    three rows of one person; `search_key` folds them to one comparable form."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    full_name = models.CharField(_("full name"), max_length=300)
    script = models.CharField(_("script"), max_length=12, choices=Script.choices, blank=True)
    is_primary = models.BooleanField(_("primary name"), default=False)
    search_key = models.CharField(max_length=300, editable=False, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("name")
        verbose_name_plural = _("names")
        ordering = ["-is_primary", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_primary=True),
                name="personname_one_primary_per_person",
                violation_error_message=_("A person has one primary name."),
            ),
            models.UniqueConstraint(
                fields=["person", "full_name"],
                name="personname_unique_per_person",
                violation_error_message=_("This person already has this name."),
            ),
            models.CheckConstraint(condition=~Q(full_name=""), name="personname_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.person.case_number} name"

    def save(self, *args, **kwargs):
        self.full_name = " ".join(self.full_name.split())
        self.search_key = search_key(self.full_name)
        if not self.script:
            self.script = detect_script(self.full_name)
        super().save(*args, **kwargs)
        NameToken.objects.filter(name_id=self.pk).delete()
        NameToken.objects.bulk_create(NameToken.of(self))
        if self.is_primary or not self.person.primary_name:
            Person.objects.filter(pk=self.person_id).update(primary_name=self.full_name)
            self.person.primary_name = self.full_name


class NameToken(models.Model):
    """One folded token of a PersonName with its equality key (identity.folding.name_key),
    written whenever the name is. The consent gate and the search look names up here by key
    equality (an index), instead of reading every name: a text is checked against 100,000
    persons with one indexed query."""

    name = models.ForeignKey(PersonName, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=100)
    key = models.CharField(max_length=100, db_index=True)
    position = models.PositiveSmallIntegerField()
    tokens_in_name = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("name token")
        verbose_name_plural = _("name tokens")
        # The consent gate groups the tokens of a text's keys by name: from this index alone
        # (an index-only scan once vacuumed), without visiting the table.
        indexes = [models.Index(fields=["key", "name"], name="nametoken_key_name")]

    def __str__(self) -> str:
        return "name token"

    @classmethod
    def of(cls, name: PersonName) -> list[NameToken]:
        """The unsaved tokens of one name (its pk set)."""
        tokens = [t[:100] for t in name_tokens(name.full_name)]
        return [
            cls(
                name_id=name.pk,
                token=t,
                key=name_key(t)[:100],
                position=i,
                tokens_in_name=len(tokens),
            )
            for i, t in enumerate(tokens)
        ]


class Relationship(Record):
    """`person` is the `kind` of `relative`: (A, child, B) reads "A is the child of B"."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    kind = models.CharField(_("relationship"), max_length=10, choices=RelationshipKind.choices)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=F("relative")),
                name="relationship_not_self",
                violation_error_message=_("A person cannot be their own relative."),
            ),
            models.UniqueConstraint(
                fields=["person", "relative", "kind"], name="relationship_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.kind} {self.relative}"


class Group(Record):
    """A cohort acted on together ("29 men detained in Osh"). Its estimated size may exceed
    its known members: the caseworker logs the group before every name is known."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    estimated_size = models.PositiveIntegerField(_("estimated size"), null=True, blank=True)
    public_description = models.CharField(
        _("public description"),
        max_length=200,
        blank=True,
        help_text=_("How public documents describe the group, e.g. '29 ethnic Uzbek men'."),
    )
    members = models.ManyToManyField(
        Person, through="GroupMembership", related_name="groups", blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="group_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(Record):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    added_on = models.DateField(_("added on"), default=date.today)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="groupmembership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.group} / {self.person}"


class Facility(Record):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=25, choices=FacilityKind.choices)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code."))
    address = models.TextField(_("address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["country", "city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "city", "country"], name="facility_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name


class GroupEvent(Record):
    """Something that happened to a whole group at once, logged before names are known
    ("29 men moved from the camp to the detention centre in Osh")."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=15, choices=GroupEventKind.choices)
    occurred_on = models.DateField(_("occurred on"))
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, null=True, blank=True
    )
    estimated_count = models.PositiveIntegerField(_("how many"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group event")
        verbose_name_plural = _("group events")
        ordering = ["-occurred_on"]

    def __str__(self) -> str:
        return f"{self.group}: {self.kind} {self.occurred_on}"


# ---------------------------------------------------------------------------------------------
# Detention and welfare
# ---------------------------------------------------------------------------------------------


class Detention(Record):
    """One stay in one place. A transfer ends this detention and starts a new one."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="detentions")
    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, null=True, blank=True
    )
    started_on = models.DateField(_("detained on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.UNKNOWN
    )
    ordering_authority = models.CharField(_("ordering authority"), max_length=200, blank=True)
    authorised_until = models.DateField(
        _("authorised until"),
        null=True,
        blank=True,
        help_text=_("The term set by the court; extended at hearings."),
    )
    incommunicado = models.BooleanField(_("held incommunicado"), default=False)
    lawyer_access = models.CharField(
        _("access to a lawyer"), max_length=7, choices=TriState.choices, default=TriState.UNKNOWN
    )
    health_concerns = models.TextField(_("health concerns"), blank=True)
    transferred_from = models.ForeignKey(
        "self",
        verbose_name=_("transferred from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transferred_to",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("detention")
        verbose_name_plural = _("detentions")
        ordering = ["-started_on"]
        constraints = [
            _not_before("ended_on", "started_on", "detention_end_not_before_start"),
            _not_before("authorised_until", "started_on", "detention_term_not_before_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} detention {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class WelfareCheck(Record):
    """A dated observation by a caseworker. The last one with confirmed contact drives the
    'no contact for N days' alert."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="welfare_checks")
    detention = models.ForeignKey(
        Detention, on_delete=models.SET_NULL, null=True, blank=True, related_name="welfare_checks"
    )
    observed_at = models.DateTimeField(_("observed at"))
    contact_confirmed = models.BooleanField(
        _("contact confirmed"),
        default=True,
        help_text=_("Someone saw or spoke to the person (not a rumour or a refused visit)."),
    )
    seen_by = models.CharField(_("seen by"), max_length=200, blank=True)
    condition = models.TextField(_("condition"), blank=True)
    transfer_reported = models.BooleanField(_("transfer reported"), default=False)
    family_visit_refused = models.BooleanField(_("family visit refused"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("welfare check")
        verbose_name_plural = _("welfare checks")
        ordering = ["-observed_at"]

    def __str__(self) -> str:
        return f"{self.person} welfare {self.observed_at:%Y-%m-%d}"


# ---------------------------------------------------------------------------------------------
# Proceedings
# ---------------------------------------------------------------------------------------------


class ExtraditionRequest(Record):
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="extradition_requests"
    )
    requesting_state = models.CharField(_("requesting state"), max_length=2)
    requested_state = models.CharField(_("requested state"), max_length=2)
    charges = models.TextField(_("charges"), blank=True)
    charge_articles = models.CharField(_("articles"), max_length=300, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    arrested_on = models.DateField(_("arrested on"), null=True, blank=True)
    deciding_authority = models.CharField(
        _("deciding authority"), max_length=200, blank=True, default=""
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExtraditionStatus.choices,
        default=ExtraditionStatus.PENDING,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    diplomatic_assurances = models.BooleanField(_("diplomatic assurances offered"), default=False)
    # The moment, not only the day: the ECtHR's last useful moment counts working hours back
    # from it (engine/rule39.py).
    scheduled_removal_at = models.DateTimeField(
        _("scheduled removal (date and time)"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("extradition request")
        verbose_name_plural = _("extradition requests")
        ordering = ["-received_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requesting_state=F("requested_state")),
                name="extradition_states_differ",
                violation_error_message=_("The requesting and requested states must differ."),
            ),
            _not_before("notified_on", "decided_on", "extradition_notified_after_decision"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "withdrawn"]) | Q(decided_on__isnull=False),
                name="extradition_decision_has_date",
                violation_error_message=_("A decided request needs the date of the decision."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} extradition {self.requesting_state}->{self.requested_state}"


class AsylumClaim(Record):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="asylum_claims")
    authority_kind = models.CharField(
        _("authority"), max_length=5, choices=AsylumAuthorityKind.choices
    )
    authority_name = models.CharField(_("authority name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2)
    lodged_on = models.DateField(_("lodged on"), null=True, blank=True)
    interviewed_on = models.DateField(_("interviewed on"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=AsylumDecision.choices, default=AsylumDecision.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    procedure = models.CharField(
        _("procedure"),
        max_length=12,
        choices=AsylumProcedure.choices,
        default=AsylumProcedure.NOT_RECORDED,
        blank=True,
        help_text=_(
            "Regular, accelerated or inadmissibility decision, where the appeal period "
            "depends on it (Turkey). Not recorded: the shorter period is shown."
        ),
    )
    grounds = models.TextField(_("grounds"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("asylum claim")
        verbose_name_plural = _("asylum claims")
        ordering = ["-lodged_on"]
        constraints = [
            _not_before("decided_on", "lodged_on", "asylum_decided_after_lodged"),
            _not_before("notified_on", "decided_on", "asylum_notified_after_decision"),
            models.CheckConstraint(
                condition=Q(decision__in=["pending", "withdrawn"]) | Q(decided_on__isnull=False),
                name="asylum_decision_has_date",
                violation_error_message=_("A decision needs the date it was made."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} asylum {self.country}"


class RemovalOrder(Record):
    """A deportation or expulsion order (distinct from extradition)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="removal_orders")
    kind = models.CharField(_("kind"), max_length=12, choices=RemovalKind.choices)
    country = models.CharField(_("issuing country"), max_length=2)
    destination_country = models.CharField(_("destination"), max_length=2, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    scheduled_removal_on = models.DateField(_("scheduled removal on"), null=True, blank=True)
    scheduled_removal_at = models.DateTimeField(
        _("scheduled removal (date and time)"), null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("removal order")
        verbose_name_plural = _("removal orders")
        ordering = ["-issued_on"]
        constraints = [
            _not_before("notified_on", "issued_on", "removal_notified_after_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.person} removal {self.issued_on}"


class Appeal(Record):
    """An appeal against exactly one thing: an extradition decision, an asylum decision, a
    detention or removal order, or a lower appeal. The database enforces the 'exactly one'."""

    TARGET_FIELDS = (
        "extradition_request",
        "asylum_claim",
        "detention",
        "removal_order",
        "lower_appeal",
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="appeals")
    extradition_request = models.ForeignKey(
        ExtraditionRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="appeals"
    )
    asylum_claim = models.ForeignKey(
        AsylumClaim, on_delete=models.CASCADE, null=True, blank=True, related_name="appeals"
    )
    detention = models.ForeignKey(
        Detention, on_delete=models.CASCADE, null=True, blank=True, related_name="appeals"
    )
    removal_order = models.ForeignKey(
        RemovalOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="appeals"
    )
    lower_appeal = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="higher_appeals"
    )
    court = models.CharField(_("court"), max_length=200)
    court_level = models.CharField(
        _("court level"), max_length=10, choices=CourtLevel.choices, default=CourtLevel.DISTRICT
    )
    country = models.CharField(_("country"), max_length=2)
    lodged_on = models.DateField(_("lodged on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=AppealOutcome.choices, default=AppealOutcome.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lawyer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-lodged_on"]
        constraints = [
            models.CheckConstraint(
                # Exactly one target: the sum of "is set" over the five columns is 1.
                condition=(
                    Q(
                        extradition_request__isnull=False,
                        asylum_claim__isnull=True,
                        detention__isnull=True,
                        removal_order__isnull=True,
                        lower_appeal__isnull=True,
                    )
                    | Q(
                        extradition_request__isnull=True,
                        asylum_claim__isnull=False,
                        detention__isnull=True,
                        removal_order__isnull=True,
                        lower_appeal__isnull=True,
                    )
                    | Q(
                        extradition_request__isnull=True,
                        asylum_claim__isnull=True,
                        detention__isnull=False,
                        removal_order__isnull=True,
                        lower_appeal__isnull=True,
                    )
                    | Q(
                        extradition_request__isnull=True,
                        asylum_claim__isnull=True,
                        detention__isnull=True,
                        removal_order__isnull=False,
                        lower_appeal__isnull=True,
                    )
                    | Q(
                        extradition_request__isnull=True,
                        asylum_claim__isnull=True,
                        detention__isnull=True,
                        removal_order__isnull=True,
                        lower_appeal__isnull=False,
                    )
                ),
                name="appeal_exactly_one_target",
                violation_error_message=_(
                    "An appeal is against exactly one thing: an extradition decision, an asylum "
                    "decision, a detention, a removal order or a lower appeal."
                ),
            ),
            models.CheckConstraint(
                condition=Q(lower_appeal__isnull=True) | ~Q(lower_appeal=F("id")),
                name="appeal_not_against_itself",
            ),
            _not_before("decided_on", "lodged_on", "appeal_decided_after_lodged"),
            _not_before("notified_on", "decided_on", "appeal_notified_after_decision"),
            models.CheckConstraint(
                condition=Q(outcome__in=["pending", "withdrawn"]) | Q(decided_on__isnull=False),
                name="appeal_outcome_has_date",
                violation_error_message=_("An outcome needs the date of the decision."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} appeal {self.court_level}"

    @property
    def target(self):
        """The one thing this appeal is against."""
        for name in self.TARGET_FIELDS:
            if getattr(self, f"{name}_id"):
                return getattr(self, name)
        return None

    @property
    def target_kind(self) -> str | None:
        for name in self.TARGET_FIELDS:
            if getattr(self, f"{name}_id"):
                return name
        return None


class Hearing(Record):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="hearings")
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["held_on"]

    def __str__(self) -> str:
        return f"hearing {self.held_on}"


class InterimMeasure(Record):
    """A stay of removal requested from a UN treaty body or the ECtHR. The communication's
    own dates (transmission to the state, the Committee's decision) are kept here because the
    deadlines for the state's observations and follow-up count from them."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="interim_measures")
    body = models.CharField(_("body"), max_length=5, choices=InterimBody.choices)
    case_number = models.CharField(_("case / communication number"), max_length=100, blank=True)
    respondent_state = models.CharField(_("respondent state"), max_length=2)
    requested_on = models.DateField(_("requested on"), null=True, blank=True)
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InterimStatus.choices, default=InterimStatus.REQUESTED
    )
    complaint_transmitted_on = models.DateField(
        _("complaint transmitted to the state on"), null=True, blank=True
    )
    decision_on = models.DateField(
        _("committee's decision on the merits on"), null=True, blank=True
    )
    decision_transmitted_on = models.DateField(
        _("decision transmitted to the state on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the Committee transmitted its decision or Views: the state's follow-up "
            "period counts from it. Empty: counted from the decision's adoption."
        ),
    )
    state_response = models.TextField(
        _("state's response"), blank=True, help_text=_("E.g. contests admissibility.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("interim measure")
        verbose_name_plural = _("interim measures")
        ordering = ["-requested_on"]
        constraints = [
            _not_before("granted_on", "requested_on", "interim_granted_after_request"),
            _not_before("lifted_on", "granted_on", "interim_lifted_after_grant"),
            _not_before(
                "decision_transmitted_on", "decision_on", "interim_decision_transmitted_after"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["granted", "lifted"]) | Q(granted_on__isnull=False),
                name="interim_granted_has_date",
                violation_error_message=_("A granted measure needs the date it was granted."),
            ),
            models.CheckConstraint(
                condition=~Q(status="lifted") | Q(lifted_on__isnull=False),
                name="interim_lifted_has_date",
                violation_error_message=_("A lifted measure needs the date it was lifted."),
            ),
            models.UniqueConstraint(
                fields=["person", "body", "case_number"],
                condition=~Q(case_number=""),
                name="interim_unique_case_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} interim {self.body} {self.case_number}"

    def in_force_on(self, day: date) -> bool:
        """Granted on or before `day` and not lifted by then."""
        return (
            self.granted_on is not None
            and self.granted_on <= day
            and (self.lifted_on is None or self.lifted_on > day)
        )


class Reaffirmation(Record):
    measure = models.ForeignKey(
        InterimMeasure, on_delete=models.CASCADE, related_name="reaffirmations"
    )
    reaffirmed_on = models.DateField(_("reaffirmed on"))
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reaffirmation")
        verbose_name_plural = _("reaffirmations")
        ordering = ["reaffirmed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "reaffirmed_on"], name="reaffirmation_unique_day"
            ),
        ]

    def __str__(self) -> str:
        return f"reaffirmed {self.reaffirmed_on}"


# ---------------------------------------------------------------------------------------------
# Returns
# ---------------------------------------------------------------------------------------------


class Return(Record):
    """The person was extradited, deported or abducted. Returns are evidence of risk for
    everyone else: a state that returned people despite interim measures will do it again."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="return_record")
    kind = models.CharField(_("kind"), max_length=10, choices=ReturnKind.choices)
    returned_on = models.DateField(_("returned on"))
    returned_on_precision = models.CharField(
        _("date known to"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    from_country = models.CharField(_("from"), max_length=2)
    destination_country = models.CharField(_("to"), max_length=2)
    how_learned = models.TextField(_("how we learned of it"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-returned_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_country=F("destination_country")),
                name="return_countries_differ",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} returned {self.returned_on}"


class PostReturnReport(Record):
    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField(_("reported on"))
    kind = models.CharField(_("what was reported"), max_length=20, choices=PostReturnKind.choices)
    details = models.TextField(_("details"), blank=True)
    sentence_years = models.DecimalField(
        _("sentence (years)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post-return report")
        verbose_name_plural = _("post-return reports")
        ordering = ["reported_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sentence_years__isnull=True) | Q(sentence_years__gt=0),
                name="postreturn_sentence_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"post-return {self.kind} {self.reported_on}"


# Import batches and their rows live in their own module (issue: import lists).
from .import_models import *  # noqa: E402,F401,F403
