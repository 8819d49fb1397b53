"""Admin for staff accounts' own tables, and the admin's login routed through allauth.

The Django admin's own login form would skip the second factor: it is replaced by allauth's
login (with its MFA step and its rate limits), and the admin pages sit behind
accounts.middleware.StaffAccessMiddleware like every other page."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from .api_tokens import api_token_revoke
from .language import language_label, language_of
from .models import ApiToken, ApiTokenUse, Profile, ReadAudit

admin.site.login = secure_admin_login(admin.site.login)


@admin.register(ReadAudit)
class ReadAuditAdmin(admin.ModelAdmin):
    """Admins read the audit; nobody adds, changes or deletes a row, here or anywhere."""

    list_display = ["at", "user", "record_type", "record_id", "person_id", "channel"]
    list_filter = ["channel", "record_type"]
    search_fields = ["=person_id", "=record_id", "user__username"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("accounts.view_readaudit")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Admins see every token by its prefix (never a secret: none is kept) and may revoke."""

    list_display = ["prefix", "name", "user", "scope", "created_at", "expires_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["=prefix", "user__username"]
    list_select_related = ["user"]
    fields = ["prefix", "name", "user", "scope", "created_at", "expires_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token)


@admin.register(ApiTokenUse)
class ApiTokenUseAdmin(admin.ModelAdmin):
    list_display = ["at", "token", "method", "path"]
    list_select_related = ["token"]
    search_fields = ["=token__prefix"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ProfileInline(admin.StackedInline):
    """The user's language beside the account (the admin's user page)."""

    model = Profile
    can_delete = False
    fields = ["language"]
    verbose_name_plural = _("profile")


class HavenUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, ProfileInline]
    list_display = [*UserAdmin.list_display, "language"]
    list_select_related = ["haven_profile"]

    @admin.display(description=_("language"), ordering="haven_profile__language")
    def language(self, user) -> str:
        return language_label(language_of(user))


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, HavenUserAdmin)
