"""The urgent action document: UA 129/10, 3rd update, drafted from facts and issued."""

import re

from advocacy.models import UrgentActionStatus

from .conftest import file_text


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_third_update_of_129_10_has_every_section_of_the_anatomy(issued_update, kz_case):
    ua = issued_update
    assert ua.status == UrgentActionStatus.ISSUED
    assert (ua.number, ua.year, ua.update_number, ua.parent_id) == (129, 2010, 3, kz_case.root.pk)
    text = _flat(file_text(ua.pdf))

    assert "URGENT ACTION" in text
    assert "ETHNIC UZBEKS AT RISK OF TORTURE IF RETURNED" in text
    # Summary: what happened and who is at risk, the non-consenting described.
    assert "Kazakhstan extradited 28 ethnic Uzbek men to Uzbekistan on 9 June 2011" in text
    assert "Ilkhom Nazarov and three more ethnic Uzbek men are also at risk" in text
    assert "PLEASE WRITE IMMEDIATELY in Kazakh, Russian or your own language:" in text
    assert "1951 Refugee Convention" in text
    assert "halt extraditions in cases where CAT has issued interim measures" in text
    assert "PLEASE SEND APPEALS BEFORE 22 JULY 2011 TO:" in text
    assert "President of Kazakhstan" in text and "Salutation: Dear President" in text
    assert "Mr Ashat Daulbayev" in text and "Salutation: Dear Prosecutor General" in text
    assert "Fax: +7 7172 50 25 34" in text and "procuror@nursat.kz" in text
    copies = text.split("And copies to:")[1]
    assert "Minister of Foreign Affairs" in copies and "Salutation: Dear Minister" in copies
    assert "Also send copies to diplomatic representatives accredited to your country." in text
    assert "This is the 3rd update of UA 129/10." in text
    assert "ADDITIONAL INFORMATION" in text
    # Background from the record, with others' returns as evidence of risk.
    assert "rejected by a district court in Almaty on 15 March 2011" in text
    assert "the UN Committee against Torture imposed interim measures" in text
    assert "reaffirmed the interim measures" in text
    assert "sentenced to 10 years in prison" in text


def test_the_update_marks_the_earlier_issue_as_updated(issued_update, kz_case):
    earlier = kz_case.root.updates.get(update_number=2)
    assert earlier.status == UrgentActionStatus.UPDATED


def test_every_transition_is_in_the_history(issued_update):
    statuses = [h.status for h in issued_update.history.order_by("history_date")]
    assert statuses[0] == "draft"
    assert "in_review" in statuses and statuses[-1] == "issued"
