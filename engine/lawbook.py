"""The lawbook: Haven's legal rules as reviewed data in the repository, synced into Rule.

Each entry of RULES is a dict whose keys are Rule field names, plus `examples`: the worked
examples a lawyer computed by hand from the quoted text, each a dict

    {"event": date, "due": date | None, "why": "the reasoning, step by step"}

with optional keys `country` (where the fact happened; default: the rule's first country,
else its jurisdiction), `today` (default: the day after the event), `court_level` (for
next-instance rules; default: the first of the rule's levels, else "district"),
`risk_level`, `procedure` (for asylum refusals: regular, accelerated, inadmissible; default:
the first of the rule's procedures, else not recorded; "" for not recorded) and `adopted_on`
(for follow-up rules: the decision's adoption, when `event` is its transmittal; without it the
transmittal is not recorded and `event` is the adoption). `due: None` says the rule must give no deadline for that fact (another row of
its family is in force on that day, or the fact is outside its countries).
tests/engine/test_lawbook.py runs every example against the rows in the database, with every
row of the rule's family, so that it also proves the row in force on the day is chosen.

Syncing (`sync`, run after every `migrate` and by `manage.py rules_sync`):
- an entry whose code is not in the table is created;
- an existing row is updated to the entry, unless an admin has edited it: the row's values
  no longer match the digest of what the lawbook last wrote (`Rule.synced_digest`), or, for
  a row the lawbook never wrote (shipped by a migration), its history has a change made by a
  user. An edited row is left alone and reported; `rules_sync --force CODE` overwrites it.
  The admin's word wins over a code update because the admin may have read a newer text;
  recording a verification is an edit in that sense.
- fields an entry does not name take the field's default: an entry describes its row whole.
- rows are never deleted; a rule that ceases to apply is disabled or closed (in_force_until).
- everything is written in one transaction, and one recompute of everyone follows it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from .facts import (
    AppealFact,
    AsylumFact,
    DetentionFact,
    ExtraditionFact,
    InterimFact,
    PersonFacts,
    RemovalFact,
    RuleSpec,
    UrgentActionFact,
)
from .kinds import Event
from .lawbook_data import RULES  # the data, kept apart from the machinery

EXAMPLE_KEYS = {
    "event",
    "due",
    "why",
    "country",
    "today",
    "court_level",
    "risk_level",
    "procedure",
    "adopted_on",
}
# Rule fields the lawbook never writes: the key, and the bookkeeping of the sync itself.
_NOT_SYNCED = {"id", "code", "synced_digest"}


def synced_fields(model) -> list[str]:
    return sorted(
        f.name
        for f in model._meta.concrete_fields
        if f.name not in _NOT_SYNCED and not f.auto_created
    )


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def digest(values: dict[str, Any]) -> str:
    """A stable digest of a rule's synced values (dates as ISO text)."""
    text = json.dumps({k: _plain(v) for k, v in sorted(values.items())}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def entry_values(model, entry: dict[str, Any]) -> dict[str, Any]:
    """The row an entry describes: its values, and every field it leaves out at its default."""
    names = synced_fields(model)
    unknown = set(entry) - set(names) - {"code", "examples"}
    if unknown:
        raise ValueError(f"{entry.get('code')}: not Rule fields: {sorted(unknown)}")
    values = {}
    for name in names:
        if name in entry:
            values[name] = entry[name]
        elif name == "family":
            values[name] = entry["code"]
        else:
            values[name] = model._meta.get_field(name).get_default()
    return values


def row_values(row, names: list[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_admin_edit: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"created: {len(self.created)}, updated: {len(self.updated)}, "
            f"unchanged: {len(self.unchanged)}, edited by an admin and kept: "
            f"{len(self.kept_admin_edit)}"
        ]
        out += [f"  kept (edited by an admin): {code}" for code in self.kept_admin_edit]
        return out


def _edited_by_admin(row, names: list[str]) -> bool:
    if row.synced_digest:
        return digest(row_values(row, names)) != row.synced_digest
    return row.history.filter(history_user__isnull=False).exists()


def sync(
    *,
    rules: list[dict[str, Any]] | None = None,
    force: frozenset[str] = frozenset(),
    recompute: bool = True,
):
    """Write the lawbook into the Rule table (see the module's docstring for the rules).
    recompute=False: no recompute of everyone afterwards (tests restoring rows after a flush)."""
    from .models import Rule
    from .signals import one_recompute_for_all

    rules = RULES if rules is None else rules
    report = SyncReport()
    names = synced_fields(Rule)
    codes = [e["code"] for e in rules]
    if len(codes) != len(set(codes)):
        raise ValueError("the lawbook has a code twice")
    with one_recompute_for_all(enqueue=recompute), transaction.atomic():
        existing = {r.code: r for r in Rule.objects.filter(code__in=codes)}
        for entry in rules:
            values = entry_values(Rule, entry)
            wanted = digest(values)
            row = existing.get(entry["code"])
            if row is None:
                row = Rule(code=entry["code"], **values, synced_digest=wanted)
                _validate(row)
                row._change_reason = "engine.lawbook: created"
                row.save()
                report.created.append(row.code)
                continue
            if digest(row_values(row, names)) == wanted:
                if row.synced_digest != wanted:
                    Rule.objects.filter(pk=row.pk).update(synced_digest=wanted)
                report.unchanged.append(row.code)
                continue
            if row.code not in force and _edited_by_admin(row, names):
                report.kept_admin_edit.append(row.code)
                continue
            for name, value in values.items():
                setattr(row, name, value)
            row.synced_digest = wanted
            _validate(row)
            row._change_reason = "engine.lawbook: updated"
            row.save()
            report.updated.append(row.code)
        # Windows are checked once every row is written: a change of law moves two rows.
        for row in Rule.objects.filter(code__in=codes):
            overlapping = row.overlapping_rows()
            if overlapping:
                raise ValueError(
                    f"{row.code} is in force on some of the same days as "
                    f"{', '.join(r.code for r in overlapping)} (family {row.family})"
                )
    return report


def _validate(row) -> None:
    """The model's field and constraint checks; the window overlap is checked at the end."""
    row.clean_fields()
    row.validate_unique()
    row.validate_constraints()


# ---------------------------------------------------------------------------------------------
# Worked examples: the facts one example stands for
# ---------------------------------------------------------------------------------------------


def example_country(rule: RuleSpec, example: dict[str, Any]) -> str:
    if example.get("country"):
        return example["country"]
    if rule.countries:
        return sorted(rule.countries)[0]
    return rule.jurisdiction


def example_facts(rule: RuleSpec, example: dict[str, Any]) -> PersonFacts:  # noqa: C901
    """One person whose facts hold exactly one occurrence of the rule's event, on the
    example's date, in the example's country (or before the rule's treaty body)."""
    on: date = example["event"]
    cc = example_country(rule, example)
    risk = example.get("risk_level")
    event = rule.counts_from
    body = rule.jurisdiction.lower() if rule.jurisdiction.upper() in {"CAT", "HRC", "ECTHR"} else ""
    if event == Event.EXTRADITION_DECISION_NOTIFIED:
        return PersonFacts(
            "p", extraditions=(ExtraditionFact("e", cc, "approved", on, on),), risk_level=risk
        )
    if event == Event.ASYLUM_REFUSAL_NOTIFIED:
        procedure = example.get("procedure")
        if procedure is None:
            procedure = sorted(rule.procedures)[0] if rule.procedures else ""
        claim = AsylumFact("c", cc, "refused", "state", on, on, procedure=procedure)
        return PersonFacts("p", asylum_claims=(claim,), risk_level=risk)
    if event in (Event.REMOVAL_ORDER_NOTIFIED, Event.OTHER_ADMIN_ACT_NOTIFIED):
        kind = "other" if event == Event.OTHER_ADMIN_ACT_NOTIFIED else "deportation"
        return PersonFacts(
            "p", removal_orders=(RemovalFact("o", cc, on, kind, on),), risk_level=risk
        )
    if event == Event.REMOVAL_SCHEDULED:
        return PersonFacts(
            "p",
            removal_orders=(
                RemovalFact("o", cc, on - timedelta(days=30), "deportation", None, on),
            ),
            risk_level=risk,
        )
    if event in (Event.DETENTION_ORDERED, Event.DETENTION_STARTED, Event.PROVISIONAL_ARREST):
        basis = "extradition_arrest" if event != Event.DETENTION_ORDERED else "criminal"
        return PersonFacts(
            "p",
            detentions=(DetentionFact("d", on, legal_basis=basis, country=cc),),
            risk_level=risk,
        )
    if event == Event.DETENTION_AUTHORISED_UNTIL:
        return PersonFacts(
            "p",
            detentions=(
                DetentionFact("d", on - timedelta(days=30), authorised_until=on, country=cc),
            ),
            risk_level=risk,
        )
    if event in (Event.DEPORTATION_ORDER_NOTIFIED, Event.EXPULSION_ORDER_NOTIFIED):
        kind = "expulsion" if event == Event.EXPULSION_ORDER_NOTIFIED else "deportation"
        return PersonFacts(
            "p", removal_orders=(RemovalFact("o", cc, on, kind, on),), risk_level=risk
        )
    if event == Event.IMMIGRATION_DETENTION_STARTED:
        return PersonFacts(
            "p",
            detentions=(DetentionFact("d", on, legal_basis="immigration", country=cc),),
            risk_level=risk,
        )
    if event == Event.DETENTION_APPEAL_LODGED:
        return PersonFacts(
            "p",
            detentions=(
                DetentionFact("d", on - timedelta(days=7), legal_basis="immigration", country=cc),
            ),
            appeals=(AppealFact("a", "detention", "d", cc, on),),
            risk_level=risk,
        )
    level = example.get("court_level") or (
        sorted(rule.after_court_levels)[0] if rule.after_court_levels else "district"
    )
    subject = {
        Event.EXTRADITION_APPEAL_REJECTED: ("extradition_request", "e"),
        Event.ASYLUM_APPEAL_REJECTED: ("asylum_claim", "c"),
        Event.REMOVAL_APPEAL_REJECTED: ("removal_order", "o"),
        Event.DETENTION_APPEAL_REJECTED: ("detention", "d"),
        Event.COURT_DECISION_NOTIFIED: ("extradition_request", "e"),
        Event.FINAL_DOMESTIC_DECISION: ("extradition_request", "e"),
    }.get(event)
    if subject is not None:
        appeal = AppealFact(
            "a", subject[0], subject[1], cc, on, "rejected", on, on, court_level=level
        )
        return PersonFacts("p", appeals=(appeal,), risk_level=risk)
    if event == Event.EXTRADITION_APPEAL_LODGED:
        return PersonFacts(
            "p", appeals=(AppealFact("a", "extradition_request", "e", cc, on),), risk_level=risk
        )
    if event in (Event.COMPLAINT_TRANSMITTED, Event.COMMITTEE_DECISION, Event.INTERIM_GRANTED):
        kw = {
            Event.COMPLAINT_TRANSMITTED: {"complaint_transmitted_on": on},
            Event.COMMITTEE_DECISION: (
                {"decision_on": example["adopted_on"], "decision_transmitted_on": on}
                if example.get("adopted_on")
                else {"decision_on": on}
            ),
            Event.INTERIM_GRANTED: {"status": "granted", "granted_on": on},
        }[event]
        return PersonFacts(
            "p",
            interim_measures=(InterimFact("m", body or "cat", respondent_state=cc, **kw),),
            risk_level=risk,
        )
    if event == Event.LAST_CONFIRMED_CONTACT:
        return PersonFacts(
            "p",
            detentions=(DetentionFact("d", on, country=cc),),
            last_confirmed_contact_on=on,
            risk_level=risk,
        )
    if event == Event.UA_SEND_BEFORE:
        return PersonFacts("p", urgent_actions=(UrgentActionFact("u", on),), risk_level=risk)
    raise ValueError(f"no example facts for event {event!r}")  # pragma: no cover
