"""The reasons identity.matching gives, in the reader's language.

The matcher keeps its reasons as English data (the import preview and the duplicate list
store them, and code compares them: "same UNHCR number" corroborates a match); they are
marked here for translation and translated where a person reads them (`shown`). Two carry a
number or a kind: "born 3 years apart", "dates of birth differ (one digit differs): ask".
"""

from __future__ import annotations

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

REASONS = (
    N_("veto: same surname, different given name (siblings, twins, father and son)"),
    N_("veto: the surname or patronymic forms say different sex"),
    N_("veto: different full dates of birth"),
    N_("a name differs (not a spelling of the other)"),
    N_("only one name in common"),
    N_("same name after transliteration"),
    N_("names alike (spelling variant)"),
    N_("names partly alike"),
    N_("patronymics differ"),
    N_("same patronymic"),
    N_("born a year apart"),
    N_("same year of birth"),
    N_("same date of birth with day and month swapped"),
    N_("same year of birth, different month"),
    N_("same month of birth"),
    N_("same month of birth, different day"),
    N_("same date of birth"),
    N_("different citizenship"),
    N_("different UNHCR numbers"),
    N_("same UNHCR number"),
    N_("same UNHCR number, but the names differ"),
)
TYPOS = (N_("day and month swapped"), N_("one digit differs"))

_YEARS_APART = re.compile(r"^born (\d+) years apart$")
_DATES_DIFFER = re.compile(r"^dates of birth differ \((.+)\): ask$")


def shown(reason: str) -> str:
    """One stored reason as the reader's language says it; any other text (a case number,
    a sentence the preview wrote already translated) as it is."""
    reason = str(reason)
    if match := _YEARS_APART.match(reason):
        return gettext("born %(n)s years apart") % {"n": match.group(1)}
    if match := _DATES_DIFFER.match(reason):
        return gettext("dates of birth differ (%(why)s): ask") % {"why": gettext(match.group(1))}
    return gettext(reason) if reason in REASONS else reason


def shown_all(reasons) -> list[str]:
    return [shown(reason) for reason in reasons or ()]
