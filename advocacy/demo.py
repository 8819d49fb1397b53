"""Demo data for advocacy: the recipients of UA 129/10 and the UA with its first two updates,
so that a coordinator can draft "the 3rd update of UA 129/10" from the Kazakhstan persons.

Officials, institutions and public addresses are as printed in the public UA (Amnesty
International, EUR 57/001/2011). Issue dates of the original and the first two updates are
illustrative: the public record gives the third update only. Loading twice changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from .models import Authority, AuthorityRole, UrgentAction, UrgentActionRecipient

AUTHORITIES = [
    {
        "country": "KZ",
        "title": "President of Kazakhstan",
        "name": "Nursultan Nazarbaev",
        "institution": "Presidential Administration",
        "address": "Levoberezhe Street\nAstana 01000, KAZAKHSTAN",
        "fax": "+7 7172 72 05 16",
        "email": "",
        "salutation": "Dear President",
        "salutation_translations": {"ru": "Уважаемый господин Президент!"},
        "languages": "kk, ru",
        "default_role": AuthorityRole.RECIPIENT,
        "rank": 10,
    },
    {
        "country": "KZ",
        "title": "Prosecutor General",
        "name": "Mr Ashat Daulbayev",
        "institution": "Prosecutor General of Kazakhstan",
        "address": "8, Orynbor St., House of Ministries,\nEntrance No.2\nAstana 01000, KAZAKHSTAN",
        "fax": "+7 7172 50 25 34",
        "email": "procuror@nursat.kz; Gp-rk@prokuror.kz",
        "salutation": "Dear Prosecutor General",
        "salutation_translations": {"ru": "Уважаемый господин Генеральный прокурор!"},
        "languages": "kk, ru",
        "default_role": AuthorityRole.RECIPIENT,
        "rank": 20,
    },
    {
        "country": "KZ",
        "title": "Minister of Foreign Affairs",
        "name": "Kanat Saudabaev",
        "institution": "Ministry of Foreign Affairs",
        "address": "35, No 1 Street, Astana 01000,\nKAZAKHSTAN",
        "fax": "+7 7172 72 05 16",
        "email": "midrk@mid.kz",
        "salutation": "Dear Minister",
        "salutation_translations": {"ru": "Уважаемый господин Министр!"},
        "languages": "kk, ru",
        "default_role": AuthorityRole.COPY,
        "rank": 30,
    },
]

ADDITIONAL_INFORMATION = (
    "A new law on refugees, which came into force in Kazakhstan on 1 January 2010, excluded "
    "certain categories of asylum-seekers from qualifying for refugee status in Kazakhstan, "
    "including people charged in their country of origin with membership of illegal, "
    "unregistered or banned political or religious parties or movements.\n\n"
    "Human rights organizations and UN bodies have documented widespread torture and other "
    "ill-treatment of detainees in Uzbekistan; the UN Committee against Torture found in 2007 "
    'that torture in places of detention in Uzbekistan is "routine".'
)

# (update number, status, illustrative issue date, send before, title, summary)
CHAIN = [
    (
        0,
        "updated",
        date(2010, 6, 25),
        date(2010, 8, 6),
        "Uzbekistani asylum-seekers at risk of return",
        "Ethnic Uzbek asylum-seekers detained in Almaty at the request of the government of "
        "Uzbekistan are at risk of extradition, where they would face torture.",
    ),
    (
        1,
        "updated",
        date(2010, 12, 10),
        date(2011, 1, 21),
        "Ethnic Uzbeks at risk of torture if returned",
        "The UN Committee against Torture has imposed interim measures to stay the extradition "
        "of ethnic Uzbek men detained in Kazakhstan; Kazakhstan contests the complaint.",
    ),
    (
        2,
        "issued",
        date(2011, 3, 18),
        date(2011, 4, 29),
        "Ethnic Uzbeks at risk of torture if returned",
        "A district court in Almaty rejected the appeals of ethnic Uzbek men against their "
        "extradition on 15 March 2011. They are at imminent risk of return to Uzbekistan.",
    ),
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


@transaction.atomic
def load(stdout=None) -> UrgentAction:
    authorities = []
    for data in AUTHORITIES:
        keys = {k: data[k] for k in ("country", "title", "name")}
        defaults = {k: v for k, v in data.items() if k not in keys}
        authority, _created = Authority.objects.get_or_create(**keys, defaults=defaults)
        # Save only what differs: a second demo load must not add history rows.
        changed = [k for k, v in defaults.items() if getattr(authority, k) != v]
        if changed:
            for k in changed:
                setattr(authority, k, defaults[k])
            authority.save(update_fields=changed)
        authorities.append(authority)
    _say(stdout, f"advocacy: {len(authorities)} authorities")

    from casework.models import Group, Person

    groups = list(
        Group.objects.filter(
            name__in=["the 28 extradited on 9 June 2011", "four still detained in Almaty"]
        )
    )
    persons = list(Person.objects.filter(groups__in=groups).distinct())

    root = None
    for update_number, status, issued_on, send_before, title, summary in CHAIN:
        ua, _created = UrgentAction.objects.get_or_create(
            number=129,
            year=2010,
            update_number=update_number,
            defaults={
                "parent": root,
                "status": status,
                "issued_on": issued_on,
                "send_before": send_before,
                "title": title,
                "summary": summary,
                "languages": ["kk", "ru"],
                "additional_information": ADDITIONAL_INFORMATION,
                "diplomatic_copies": True,
            },
        )
        if _created:
            ua.persons.set(persons)
            ua.groups.set(groups)
            UrgentActionRecipient.objects.bulk_create(
                [
                    UrgentActionRecipient(
                        urgent_action=ua, authority=a, role=a.default_role, position=i
                    )
                    for i, a in enumerate(authorities)
                ]
            )
        root = root or ua
    _say(stdout, "advocacy: UA 129/10 with updates 1 and 2 (draft the 3rd from the demo persons)")
    return root
