"""The admin for the case record.

Every model keeps its history (SimpleHistoryAdmin: who changed what, and when). Every
queryset goes through casework.access, so even an admin page shows a restricted person only
to their assigned staff and to admins, and opening a restricted record is logged. Persons are
found by any of their names in any script; everywhere else a person shows as their case
number, never a name.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.audit import record_read
from accounts.roles import is_admin

from . import models as m
from .access import PERSON_PATH, person_visibility_q, visible
from .forms import CheckedModelForm
from .names import search_persons


def persons_named(term: str):
    """Ids of the persons one of whose names matches `term` (any script)."""
    return search_persons(m.Person.objects.all(), term).values("pk")


class CaseworkAdmin(SimpleHistoryAdmin):
    """Rows narrowed to what the user may see; reads of restricted records logged; a search
    term also matches the person's names (`person_path` says how to reach the person)."""

    person_path: str | None = "person"
    list_per_page = 50
    # The pages' and the API's checks (casework.validation) here too: an admin page must not
    # be the one way to record a welfare check next week or "Uzbekistan" for a country.
    form = CheckedModelForm

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return visible(queryset, request.user) if self.person_path is not None else queryset

    def get_search_results(self, request, queryset, search_term):
        matched, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term and self.person_path is not None:
            lookup = f"{self.person_path}__in" if self.person_path else "pk__in"
            matched = matched | queryset.filter(**{lookup: persons_named(search_term)})
        return matched, may_have_duplicates

    def history_view(self, request, object_id, extra_context=None):
        # simple_history falls back to the historical rows when the object is not in
        # get_queryset(): without this check a restricted record's history would show.
        self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _require_visible(self, request, object_id) -> None:
        # Admins also see the history of deleted records; everyone else only of visible ones.
        if self.person_path is None or is_admin(request.user):
            return
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and self.person_path is not None:
            record_read(user=request.user, objects=[obj], channel="admin", path=request.path)
        return obj


class PersonScopedInline:
    """Inline rows are facts of the person on the page; the person is already checked."""

    extra = 0
    show_change_link = True
    form = CheckedModelForm


# --- inlines on the person -------------------------------------------------------------------


class OnePrimaryNameFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        primaries = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_primary") and not form.cleaned_data.get("DELETE")
        ]
        if len(primaries) > 1:
            # Caught here, not by the database: the constraint would turn it into a 500.
            raise ValidationError(_("Only one name can be the primary name."))


class PersonNameInline(PersonScopedInline, admin.TabularInline):
    model = m.PersonName
    formset = OnePrimaryNameFormSet
    fields = ("full_name", "script", "is_primary")
    extra = 1
    show_change_link = False


class RelationshipInline(PersonScopedInline, admin.TabularInline):
    model = m.Relationship
    fk_name = "person"
    fields = ("kind", "relative", "notes")
    autocomplete_fields = ("relative",)

    def get_queryset(self, request):
        # A relationship to a restricted relative would reveal that the relative exists.
        return super().get_queryset(request).filter(person_visibility_q(request.user, "relative"))


class GroupMembershipInline(PersonScopedInline, admin.TabularInline):
    model = m.GroupMembership
    fields = ("group", "added_on")
    autocomplete_fields = ("group",)


class DetentionInline(PersonScopedInline, admin.TabularInline):
    model = m.Detention
    fields = ("facility", "started_on", "ended_on", "legal_basis", "authorised_until")
    autocomplete_fields = ("facility",)


class WelfareCheckInline(PersonScopedInline, admin.TabularInline):
    model = m.WelfareCheck
    fields = ("observed_at", "contact_confirmed", "seen_by", "transfer_reported")


class ExtraditionRequestInline(PersonScopedInline, admin.TabularInline):
    model = m.ExtraditionRequest
    fields = (
        "requesting_state", "requested_state", "status", "decided_on", "notified_on",
        "scheduled_removal_at",
    )  # fmt: skip


class AsylumClaimInline(PersonScopedInline, admin.TabularInline):
    model = m.AsylumClaim
    fields = (
        "authority_kind", "country", "lodged_on", "decision", "decided_on", "notified_on",
        "procedure",
    )  # fmt: skip


class RemovalOrderInline(PersonScopedInline, admin.TabularInline):
    model = m.RemovalOrder
    fields = (
        "kind", "country", "destination_country", "issued_on", "notified_on",
        "scheduled_removal_on", "scheduled_removal_at",
    )  # fmt: skip


class AppealInline(PersonScopedInline, admin.TabularInline):
    # Read-only here: an appeal names its one target, which is chosen on the appeal's page.
    model = m.Appeal
    fields = ("court", "court_level", "lodged_on", "outcome", "decided_on", "notified_on")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class InterimMeasureInline(PersonScopedInline, admin.TabularInline):
    model = m.InterimMeasure
    fields = ("body", "case_number", "requested_on", "granted_on", "lifted_on", "status")


class ReturnInline(PersonScopedInline, admin.StackedInline):
    model = m.Return
    fields = ("kind", "returned_on", "returned_on_precision", "from_country", "destination_country")
    max_num = 1


