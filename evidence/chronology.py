"""A person's facts in date order, with their sources: the evidence pack's chronology and the
case summary read this one function.

`chronology(person)` loads the facts in a fixed number of queries (one per kind of fact, not
one per fact) and returns `Entry` rows sorted by day; an entry whose fact has documents
attached names them, so the pack can cite its annex numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import models as m

COUNTRY_NAMES = {
    "KZ": gettext_lazy("Kazakhstan"),
    "KG": gettext_lazy("Kyrgyzstan"),
    "UZ": gettext_lazy("Uzbekistan"),
    "RU": gettext_lazy("Russia"),
    "TJ": gettext_lazy("Tajikistan"),
    "TR": gettext_lazy("Turkey"),
    "TM": gettext_lazy("Turkmenistan"),
    "CN": gettext_lazy("China"),
    "UA": gettext_lazy("Ukraine"),
    "BY": gettext_lazy("Belarus"),
}


def country_name(code: str) -> str:
    """The country's name in the active language (the code when Haven does not know it)."""
    return str(COUNTRY_NAMES.get((code or "").upper(), (code or "").upper()))


@dataclass
class Entry:
    day: date
    text: str
    source: str = ""
    fact_kind: str = ""
    fact_id: str = ""
    is_decision: bool = False
    annexes: list[int] = field(default_factory=list)

    @property
    def iso(self) -> str:
        return self.day.isoformat()


@dataclass
class Decision:
    what: str
    authority: str
    decided_on: date | None
    notified_on: date | None
    outcome: str
    fact_kind: str
    fact_id: str
    annexes: list[int] = field(default_factory=list)


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _add(out: list, day, text: str, source: str, fact, kind: str, decision=False) -> None:
    day = _day(day)
    if day is not None:
        out.append(Entry(day, text, source, kind, str(fact.pk), decision))


@dataclass
class Facts:
    """Everything of one person a pack or summary shows, loaded once."""

    person: m.Person
    detentions: list
    extraditions: list
    asylum_claims: list
    removal_orders: list
    appeals: list
    measures: list
    welfare_checks: list
    return_record: object | None


def load_facts(person: m.Person) -> Facts:
    return Facts(
        person=person,
        detentions=list(person.detentions.select_related("facility").order_by("started_on")),
        extraditions=list(person.extradition_requests.order_by("received_on")),
        asylum_claims=list(person.asylum_claims.order_by("lodged_on")),
        removal_orders=list(person.removal_orders.order_by("issued_on")),
        appeals=list(person.appeals.prefetch_related("hearings").order_by("lodged_on")),
        measures=list(person.interim_measures.prefetch_related("reaffirmations")),
        welfare_checks=list(person.welfare_checks.order_by("observed_at")),
        return_record=m.Return.objects.filter(person=person).prefetch_related("reports").first(),
    )


