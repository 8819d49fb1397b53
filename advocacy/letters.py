"""Documents: the urgent action as a PDF laid out like the seed, and the letters.

Everything here renders from the *public document* of an urgent action (`public_document`):
a plain dict of strings built once, with every person referred to through casework.consent,
and checked by `casework.consent.public_text` before anything is rendered from it. Templates
(the trusted ones in templates/advocacy/ and the admin-edited letter templates) never see a
database object.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType

from django.db.models import Q
from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from casework.consent import NameScanner, describe_persons, public_text

from .models import LANGUAGE_NAMES, AuthorityRole, UrgentAction

# Bump when the layout of letters changes, so that every letter counts as out of date.
LETTER_LAYOUT_VERSION = "1"

COUNTRY_NAMES = {
    "KZ": "Kazakhstan",
    "KG": "Kyrgyzstan",
    "UZ": "Uzbekistan",
    "RU": "Russia",
    "TJ": "Tajikistan",
    "TR": "Turkey",
    "TM": "Turkmenistan",
    "CN": "China",
    "UA": "Ukraine",
    "BY": "Belarus",
}


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code.upper(), code.upper())


@lru_cache(maxsize=64)
def long_date(day: date | None, language: str = "en") -> str:
    """'22 July 2011' / '22 июля 2011'. Cached: every letter of a batch prints the same date,
    and switching the language to format it costs as much as rendering the letter's body."""
    if day is None:
        return ""
    with translation.override(language):
        return formats.date_format(day, "j E Y" if language == "ru" else "j F Y")


def languages_phrase(codes: list[str]) -> str:
    """'Kazakh, Russian or your own language'."""
    names = [str(LANGUAGE_NAMES.get(c, c)) for c in codes]
    return ", ".join([*names, ""])[:-2] + (" " if names else "") + _("or your own language")


# --- the sandbox ---------------------------------------------------------------------------


class SandboxEngine(Engine):
    """No default tags or filters, no loaders: only advocacy.template_sandbox."""

    default_builtins: list[str] = []


_sandbox = SandboxEngine(
    builtins=["advocacy.template_sandbox"],
    libraries={},
    loaders=[],
    dirs=[],
    app_dirs=False,
    debug=False,
    string_if_invalid="",
    autoescape=False,
)


class TemplateError(ValueError):
    pass


def compile_template(source: str):
    try:
        return _sandbox.from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateError(_("The template cannot be used: %(error)s") % {"error": exc}) from exc


# The shape of letter_context, with invented values: what a trial render at save is given.
TRIAL_CONTEXT = {
    "language": "en",
    "reference": "HV-UA-2026-001",
    "update_line": "",
    "title": "Imminent extradition",
    "summary": "A man faces extradition.\n\nHe was detained in June.",
    "asks": ["Do not extradite him.", "Allow him to see his lawyer."],
    "persons": "an ethnic Uzbek man",
    "send_before": "31 December 2026",
    "cosigners": ["Example Rights Centre"],
    "recipient": {
        "title": "Prosecutor General",
        "name": "Invented Name",
        "institution": "Office of the Prosecutor General",
        "salutation": "Dear Prosecutor General",
    },
}


def validate_template(subject: str, body: str) -> None:
    """Refuse a template that does not compile, and one that compiles but fails when
    rendered (a filter given a bad argument: `{{ summary|wordwrap:"wide" }}`): a trial
    render with invented values of the letter context's shape, at save, rather than a
    failed letter batch later."""
    from django.core.exceptions import ValidationError

    try:
        templates = [compile_template(subject), compile_template(body)]
    except TemplateError as exc:
        raise ValidationError(str(exc)) from exc
    for template in templates:
        try:
            render_sandboxed(template, TRIAL_CONTEXT)
        except Exception as exc:  # noqa: BLE001 - any failure of a filter's own code
            raise ValidationError(
                _(
                    "The template fails when a letter is made from it (%(error)s): check the filters' arguments."
                )
                % {"error": f"{type(exc).__name__}: {exc}"}
            ) from exc


def freeze(value):
    """Plain, read-only data: a template cannot pop an ask from the list it is given."""
    if isinstance(value, dict):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def render_sandboxed(template, context: dict) -> str:
    return template.render(Context(freeze(context), autoescape=False))


# --- the public document --------------------------------------------------------------------


