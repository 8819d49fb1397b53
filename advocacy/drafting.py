"""Drafting an urgent action from the case record.

`draft_from_facts` reads the facts of the chosen persons (and of others returned from the same
state, as evidence of risk) and proposes a title, summary, background, asks and recipients.
Every reference to a person goes through casework.consent, so a person who has not consented
is described ("four more ethnic Uzbek men"), never named. The coordinator edits everything
before review; nothing here is final text.

The functions take `today` as an argument and read, never write.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch

from casework.consent import describe_persons, number_word, public_reference
from casework.models import (
    AppealOutcome,
    AsylumDecision,
    ExtraditionStatus,
    InterimBody,
    Person,
    PostReturnKind,
    Return,
    ReturnKind,
)

from .letters import country_name
from .models import Authority, AuthorityRole

# The proposed asks, in English and Russian. Russian wording follows the usual phrasing of
# Russian-language appeals to CIS authorities; a coordinator reviews it with the rest.
ASKS = {
    "no_return": (
        "Urging the authorities of {state} to respect their obligations under international "
        "law and ensure that none of {who} is forcibly returned to {origin};",
        "Призываю власти {state_ru} соблюдать свои международно-правовые обязательства и не "
        "допустить принудительного возвращения {who_ru} в {origin_ru};",
    ),
    "refugee_convention": (
        "Reminding the authorities that forcibly returning these individuals to {origin} would "
        "violate their obligations as a State party to the 1951 Refugee Convention not to "
        "forcibly return anyone to a country where they would be at risk of serious human "
        "rights violations, including torture;",
        "Напоминаю, что принудительное возвращение этих людей в {origin_ru} нарушило бы "
        "обязательства {state_ru} как государства — участника Конвенции о статусе беженцев "
        "1951 года не возвращать никого в страну, где ему угрожают серьёзные нарушения прав "
        "человека, включая пытки;",
    ),
    "fair_procedure": (
        "Urging that they are all given full and unhindered access to international protection "
        "and that each case is determined on an individual basis, according to fair and "
        "efficient refugee status determination procedures;",
        "Призываю обеспечить всем им полный и беспрепятственный доступ к международной защите "
        "и рассмотрение каждого дела в индивидуальном порядке в рамках справедливой и "
        "эффективной процедуры определения статуса беженца;",
    ),
    "cat_interim": (
        "Reminding {state} of its obligation under Article 3(1) of the Convention against "
        "Torture not to expel, return or extradite a person to another State where there are "
        "substantial grounds for believing that they would be in danger of being subjected to "
        "torture, and to halt extraditions in cases where CAT has issued interim measures;",
        "Напоминаю о вытекающем из статьи 3(1) Конвенции против пыток обязательстве не "
        "высылать, не возвращать и не выдавать лицо другому государству, если существуют "
        "серьёзные основания полагать, что ему может угрожать там применение пыток, и "
        "прекратить выдачу в случаях, когда Комитет против пыток применил временные меры;",
    ),
    "hrc_interim": (
        "Reminding {state} that the UN Human Rights Committee has requested interim measures "
        "and that disregarding them breaches its obligations under the Optional Protocol to "
        "the International Covenant on Civil and Political Rights;",
        "Напоминаю, что Комитет ООН по правам человека запросил временные меры и что их "
        "несоблюдение нарушает обязательства по Факультативному протоколу к Международному "
        "пакту о гражданских и политических правах;",
    ),
    "ecthr_interim": (
        "Urging {state} to comply with the interim measure indicated by the European Court of "
        "Human Rights under Rule 39 of its Rules of Court;",
        "Призываю соблюдать временную меру, указанную Европейским судом по правам человека "
        "в соответствии с правилом 39 Регламента Суда;",
    ),
    "access": (
        "Calling for them to have immediate and regular access to lawyers of their choice, "
        "their families and any medical care they may need.",
        "Призываю обеспечить им немедленный и регулярный доступ к адвокатам по их выбору, "
        "к родственникам и к необходимой медицинской помощи.",
    ),
}

# Russian forms used in the asks: genitive of the state ("власти Казахстана"), accusative of
# the destination ("в Узбекистан").
COUNTRY_RU = {
    "KZ": ("Казахстана", "Казахстан"),
    "KG": ("Кыргызстана", "Кыргызстан"),
    "UZ": ("Узбекистана", "Узбекистан"),
    "RU": ("России", "Россию"),
    "TJ": ("Таджикистана", "Таджикистан"),
    "TR": ("Турции", "Турцию"),
    "CN": ("Китая", "Китай"),
    "TM": ("Туркменистана", "Туркменистан"),
}

INTERIM_BODY_NAMES = {
    InterimBody.CAT: "the UN Committee against Torture",
    InterimBody.HRC: "the UN Human Rights Committee",
    InterimBody.ECTHR: "the European Court of Human Rights",
    InterimBody.OTHER: "an international body",
}


@dataclass
class Draft:
    title: str
    summary: str
    background: str
    asks: list[str]
    translations: dict
    languages: list[str]
    recipients: list[tuple[Authority, str]]  # (authority, role) in order
    states: list[str] = field(default_factory=list)


def month_year(day: date) -> str:
    return f"{day:%B %Y}"


def day_month_year(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def fact_queryset(persons_qs):
    """The persons with every fact drafting reads, in a fixed number of queries."""
    return persons_qs.prefetch_related(
        "names",
        "detentions__facility",
        "extradition_requests",
        "asylum_claims",
        "appeals",
        Prefetch("interim_measures__reaffirmations"),
        "return_record__reports",
        "groups",
    ).select_related("return_record")


def _return_of(person) -> Return | None:
    try:
        return person.return_record
    except Return.DoesNotExist:
        return None


def draft_from_facts(
    *, persons: list[Person], groups=(), today: date, evidence: list[Person] | None = None
) -> Draft:
    """Propose the text of an urgent action for `persons` (group members included by the
    caller). `evidence` are other persons whose returns show the risk; by default, everyone
    else returned from the same state."""
    persons = list(persons)
    returned = [p for p in persons if _return_of(p)]
    at_risk = [p for p in persons if not _return_of(p)]

    # The state concerned: where they are held or asked for; the origin: who wants them.
    states: Counter[str] = Counter()
    origins: Counter[str] = Counter()
    for p in persons:
        for e in p.extradition_requests.all():
            states[e.requested_state] += 1
            origins[e.requesting_state] += 1
        for d in p.detentions.all():
            if d.facility and d.facility.country:
                states[d.facility.country] += 1
        for a in p.asylum_claims.all():
            states[a.country] += 1
        r = _return_of(p)
        if r:
            states[r.from_country] += 1
            origins[r.destination_country] += 1
        if p.country_of_origin:
            origins[p.country_of_origin] += 1
    state = states.most_common(1)[0][0] if states else ""
    origin = next((c for c, _n in origins.most_common() if c != state), "")
    state_name, origin_name = country_name(state) if state else "", country_name(origin)

    ethnicities = {p.ethnicity for p in persons if p.ethnicity}
    if len(ethnicities) == 1:
        title = f"Ethnic {ethnicities.pop()}s at risk of torture if returned"
    else:
        title = f"At risk of torture if returned to {origin_name}" if origin else "At risk"

    chosen_groups = {g.pk: g for g in groups}

    def estimated_total(some: list[Person]) -> int | None:
        """A group logged before all names are known counts at its estimated size."""
        touched = {g.pk for p in some for g in p.groups.all() if g.pk in chosen_groups}
        total = sum(chosen_groups[pk].estimated_size or 0 for pk in touched)
        return total if total > len(some) else None

    # --- summary ---------------------------------------------------------------------------
    summary: list[str] = []
    by_event: dict[tuple, list[Person]] = defaultdict(list)
    for p in returned:
        r = _return_of(p)
        by_event[(r.from_country, r.destination_country, r.returned_on, r.kind)].append(p)
    verbs = {
        ReturnKind.EXTRADITED: "extradited",
        ReturnKind.DEPORTED: "deported",
        ReturnKind.ABDUCTED: "forcibly returned",
    }
    for (from_c, to_c, on, kind), group_persons in sorted(by_event.items(), key=lambda i: i[0][2]):
        total = estimated_total(group_persons) if len(by_event) == 1 else None
        summary.append(
            f"{country_name(from_c)} {verbs.get(kind, 'returned')} "
            f"{describe_persons(group_persons, total=total)} to {country_name(to_c)} on "
            f"{day_month_year(on)}, where they are at real risk of torture."
        )
    if at_risk:
        who = describe_persons(at_risk, total=estimated_total(at_risk), more=bool(returned))
        verb = "is" if len(at_risk) == 1 else "are"
        also = " also" if returned else ""
        summary.append(
            f"{who[0].upper()}{who[1:]} {verb}{also} at risk of forcible return"
            f"{' to ' + origin_name if origin else ''}."
        )
    summary_text = " ".join(summary)

    # --- background ------------------------------------------------------------------------
    background: list[str] = []
    detained = [(p, d) for p in persons for d in p.detentions.all()]
    if detained:
        first = min(d.started_on for _p, d in detained)
        requested = {e.requesting_state for p in persons for e in p.extradition_requests.all()}
        at_request = (
            f", at the request of the government of {country_name(requested.pop())}"
            if len(requested) == 1
            else ""
        )
        n = len({p.pk for p, _d in detained})
        background.append(
            f"The authorities of {state_name} detained {number_word(n) if n > 1 else 'one'} of "
            f"them in {month_year(first)}{at_request}."
            if n < len(persons)
            else f"The authorities of {state_name} detained "
            f"{'them' if n > 1 else public_reference(persons[0])} in "
            f"{month_year(first)}{at_request}."
        )
    approved = [
        e
        for p in persons
        for e in p.extradition_requests.all()
        if e.status in (ExtraditionStatus.APPROVED, ExtraditionStatus.EXECUTED) and e.decided_on
    ]
    if approved:
        authority = Counter(e.deciding_authority or "the Prosecutor General" for e in approved)
        background.append(
            f"{authority.most_common(1)[0][0][0].upper()}{authority.most_common(1)[0][0][1:]} "
            f"decided to extradite {number_word(len(approved))} of them"
            f" ({month_year(min(e.decided_on for e in approved))})."
        )
    rejected = defaultdict(list)
    for p in persons:
        for a in p.appeals.all():
            if a.outcome == AppealOutcome.REJECTED and a.decided_on:
                rejected[(a.court, a.decided_on)].append(a)
    for (court, on), appeals in sorted(rejected.items(), key=lambda i: i[0][1]):
        background.append(
            f"{number_word(len(appeals)).capitalize()} "
            f"{_plural(len(appeals), 'appeal was', 'appeals were')} rejected by {court} on "
            f"{day_month_year(on)}."
        )
    in_force = [(p, m) for p in persons for m in p.interim_measures.all() if m.in_force_on(today)]
    bodies_in_force = {m.body for _p, m in in_force}
    measures_by_body = defaultdict(list)
    for _p, m in in_force:
        measures_by_body[m.body].append(m)
    for body, measures in measures_by_body.items():
        granted = min(m.granted_on for m in measures)
        covered = len({m.person_id for m in measures})
        background.append(
            f"In {month_year(granted)}, {INTERIM_BODY_NAMES[body]} imposed interim measures to "
            + (
                "stay their return"
                if covered == len(persons)
                else f"stay the return of {number_word(covered)} of them"
            )
            + ", pending a review of the merits of a complaint submitted on their behalf."
        )
        responses = {m.state_response.strip() for m in measures if m.state_response.strip()}
        for response in sorted(responses):
            background.append(f"The government of {state_name} responded: {response.rstrip('.')}.")
        reaffirmed = [r.reaffirmed_on for m in measures for r in m.reaffirmations.all()]
        if reaffirmed:
            background.append(
                f"In {month_year(max(reaffirmed))}, the Committee reaffirmed the interim measures, "
                f"prohibiting {state_name} from returning these individuals pending its decision."
            )
    refused = [
        c
        for p in persons
        for c in p.asylum_claims.all()
        if c.decision in (AsylumDecision.REFUSED, AsylumDecision.EXCLUDED, AsylumDecision.REVOKED)
    ]
    if refused:
        revoked = sum(1 for c in refused if c.decision == AsylumDecision.REVOKED)
        background.append(
            f"{number_word(len(refused)).capitalize()} of them "
            f"{_plural(len(refused), 'has', 'have')} been refused asylum"
            f"{' or had refugee status revoked' if revoked else ''} in {state_name}."
        )
    # Evidence of risk: what happened to others returned from the same state.
    evidence_lines = _evidence(evidence or [], in_scope={p.pk for p in persons})
    background.extend(evidence_lines)

    # --- asks --------------------------------------------------------------------------------
    keys = ["no_return"]
    if refused or any(p.asylum_claims.all() for p in persons):
        keys += ["refugee_convention", "fair_procedure"]
    if InterimBody.CAT in bodies_in_force:
        keys.append("cat_interim")
    if InterimBody.HRC in bodies_in_force:
        keys.append("hrc_interim")
    if InterimBody.ECTHR in bodies_in_force:
        keys.append("ecthr_interim")
    if any(d.incommunicado or d.lawyer_access == "no" for _p, d in detained if d.is_open):
        keys.append("access")
    who = "the people named or described in this action"
    state_ru, origin_ru = (
        COUNTRY_RU.get(state, (state_name, state_name))[0],
        COUNTRY_RU.get(origin, (origin_name, origin_name))[1],
    )
    values = {
        "state": state_name or "the state",
        "origin": origin_name or "their country of origin",
        "who": "those who remain" if returned and at_risk else "them",
        "state_ru": state_ru,
        "origin_ru": origin_ru,
        "who_ru": "тех, кто остаётся под угрозой" if returned and at_risk else "этих людей",
    }
    del who
    asks = [ASKS[k][0].format(**values) for k in keys]
    asks_ru = [ASKS[k][1].format(**values) for k in keys]

    # --- recipients --------------------------------------------------------------------------
    concerned = [s for s, _n in states.most_common()]
    recipients = [
        (a, a.default_role)
        for a in Authority.objects.filter(country__in=concerned[:1], is_active=True).order_by(
            "rank", "title"
        )
    ]
    languages: list[str] = []
    for a, role in recipients:
        if role == AuthorityRole.RECIPIENT:
            languages += [c for c in a.language_codes if c not in languages]

    return Draft(
        title=title,
        summary=summary_text,
        background="\n\n".join(background),
        asks=asks,
        translations={"ru": {"asks": asks_ru}},
        languages=languages,
        recipients=recipients,
        states=concerned,
    )


def _evidence(others: list[Person], *, in_scope: set) -> list[str]:
    lines = []
    for p in others:
        if p.pk in in_scope:
            continue
        r = _return_of(p)
        if not r:
            continue
        what = []
        for report in r.reports.all():
            if report.kind == PostReturnKind.INCOMMUNICADO:
                what.append("was held incommunicado")
            elif report.kind == PostReturnKind.SENTENCED and report.sentence_years:
                years = f"{report.sentence_years.normalize():f}"
                what.append(
                    f"in {month_year(report.reported_on)} was sentenced to {years} years in prison"
                    + (f" {report.details.strip().rstrip('.')}" if report.details.strip() else "")
                )
            elif report.kind == PostReturnKind.TORTURE_REPORTED:
                what.append("was reportedly tortured or ill-treated")
            elif report.kind == PostReturnKind.DISAPPEARED:
                what.append("has disappeared")
            elif report.kind == PostReturnKind.CHARGED:
                what.append("was charged")
        ref = public_reference(p)
        article = ref.split(" ", 1)
        subject = (
            f"One {article[1]}" if article[0].lower() in ("a", "an") and len(article) > 1 else ref
        )
        sentence = (
            f"{subject} who was forcibly returned to {country_name(r.destination_country)} from "
            f"{country_name(r.from_country)} in {month_year(r.returned_on)}"
        )
        sentence += (" " + ", and ".join(what) + ".") if what else " remains at risk."
        lines.append(sentence)
    return lines


def evidence_for(*, state: str, exclude: set) -> list[Person]:
    """Others returned from `state`: their fate is evidence of the risk to everyone else."""
    qs = Person.objects.filter(return_record__from_country=state).exclude(pk__in=exclude)
    return list(fact_queryset(qs)[:20])
