"""DRF permission: a staff role, and the Django model permission for the method.

Reads need `view_<model>`, writes need add/change/delete. Which rows are visible is decided
separately by casework.access (restricted persons)."""

from rest_framework.permissions import DjangoModelPermissions

from .roles import STAFF_ROLES, user_roles


class HavenModelPermission(DjangoModelPermissions):
    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view):
        if not user_roles(request.user) & STAFF_ROLES:
            return False
        return super().has_permission(request, view)