def persons_in_scope(ua: UrgentAction) -> list:
    """Everyone the UA is about: its persons and the members of its groups (all of them,
    whoever is drafting: the consent check must not depend on who can see whom)."""
    from casework.models import Person

    return list(
        Person.objects.filter(Q(urgent_actions=ua) | Q(groups__urgent_actions=ua))
        .distinct()
        .prefetch_related("names")
    )


def _authority_doc(authority, role: str) -> dict:
    return {
        "role": role,
        "title": authority.title,
        "name": authority.name,
        "institution": authority.institution,
        "address_lines": [line.strip() for line in authority.address.splitlines() if line.strip()],
        "fax": authority.fax,
        "emails": authority.emails,
        "salutation": authority.salutation,
        "country": authority.country,
    }


def public_document(
    ua: UrgentAction,
    *,
    persons: list | None = None,
    scanner: NameScanner | None = None,
    recipients: list[tuple] | None = None,
) -> dict:
    """The UA as the public will read it, consent-checked. Raises casework.consent.ConsentError
    if any text names a person who has not consented. `recipients` ((authority, role) pairs in
    order) stands in for the stored ones, for a preview of an unsaved edit; `persons` for
    persons_in_scope(ua), when the caller has them."""
    persons = persons_in_scope(ua) if persons is None else persons
    scanner = scanner or scanner_for(ua, persons)
    doc = _document(ua, persons, recipients)
    public_text(_all_text(doc), persons, where=_("The urgent action"), scanner=scanner)
    return doc


def scanner_for(ua: UrgentAction, persons: list) -> NameScanner:
    """The consent gate for everything `ua` publishes: its persons, everyone else in the
    database who has not consented, and what a coordinator confirmed is someone else."""
    confirmed = ua.consent_confirmations.values_list("person_id", "phrase_key") if ua.pk else []
    return NameScanner(persons, confirmed=list(confirmed))


def consent_hits(ua: UrgentAction) -> list:
    """What stops `ua` now, confirmations aside: the phrase and the person of each hit."""
    persons = persons_in_scope(ua)
    return NameScanner(persons).hits(_all_text(_document(ua, persons, None)))


def _document(ua: UrgentAction, persons: list, recipients: list[tuple] | None) -> dict:
    if recipients is None:
        recipients = [
            (r.authority, r.role)
            for r in ua.recipients.select_related("authority").order_by("role", "position")
        ]
    recipients = [_authority_doc(a, role) for a, role in recipients]
    doc = {
        "reference": ua.reference,
        "update_number": ua.update_number,
        "update_line": ua.update_line,
        "title": ua.title,
        "summary": ua.summary,
        "background": ua.background,
        "languages": list(ua.languages),
        "languages_phrase": languages_phrase(list(ua.languages)),
        "asks": list(ua.asks),
        "translations": ua.translations or {},
        "send_before": long_date(ua.send_before),
        "send_before_iso": ua.send_before.isoformat() if ua.send_before else "",
        "issued_on": long_date(ua.issued_on),
        "issued_on_iso": ua.issued_on.isoformat() if ua.issued_on else "",
        "recipients": [r for r in recipients if r["role"] == AuthorityRole.RECIPIENT],
        "copies": [r for r in recipients if r["role"] == AuthorityRole.COPY],
        "diplomatic_copies": ua.diplomatic_copies,
        "cosigners": list(ua.cosigners),
        "additional_information": ua.additional_information,
        "further_information": ua.further_information,
        "persons_phrase": describe_persons(persons),
    }
    return doc


def _all_text(value) -> str:
    if isinstance(value, dict):
        return "\n".join(_all_text(v) for v in value.values())
    if isinstance(value, list | tuple):
        return "\n".join(_all_text(v) for v in value)
    return "" if value is None or isinstance(value, bool | int) else str(value)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


# --- PDFs --------------------------------------------------------------------------------------


def font_configuration():
    """WeasyPrint's fonts for a batch of documents. Without one, every document loads the
    system's font configuration afresh and lays text out with cold caches (about a third of a
    letter's rendering time)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def static_only_fetcher():
    """WeasyPrint's URL fetcher for letters: the project's own static files and inline
    `data:` URLs, nothing else. An `<img src="file:///etc/passwd">`, a loopback address or
    any web address in the HTML is refused (WeasyPrint logs it and leaves the resource out),
    so a letter cannot read the server's files or reach its network."""
    from pathlib import Path

    from django.conf import settings
    from weasyprint.urls import URLFetcher

    roots = [Path(p).resolve() for p in [*settings.STATICFILES_DIRS, settings.STATIC_ROOT]]

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                from urllib.request import url2pathname

                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if any(path.is_relative_to(root) for root in roots) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError("Haven letters load only the project's static files.")

    return StaticOnlyFetcher(allowed_protocols={"file", "data"}, allow_redirects=False)


