"""Others returned to a state, and what was reported of them since: the page per destination
state, and the evidence pack's section on risk on return.

The pack describes the returned persons through the consent gate (casework.consent): a person
is named only when they consented, otherwise described ("an ethnic Uzbek man"); a report's own
text that names a non-consenting person is left out, and the finished section is checked once
more by `public_text`, which refuses anything that still names one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework import models as m
from casework.access import visible
from casework.consent import NameScanner, public_reference, public_text

from .chronology import country_name


def returns_to(user, country: str, *, exclude_person=None) -> list[m.Return]:
    """Visible returns to `country`, oldest first, with their persons, names and reports."""
    qs = (
        visible(m.Return.objects.filter(destination_country=country.upper()), user)
        .select_related("person")
        .prefetch_related(
            Prefetch("reports", queryset=m.PostReturnReport.objects.order_by("reported_on")),
            "person__names",
        )
        .order_by("returned_on", "person__case_number")
    )
    if exclude_person is not None:
        qs = qs.exclude(person=exclude_person)
    return list(qs)


def destinations(user) -> list[dict]:
    """Each state persons were returned to (of the returns `user` may see): how many were
    returned, when first and last, and how many reports came since; most returns first."""
    from django.db.models import Count, Max, Min

    rows = (
        visible(m.Return.objects.exclude(destination_country=""), user)
        .values("destination_country")
        .annotate(
            returns=Count("id", distinct=True),
            reports=Count("reports", distinct=True),
            first=Min("returned_on"),
            last=Max("returned_on"),
        )
        .order_by("-returns", "destination_country")
    )
    return [
        {
            **row,
            "country": row["destination_country"],
            "name": country_name(row["destination_country"]),
        }
        for row in rows
    ]


def returned_when(ret: m.Return) -> str:
    if ret.returned_on_precision == m.DatePrecision.YEAR:
        return str(ret.returned_on.year)
    if ret.returned_on_precision == m.DatePrecision.MONTH:
        return date_format(ret.returned_on, "F Y")
    return date_format(ret.returned_on, "j F Y")


@dataclass
class ReturnEvidence:
    who: str  # a name only with consent, else a description
    when: str
    from_country: str
    reports: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def risk_on_return(user, *, person, country: str) -> list[ReturnEvidence]:
    """The pack's section: others returned to `country` (not `person`), described through
    the consent gate. Raises ConsentError if the result would still name a non-consenting
    person (it cannot, by construction; the check is the gate every public output passes)."""
    returns = returns_to(user, country, exclude_person=person)
    others = [r.person for r in returns]
    scanner = NameScanner(others)
    out = []
    for ret in returns:
        evidence = ReturnEvidence(
            who=public_reference(ret.person),
            when=returned_when(ret),
            from_country=country_name(ret.from_country),
        )
        for rep in ret.reports.all():
            line = f"{date_format(rep.reported_on, 'j F Y')}: {rep.get_kind_display()}"
            if rep.sentence_years:
                years = format(rep.sentence_years.normalize(), "f")
                line += " " + _("(%(years)s years)") % {"years": years}
            if rep.details and not scanner.find(rep.details):
                line += f" — {rep.details}"
            evidence.reports.append(line)
            if rep.source and rep.source not in evidence.sources and not scanner.find(rep.source):
                evidence.sources.append(rep.source)
        out.append(evidence)
    text = "\n".join(" ".join([e.who, e.when, e.from_country, *e.reports, *e.sources]) for e in out)
    public_text(text, others, where=_("The section on risk on return"), scanner=scanner)
    return out
