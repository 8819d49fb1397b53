"""`unread_alerts` for the navigation bar (one query per page, only for staff)."""

from __future__ import annotations

import functools

from accounts.roles import STAFF_ROLES, user_roles


def unread_alerts(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not (user_roles(user) & STAFF_ROLES):
        return {}

    @functools.cache  # one count a page, however often the page shows it
    def count() -> int:
        from .alerts import unread_count

        return unread_count(user)

    # Lazy: pages that never show the count pay nothing.
    return {"unread_alerts": count}
