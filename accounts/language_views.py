"""The language switcher: Django's own view, which sets the cookie; for a signed-in user it
also becomes their language (alerts, e-mails, the next login)."""

from __future__ import annotations

from django.views.i18n import set_language as django_set_language

from .language import LANGUAGE_CODES, user_language_set


def set_language(request):
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in LANGUAGE_CODES:
        user_language_set(user=request.user, language=language)
    return response
