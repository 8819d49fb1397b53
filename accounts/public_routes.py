"""The short, explicit lists of routes (by URL name) that are reachable without the full
staff checks. accounts.middleware.StaffAccessMiddleware enforces them on every request, and
tests/test_url_walk.py walks the URLconf to prove that everything else refuses.

Adding a name here is a security decision: say why in a comment.
"""

# Anonymous visitors may reach these: the way in, and nothing with records.
PUBLIC_ROUTES = frozenset(
    {
        "health",  # liveness probe: says "ok" and nothing else
        "set_language",  # i18n: sets a cookie
        "account_login",
        "account_logout",
        "account_inactive",  # where allauth sends a deactivated account: a static page
        "mfa_authenticate",  # the second step of a login, before the session is logged in
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        # Calendar apps cannot log in: the unguessable, revocable token in the URL is the
        # credential, and an unknown token is a plain 404. Its content must name nobody.
        "engine:calendar-feed",
    }
)

# Paths served without the URLconf (whitenoise; runserver in DEBUG) are public too.
PUBLIC_PATH_PREFIXES = ("/static/",)

# A logged-in account that has no second factor yet may only enrol one. Viewing recovery
# codes is allowed here only because there are none before the first enrolment.
ENROLMENT_ROUTES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",  # allauth asks for the password again before enrolment
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
    }
)

# A logged-in account that has a second factor but has not used it in this session may
# only use it (or leave).
CHALLENGE_ROUTES = frozenset(
    {
        "account_logout",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
    }
)

# Routes any fully signed-in account may use even without a staff role: managing one's own
# login, and the API's description (no records). Everything else needs a staff role.
SELF_SERVICE_ROUTE_PREFIXES = ("account_", "mfa_")
SELF_SERVICE_ROUTES = frozenset({"api-schema", "api-docs"})


def is_public(view_name: str) -> bool:
    return view_name in PUBLIC_ROUTES


def is_self_service(view_name: str) -> bool:
    return view_name in SELF_SERVICE_ROUTES or view_name.startswith(SELF_SERVICE_ROUTE_PREFIXES)
