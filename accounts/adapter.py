from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip


class StaffOnlyAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by admins; nobody signs themselves up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The lock-out key is (username, client IP), not the username alone: an attacker
        who guesses at an account locks that account only from the attacker's address, and
        cannot use the lock-out to keep the real user (or everyone) out. allauth uses this
        key for the `login_failed` rate limit and clears it on a password reset."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}@{get_ip(request)}"

    def post_login(self, request, user, **kwargs):
        """After the whole login (second factor included): the pages from here on are in the
        language the user chose, this response's redirect included. One who never chose
        keeps the language they were reading in (the switcher, or the browser's)."""
        from django.utils import translation

        from .language import language_chosen, set_language_cookie

        response = super().post_login(request, user, **kwargs)
        language = language_chosen(user)
        if language is None:
            return response
        translation.activate(language)
        request.LANGUAGE_CODE = language
        if response is not None:
            set_language_cookie(response, language)
        return response