# --- persons and names -----------------------------------------------------------------------


@admin.register(m.Person)
class PersonAdmin(CaseworkAdmin):
    person_path = ""
    list_display = (
        "case_number",
        "primary_name",
        "status",
        "confidentiality",
        "citizenship",
        "assigned_caseworker",
        "assigned_lawyer",
        "updated_at",
    )
    list_filter = (
        "status",
        "confidentiality",
        "consent_to_be_named",
        "sex",
        "citizenship",
        "assigned_caseworker",
        "assigned_lawyer",
    )
    list_select_related = ("assigned_caseworker", "assigned_lawyer")
    # The name search is in CaseworkAdmin.get_search_results; a field is needed for the box.
    search_fields = ("case_number", "unhcr_number")
    readonly_fields = ("case_number", "primary_name", "created_at", "updated_at")
    autocomplete_fields = ("assigned_caseworker", "assigned_lawyer")
    inlines = (
        PersonNameInline,
        RelationshipInline,
        GroupMembershipInline,
        DetentionInline,
        WelfareCheckInline,
        ExtraditionRequestInline,
        AsylumClaimInline,
        RemovalOrderInline,
        AppealInline,
        InterimMeasureInline,
        ReturnInline,
    )
    fieldsets = (
        (None, {"fields": ("case_number", "primary_name", "status", "description")}),
        (
            _("Identity"),
            {
                "fields": (
                    ("born_on", "born_on_precision"),
                    "sex",
                    ("citizenship", "country_of_origin"),
                    "ethnicity",
                    "languages",
                    "unhcr_number",
                    "alleged_affiliation",
                )
            },
        ),
        (
            _("Consent and access"),
            {
                "fields": (
                    "consent_to_be_named",
                    ("consent_recorded_on", "consent_given_by"),
                    "confidentiality",
                    ("assigned_caseworker", "assigned_lawyer"),
                )
            },
        ),
        (None, {"fields": ("notes", ("created_at", "updated_at"))}),
    )

    def get_queryset(self, request):
        return m.Person.objects.visible_to(request.user).select_related(
            "assigned_caseworker", "assigned_lawyer"
        )


@admin.register(m.PersonName)
class PersonNameAdmin(CaseworkAdmin):
    list_display = ("full_name", "person", "script", "is_primary")
    list_filter = ("script", "is_primary")
    list_select_related = ("person",)
    search_fields = ("person__case_number",)
    autocomplete_fields = ("person",)
    readonly_fields = ("search_key",)


@admin.register(m.Relationship)
class RelationshipAdmin(CaseworkAdmin):
    list_display = ("person", "kind", "relative")
    list_filter = ("kind",)
    list_select_related = ("person", "relative")
    search_fields = ("person__case_number", "relative__case_number")
    autocomplete_fields = ("person", "relative")

    def get_queryset(self, request):
        # Both ends must be visible, as in the API.
        return super().get_queryset(request).filter(person_visibility_q(request.user, "relative"))


# --- groups and facilities -------------------------------------------------------------------


class MembershipInGroupInline(admin.TabularInline):
    model = m.GroupMembership
    fields = ("person", "added_on")
    autocomplete_fields = ("person",)
    extra = 0

    def get_queryset(self, request):
        # The group is not person-scoped; its member list is.
        return visible(super().get_queryset(request), request.user).select_related("person")


class GroupEventInline(admin.TabularInline):
    form = CheckedModelForm
    model = m.GroupEvent
    fields = ("kind", "occurred_on", "facility", "estimated_count", "source")
    autocomplete_fields = ("facility",)
    extra = 0


@admin.register(m.Group)
class GroupAdmin(CaseworkAdmin):
    person_path = None
    list_display = ("name", "estimated_size", "updated_at")
    search_fields = ("name", "public_description")
    inlines = (MembershipInGroupInline, GroupEventInline)


@admin.register(m.GroupMembership)
class GroupMembershipAdmin(CaseworkAdmin):
    list_display = ("group", "person", "added_on")
    list_filter = ("group",)
    list_select_related = ("group", "person")
    search_fields = ("group__name", "person__case_number")
    autocomplete_fields = ("group", "person")


@admin.register(m.GroupEvent)
class GroupEventAdmin(CaseworkAdmin):
    person_path = None
    list_display = ("group", "kind", "occurred_on", "facility", "estimated_count")
    list_filter = ("kind", "occurred_on")
    list_select_related = ("group", "facility")
    search_fields = ("group__name", "source")
    autocomplete_fields = ("group", "facility")


@admin.register(m.Facility)
class FacilityAdmin(CaseworkAdmin):
    person_path = None
    list_display = ("name", "kind", "city", "country")
    list_filter = ("kind", "country")
    search_fields = ("name", "city")


# --- detention and welfare -------------------------------------------------------------------


