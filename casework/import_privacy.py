"""What an import preview shows of a row matched to a person the user may not see: only that
it matches a record they cannot see, and to ask an admin. No case number, no name, no score,
no reasons (a reason such as "same UNHCR number" or "same date of birth" tells what the
hidden record holds), no changes. The page and the API both show rows through `row_view`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .access import can_see_person

HIDDEN_MATCH = _("matches a record you cannot see — ask an admin")


def hides_candidate(row, user) -> bool:
    return row.candidate is not None and not can_see_person(user, row.candidate)


def row_view(row, user) -> dict:
    """The candidate, score, reasons and changes of `row` as `user` may see them."""
    if row.candidate is None:
        return {
            "candidate": None,
            "score": row.score,
            "reasons": list(row.reasons or []),
            "changes": {},
            "hidden": False,
        }
    if hides_candidate(row, user):
        return {
            "candidate": None,
            "score": None,
            "reasons": [str(HIDDEN_MATCH)],
            "changes": {},
            "hidden": True,
        }
    return {
        "candidate": {
            "id": str(row.candidate.pk),
            "case_number": row.candidate.case_number,
            "name": row.candidate.primary_name,
        },
        "score": row.score,
        "reasons": list(row.reasons or []),
        "changes": row.changes,
        "hidden": False,
    }
