"""`nav`: the addresses the navigation bar links to, worked out once a process.

Every page renders the bar: ten `{% url %}` reversals a page (about a millisecond of Python
each time) for addresses that only change with the URL configuration or the script prefix,
both fixed while a process runs. A route another app does not have is None, as `{% url ...
as x %}` would leave it.
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, reverse

NAV_ROUTES = {
    "home": "casework:home",
    "persons": "casework:persons",
    "groups": "casework:groups",
    "group_log": "casework:group-log",
    "deadlines": "engine:deadlines",
    "board": "engine:board",
    "urgent_actions": "advocacy:list",
    "imports": "imports:list",
    "inbox": "engine:inbox",
    "monitoring": "monitoring:page",
    "returns": "evidence:returns-index",
    "logout": "account_logout",
    "set_language": "set_language",
}


@lru_cache(maxsize=8)
def _addresses(script_prefix: str) -> dict[str, str | None]:
    out = {}
    for key, name in NAV_ROUTES.items():
        try:
            out[key] = reverse(name)
        except NoReverseMatch:
            out[key] = None
    return out


def nav(request) -> dict:
    return {"nav": _addresses(get_script_prefix())}