@admin.register(m.Detention)
class DetentionAdmin(CaseworkAdmin):
    list_display = ("person", "facility", "started_on", "ended_on", "authorised_until")
    list_filter = ("legal_basis", "incommunicado", "lawyer_access", "facility__country")
    list_select_related = ("person", "facility")
    search_fields = ("person__case_number", "facility__name")
    autocomplete_fields = ("person", "facility", "transferred_from")
    date_hierarchy = "started_on"


@admin.register(m.WelfareCheck)
class WelfareCheckAdmin(CaseworkAdmin):
    list_display = ("person", "observed_at", "contact_confirmed", "seen_by", "recorded_by")
    list_filter = ("contact_confirmed", "transfer_reported", "family_visit_refused")
    list_select_related = ("person", "recorded_by")
    search_fields = ("person__case_number", "seen_by")
    autocomplete_fields = ("person", "detention")
    date_hierarchy = "observed_at"


# --- proceedings -----------------------------------------------------------------------------


@admin.register(m.ExtraditionRequest)
class ExtraditionRequestAdmin(CaseworkAdmin):
    list_display = ("person", "requesting_state", "requested_state", "status", "decided_on")
    list_filter = ("status", "requesting_state", "requested_state", "diplomatic_assurances")
    list_select_related = ("person",)
    search_fields = ("person__case_number", "charge_articles")
    autocomplete_fields = ("person",)


@admin.register(m.AsylumClaim)
class AsylumClaimAdmin(CaseworkAdmin):
    list_display = ("person", "authority_kind", "country", "decision", "decided_on")
    list_filter = ("authority_kind", "decision", "procedure", "country")
    list_select_related = ("person",)
    search_fields = ("person__case_number", "authority_name")
    autocomplete_fields = ("person",)


@admin.register(m.RemovalOrder)
class RemovalOrderAdmin(CaseworkAdmin):
    list_display = ("person", "kind", "country", "issued_on", "scheduled_removal_on")
    list_filter = ("kind", "country")
    list_select_related = ("person",)
    search_fields = ("person__case_number", "issued_by")
    autocomplete_fields = ("person",)


class HearingInline(admin.TabularInline):
    form = CheckedModelForm
    model = m.Hearing
    fields = ("held_on", "notes")
    extra = 0


@admin.register(m.Appeal)
class AppealAdmin(CaseworkAdmin):
    list_display = ("person", "court", "court_level", "outcome", "lodged_on", "decided_on")
    list_filter = ("court_level", "outcome", "country")
    list_select_related = ("person",)
    search_fields = ("person__case_number", "court")
    autocomplete_fields = (
        "person",
        "extradition_request",
        "asylum_claim",
        "detention",
        "removal_order",
        "lower_appeal",
        "lawyer",
    )
    inlines = (HearingInline,)


@admin.register(m.Hearing)
class HearingAdmin(CaseworkAdmin):
    person_path = PERSON_PATH["Hearing"]
    list_display = ("appeal", "held_on")
    list_select_related = ("appeal__person",)
    search_fields = ("appeal__person__case_number", "appeal__court")
    autocomplete_fields = ("appeal",)
    date_hierarchy = "held_on"


class ReaffirmationInline(admin.TabularInline):
    form = CheckedModelForm
    model = m.Reaffirmation
    fields = ("reaffirmed_on", "notes")
    extra = 0


@admin.register(m.InterimMeasure)
class InterimMeasureAdmin(CaseworkAdmin):
    list_display = ("person", "body", "case_number", "status", "granted_on", "lifted_on")
    list_filter = ("body", "status", "respondent_state")
    list_select_related = ("person",)
    search_fields = ("person__case_number", "case_number")
    autocomplete_fields = ("person",)
    inlines = (ReaffirmationInline,)


@admin.register(m.Reaffirmation)
class ReaffirmationAdmin(CaseworkAdmin):
    person_path = PERSON_PATH["Reaffirmation"]
    list_display = ("measure", "reaffirmed_on")
    list_select_related = ("measure__person",)
    search_fields = ("measure__person__case_number", "measure__case_number")
    autocomplete_fields = ("measure",)


# --- returns ---------------------------------------------------------------------------------


class PostReturnReportInline(admin.TabularInline):
    form = CheckedModelForm
    model = m.PostReturnReport
    fields = ("reported_on", "kind", "sentence_years", "source")
    extra = 0


@admin.register(m.Return)
class ReturnAdmin(CaseworkAdmin):
    list_display = ("person", "kind", "returned_on", "from_country", "destination_country")
    list_filter = ("kind", "from_country", "destination_country")
    list_select_related = ("person",)
    search_fields = ("person__case_number", "how_learned")
    autocomplete_fields = ("person",)
    inlines = (PostReturnReportInline,)


@admin.register(m.PostReturnReport)
class PostReturnReportAdmin(CaseworkAdmin):
    person_path = PERSON_PATH["PostReturnReport"]
    list_display = ("return_record", "kind", "reported_on", "sentence_years")
    list_filter = ("kind",)
    list_select_related = ("return_record__person",)
    search_fields = ("return_record__person__case_number", "source")
    autocomplete_fields = ("return_record",)
