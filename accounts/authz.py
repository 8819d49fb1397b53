"""What the staff-access gate asks about a user on every request — their roles, whether a
second factor is enrolled, their Django permissions — kept in the cache between requests, so
that every page does not open with four queries whose answers almost never change.

Never stale after a change made through Django: every change to who holds what (a user's
groups or permissions, a role's permissions, a group or permission deleted, a user saved, an
authenticator added or removed) bumps one generation number that is part of every key, at
once and again after the commit (a request that read the old rows before the commit cached
them under the generation the commit then leaves behind). Entries also expire after
AUTHZ_SECONDS: the most a change could stay unseen is if the cache lost the bump itself (it
was down during the change). Whether the account is active or a superuser is read from the
user row on every request, as before; when the cache cannot be reached, everything is.
"""

from __future__ import annotations

import logging

from allauth.mfa.models import Authenticator
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

from .roles import STAFF_ROLES, Role

AUTHZ_SECONDS = 60
GENERATION_KEY = "accounts:authz:generation"
SECOND_FACTOR_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

logger = logging.getLogger(__name__)


def _key(user, generation) -> str:
    # date_joined as well as the id: a database restored or rebuilt (tests) reuses ids.
    return f"accounts:authz:{generation}:{user.pk}:{user.date_joined.timestamp()}"


def _from_database(user) -> dict:
    from allauth.mfa.utils import is_mfa_enabled

    backend = ModelBackend()
    return {
        "roles": sorted(
            user.groups.filter(name__in=list(STAFF_ROLES)).values_list("name", flat=True)
        ),
        "mfa": is_mfa_enabled(user, SECOND_FACTOR_TYPES),
        "user_perms": sorted(backend.get_user_permissions(user)),
        "group_perms": sorted(backend.get_group_permissions(user)),
    }


def load(user) -> None:
    """Puts the user's roles, second-factor state and permissions on `user` for this request,
    from the cache or, failing that, from the database (then cached). Active users only."""
    if not user.is_authenticated or not user.is_active:
        return
    try:
        generation = cache.get_or_set(GENERATION_KEY, 1, timeout=None)
        key = _key(user, generation)
        answers = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is down: ask the database, as without it
        logger.warning("authorisation cache unavailable; reading from the database")
        key, answers = None, None
    if answers is None:
        answers = _from_database(user)
        if key is not None:
            try:
                cache.set(key, answers, AUTHZ_SECONDS)
            except Exception:  # noqa: BLE001
                logger.warning("authorisation cache unavailable; not kept")
    roles = set(answers["roles"])
    if user.is_superuser:
        roles.add(Role.ADMIN)
    user._haven_roles = frozenset(roles)
    user._haven_mfa_enabled = answers["mfa"]
    # Where Django's ModelBackend keeps a user's permissions for the request.
    user._user_perm_cache = set(answers["user_perms"])
    user._group_perm_cache = set(answers["group_perms"])


def mfa_enabled(user) -> bool:
    cached = getattr(user, "_haven_mfa_enabled", None)
    if cached is not None:
        return cached
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, SECOND_FACTOR_TYPES)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet: nothing cached under one either
        pass
    except Exception:  # noqa: BLE001
        logger.warning("authorisation cache unavailable; entries expire on their own")


def invalidate(**kwargs) -> None:
    """Signal receiver: something that decides access changed."""
    if kwargs.get("update_fields") and set(kwargs["update_fields"]) <= {"last_login"}:
        return  # a login stamps the user row; access did not change
    _bump()
    transaction.on_commit(_bump)


def connect() -> None:
    """Called from AccountsConfig.ready()."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    user_model = get_user_model()
    for sender in (user_model.groups.through, user_model.user_permissions.through):
        m2m_changed.connect(invalidate, sender=sender, dispatch_uid=f"authz-m2m-{sender}")
    m2m_changed.connect(
        invalidate, sender=Group.permissions.through, dispatch_uid="authz-group-perms"
    )
    for model in (user_model, Group, Permission, Authenticator):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"authz-save-{model}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"authz-delete-{model}")