def chronology(facts: Facts) -> list[Entry]:
    out: list[Entry] = []
    for d in facts.detentions:
        where = str(d.facility) if d.facility else _("place not known")  # name, city
        _add(
            out,
            d.started_on,
            _("Detained (%(basis)s), %(where)s.")
            % {"basis": d.get_legal_basis_display(), "where": where},
            d.ordering_authority,
            d,
            "detention",
        )
        if d.authorised_until:
            _add(
                out,
                d.authorised_until,
                _("Detention authorised until this day."),
                d.ordering_authority,
                d,
                "detention",
            )
        if d.ended_on:
            _add(out, d.ended_on, _("Detention ended."), "", d, "detention")
    for x in facts.extraditions:
        states = {"by": country_name(x.requesting_state), "to": country_name(x.requested_state)}
        _add(
            out,
            x.received_on,
            _("Extradition requested by %(by)s from %(to)s.") % states,
            x.charges,
            x,
            "extraditionrequest",
        )
        _add(
            out,
            x.arrested_on,
            _("Arrested on the extradition request."),
            "",
            x,
            "extraditionrequest",
        )
        if x.decided_on:
            _add(
                out,
                x.decided_on,
                _("Extradition decision: %(status)s.") % {"status": x.get_status_display()},
                x.deciding_authority,
                x,
                "extraditionrequest",
                decision=True,
            )
        _add(
            out,
            x.notified_on,
            _("Extradition decision notified."),
            x.deciding_authority,
            x,
            "extraditionrequest",
        )
    for c in facts.asylum_claims:
        authority = c.authority_name or c.get_authority_kind_display()
        _add(out, c.lodged_on, _("Asylum claim lodged."), authority, c, "asylumclaim")
        _add(out, c.interviewed_on, _("Asylum interview."), authority, c, "asylumclaim")
        if c.decided_on:
            _add(
                out,
                c.decided_on,
                _("Asylum decision: %(decision)s.") % {"decision": c.get_decision_display()},
                authority,
                c,
                "asylumclaim",
                decision=True,
            )
        _add(out, c.notified_on, _("Asylum decision notified."), authority, c, "asylumclaim")
    for r in facts.removal_orders:
        _add(
            out,
            r.issued_on,
            _("Removal order issued (%(kind)s).") % {"kind": r.get_kind_display()},
            r.issued_by,
            r,
            "removalorder",
            decision=True,
        )
        _add(out, r.notified_on, _("Removal order notified."), r.issued_by, r, "removalorder")
    for a in facts.appeals:
        _add(
            out,
            a.lodged_on,
            _("Appeal lodged with %(court)s.") % {"court": a.court},
            a.court,
            a,
            "appeal",
        )
        for h in a.hearings.all():
            _add(out, h.held_on, _("Hearing."), a.court, a, "appeal")
        if a.decided_on:
            _add(
                out,
                a.decided_on,
                _("Appeal decided: %(outcome)s.") % {"outcome": a.get_outcome_display()},
                a.court,
                a,
                "appeal",
                decision=True,
            )
        _add(out, a.notified_on, _("Appeal decision notified."), a.court, a, "appeal")
    for im in facts.measures:
        body = im.get_body_display()
        _add(
            out,
            im.requested_on,
            _("Interim measures requested from the %(body)s.") % {"body": body},
            body,
            im,
            "interimmeasure",
        )
        _add(
            out,
            im.granted_on,
            _("Interim measures granted by the %(body)s.") % {"body": body},
            body,
            im,
            "interimmeasure",
            decision=True,
        )
        for re in im.reaffirmations.all():
            _add(
                out, re.reaffirmed_on, _("Interim measures reaffirmed."), body, im, "interimmeasure"
            )
        _add(out, im.lifted_on, _("Interim measures lifted."), body, im, "interimmeasure")
    for w in facts.welfare_checks:
        text = _("Seen (contact confirmed).") if w.contact_confirmed else _("No confirmed contact.")
        if w.transfer_reported:
            text += " " + _("Transfer reported.")
        if w.family_visit_refused:
            text += " " + _("Family visit refused.")
        _add(out, w.observed_at, text, w.seen_by, w, "welfarecheck")
    ret = facts.return_record
    if ret is not None:
        _add(
            out,
            ret.returned_on,
            _("%(kind)s to %(to)s.")
            % {"kind": ret.get_kind_display(), "to": country_name(ret.destination_country)},
            ret.how_learned,
            ret,
            "return",
        )
        for rep in ret.reports.all():
            _add(
                out,
                rep.reported_on,
                rep.get_kind_display() + ".",
                rep.source,
                rep,
                "postreturnreport",
            )
    # Stable: facts of one day keep the order above (a decision before its notification).
    return sorted(out, key=lambda e: e.day)


def decisions(facts: Facts) -> list[Decision]:
    out = []
    for x in facts.extraditions:
        if x.decided_on:
            out.append(
                Decision(
                    _("Extradition"),
                    x.deciding_authority,
                    x.decided_on,
                    x.notified_on,
                    x.get_status_display(),
                    "extraditionrequest",
                    str(x.pk),
                )
            )
    for c in facts.asylum_claims:
        if c.decided_on:
            out.append(
                Decision(
                    _("Asylum"),
                    c.authority_name or c.get_authority_kind_display(),
                    c.decided_on,
                    c.notified_on,
                    c.get_decision_display(),
                    "asylumclaim",
                    str(c.pk),
                )
            )
    for r in facts.removal_orders:
        out.append(
            Decision(
                _("Removal order"),
                r.issued_by,
                r.issued_on,
                r.notified_on,
                r.get_kind_display(),
                "removalorder",
                str(r.pk),
            )
        )
    for a in facts.appeals:
        if a.decided_on:
            out.append(
                Decision(
                    _("Appeal"),
                    a.court,
                    a.decided_on,
                    a.notified_on,
                    a.get_outcome_display(),
                    "appeal",
                    str(a.pk),
                )
            )
    return sorted(out, key=lambda d: d.decided_on or date.min)


def destination_state(facts: Facts) -> str:
    """Where the person would be sent: the requesting state, a removal order's destination,
    or their country of origin."""
    for x in facts.extraditions:
        if x.requesting_state:
            return x.requesting_state
    for r in facts.removal_orders:
        if r.destination_country:
            return r.destination_country
    return facts.person.country_of_origin or facts.person.citizenship


def scheduled_removal(facts: Facts):
    """(moment, destination) of the earliest scheduled removal, or (None, destination)."""
    options = [(x.scheduled_removal_at, x.requesting_state) for x in facts.extraditions]
    options += [(r.scheduled_removal_at, r.destination_country) for r in facts.removal_orders]
    options = [o for o in options if o[0] is not None]
    if not options:
        return None, destination_state(facts)
    return min(options, key=lambda o: o[0])


def respondent_state(facts: Facts) -> str:
    """The state a complaint is against: the one that would send the person."""
    for im in facts.measures:
        if im.respondent_state:
            return im.respondent_state
    for x in facts.extraditions:
        return x.requested_state
    for r in facts.removal_orders:
        return r.country
    return ""
