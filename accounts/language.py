"""A staff member's language: the pages after login, the inbox, alerts and every e-mail.

The pages choose their language as Django does (LocaleMiddleware: the language cookie, then
the browser's Accept-Language). Logging in sets that cookie to the user's own language
(accounts.adapter) if they chose one -- a user who never did keeps the language they were
reading in -- and the language switcher saves the choice as theirs (accounts.language_views):
one language per user, which a Celery task reads to write to them (`translation.override`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation

from .models import Profile

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def site_language() -> str:
    return settings.LANGUAGE_CODE


def language_of(user) -> str:
    """The user's language; the site's for a user who chose none (or none we ship)."""
    if user is None or not getattr(user, "pk", None):
        return site_language()
    try:
        language = user.haven_profile.language
    except Profile.DoesNotExist:
        return site_language()
    return language if language in LANGUAGE_CODES else site_language()


def language_chosen(user) -> str | None:
    """The language the user chose, or None if they never chose one."""
    try:
        language = user.haven_profile.language
    except Profile.DoesNotExist:
        return None
    return language if language in LANGUAGE_CODES else None


def languages_of(user_ids: Iterable) -> dict:
    """{user id: language} for these users, in one query; the site's for those without."""
    ids = list(user_ids)
    chosen = dict(Profile.objects.filter(user_id__in=ids).values_list("user_id", "language"))
    return {pk: chosen[pk] if chosen.get(pk) in LANGUAGE_CODES else site_language() for pk in ids}


def user_language_set(*, user, language: str) -> Profile:
    """Record the user's language (one of settings.LANGUAGES)."""
    if language not in LANGUAGE_CODES:
        raise ValueError(f"not a language Haven ships: {language!r}")
    profile, _created = Profile.objects.update_or_create(user=user, defaults={"language": language})
    user.haven_profile = profile
    return profile


def set_language_cookie(response, language: str) -> None:
    """The cookie LocaleMiddleware reads, set as Django's own set_language view sets it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def in_language_of(user):
    """`with in_language_of(user):` -- what is said inside is said in the user's language."""
    return translation.override(language_of(user))


def language_label(code: str) -> str:
    """A language's name in the active language ("Russian", "Русский")."""
    return str(dict(settings.LANGUAGES).get(code, code))