def html_to_pdf(html: str, *, font_config=None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=None, url_fetcher=static_only_fetcher()).write_pdf(
        font_config=font_config
    )


def _document_context(doc: dict) -> dict:
    return {
        "doc": doc,
        "summary_paragraphs": paragraphs(doc["summary"]),
        "background_paragraphs": paragraphs(doc["background"]),
        "additional_paragraphs": paragraphs(doc["additional_information"]),
    }


def render_urgent_action_html(doc: dict) -> str:
    return render_to_string("advocacy/urgent_action.html", _document_context(doc))


def render_preview_html(
    ua: UrgentAction, *, changes: dict | None = None, recipients: list[tuple] | None = None
) -> str:
    """The document's body as it would print with `changes` (field values) and `recipients`
    applied, without saving anything: the live preview of the edit page. It goes through
    public_document like every public output, so it raises ConsentError for a text naming
    someone who has not consented, and never shows it."""
    if changes:
        ua = copy.copy(ua)  # same pk, so persons in scope are the stored ones
        for name, value in changes.items():
            setattr(ua, name, value)
    doc = public_document(ua, recipients=recipients)
    return render_to_string("advocacy/_ua_body.html", _document_context(doc))


def render_urgent_action_pdf(ua: UrgentAction) -> tuple[str, bytes]:
    doc = public_document(ua)
    html = render_urgent_action_html(doc)
    return html, html_to_pdf(html)


# --- letters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    text: str
    html: str
    content_hash: str
    scanned: str = ""  # every value the page prints: what the consent gate reads


def letter_context(doc: dict, authority, language: str) -> dict:
    """The only values a letter template can use."""
    tr = doc["translations"].get(language, {}) if language != "en" else {}
    return {
        "language": language,
        "reference": doc["reference"],
        "update_line": doc["update_line"] if language == "en" else "",
        "title": tr.get("title") or doc["title"],
        "summary": tr.get("summary") or doc["summary"],
        "asks": tr.get("asks") or doc["asks"],
        "persons": doc["persons_phrase"] if language == "en" else tr.get("persons", ""),
        "send_before": doc["send_before"],
        "cosigners": doc["cosigners"],
        "recipient": {
            "title": authority.title,
            "name": authority.name,
            "institution": authority.institution,
            "salutation": authority.salutation_in(language),
        },
    }


def render_letter(
    doc: dict,
    authority,
    language: str,
    subject_template,
    body_template,
    *,
    persons,
    scanner: NameScanner,
    check: bool = True,
) -> RenderedLetter:
    """One letter. `check=False`: the caller checks `scanned` itself (several letters with
    one read of the database: NameScanner.prefetch)."""
    context = letter_context(doc, authority, language)
    subject = " ".join(render_sandboxed(subject_template, context).split())
    text = render_sandboxed(body_template, context).strip() + "\n"
    # The UA's date, not today's: a letter regenerated tomorrow is the same letter.
    date_text = long_date(
        date.fromisoformat(doc["issued_on_iso"]) if doc["issued_on_iso"] else None, language
    )
    recipient = _authority_doc(authority, "")
    html = render_to_string(
        "advocacy/letter.html",
        {
            "language": language,
            "date": date_text,
            "recipient": recipient,
            "subject": subject,
            "paragraphs": paragraphs(text),
        },
    )
    # Every value the page prints (recipient block, date, subject, text), before escaping, so
    # that an apostrophe in an Uzbek name (O‘ktam, O'ktam) is scanned as the name, not as
    # &#x27;. letter.html adds no text of its own but labels; scanning these values is
    # scanning the letter, without parsing the HTML back.
    scanned = "\n".join([*_all_text(recipient).split("\n"), date_text, subject, text])
    if check:
        public_text(scanned, persons, where=_("A letter"), scanner=scanner)
    digest = hashlib.sha256(
        "\x1f".join((LETTER_LAYOUT_VERSION, subject, text, html)).encode()
    ).hexdigest()
    return RenderedLetter(
        subject=subject, text=text, html=html, content_hash=digest, scanned=scanned
    )
