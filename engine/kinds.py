"""The engine's vocabulary: deadline kinds, the events a period counts from, period units.

Plain string enums so that the pure core (calendar.py, deadlines.py) can use them without
Django's ORM; the models build their choices from these and the labels below.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    APPEAL_EXTRADITION = "appeal_extradition"
    APPEAL_ASYLUM = "appeal_asylum"
    APPEAL_REMOVAL = "appeal_removal"
    APPEAL_DETENTION = "appeal_detention"
    APPEAL_LOWER_COURT = "appeal_lower_court"
    COURT_DECISION_DUE = "court_decision_due"
    DETENTION_TERM_ENDS = "detention_term_ends"
    CUSTODY_MAXIMUM = "custody_maximum"
    CUSTODY_EXTENSION_LIMIT = "custody_extension_limit"
    PROVISIONAL_CUSTODY_ENDS = "provisional_custody_ends"
    STATE_OBSERVATIONS_DUE = "state_observations_due"
    CAT_FOLLOWUP = "cat_followup"
    ECTHR_APPLICATION = "ecthr_application"
    ECTHR_RULE39 = "ecthr_rule39"
    INTERIM_FOLLOWUP = "interim_followup"
    WELFARE_CHECK_OVERDUE = "welfare_check_overdue"
    UA_SEND_BEFORE = "ua_send_before"
    TREATY_APPLICATION = "treaty_application"
    VIEWS_FOLLOWUP = "views_followup"
    DETENTION_REVIEW_DUE = "detention_review_due"
    CONSTITUTIONAL_APPLICATION = "constitutional_application"


KIND_LABELS = {
    Kind.APPEAL_EXTRADITION: _("File an appeal against the extradition decision"),
    Kind.APPEAL_ASYLUM: _("File an appeal against the asylum decision"),
    Kind.APPEAL_REMOVAL: _("File an appeal against the removal order"),
    Kind.APPEAL_DETENTION: _("File an appeal against the detention order"),
    Kind.APPEAL_LOWER_COURT: _("File an appeal against the court's decision"),
    Kind.COURT_DECISION_DUE: _("Court must decide the appeal"),
    Kind.DETENTION_TERM_ENDS: _("Detention term ends"),
    Kind.CUSTODY_MAXIMUM: _("Statutory custody term ends"),
    Kind.CUSTODY_EXTENSION_LIMIT: _("Custody cannot be extended beyond this day"),
    Kind.PROVISIONAL_CUSTODY_ENDS: _("Temporary custody ends unless the request arrives"),
    Kind.STATE_OBSERVATIONS_DUE: _("State's observations due"),
    Kind.CAT_FOLLOWUP: _("State's follow-up information due (CAT)"),
    Kind.ECTHR_APPLICATION: _("ECtHR application window closes"),
    Kind.ECTHR_RULE39: _("Last day for an ECtHR Rule 39 request"),
    Kind.INTERIM_FOLLOWUP: _("Interim measure follow-up"),
    Kind.WELFARE_CHECK_OVERDUE: _("Welfare check overdue"),
    Kind.UA_SEND_BEFORE: _("Urgent action send-before date"),
    Kind.TREATY_APPLICATION: _("Communication to a UN treaty body: window closes"),
    Kind.VIEWS_FOLLOWUP: _("State's follow-up information on the Views due (HRC)"),
    Kind.DETENTION_REVIEW_DUE: _("Periodic review of the detention due"),
    Kind.CONSTITUTIONAL_APPLICATION: _(
        "File the individual application to the Constitutional Court"
    ),
}


class Event(StrEnum):
    """What a rule's period counts from. Each maps to one kind of fact in deadlines.py."""

    EXTRADITION_DECISION_NOTIFIED = "extradition_decision_notified"
    ASYLUM_REFUSAL_NOTIFIED = "asylum_refusal_notified"
    REMOVAL_ORDER_NOTIFIED = "removal_order_notified"
    OTHER_ADMIN_ACT_NOTIFIED = "other_admin_act_notified"
    DETENTION_ORDERED = "detention_ordered"
    COURT_DECISION_NOTIFIED = "court_decision_notified"
    # The next instance: a court rejected an appeal in a case about ... (the chain's first
    # appeal's target). Rules may narrow by the level of the court that rejected it.
    EXTRADITION_APPEAL_REJECTED = "extradition_appeal_rejected"
    ASYLUM_APPEAL_REJECTED = "asylum_appeal_rejected"
    REMOVAL_APPEAL_REJECTED = "removal_appeal_rejected"
    DETENTION_APPEAL_REJECTED = "detention_appeal_rejected"
    EXTRADITION_APPEAL_LODGED = "extradition_appeal_lodged"
    DETENTION_STARTED = "detention_started"
    PROVISIONAL_ARREST = "provisional_arrest"
    DETENTION_AUTHORISED_UNTIL = "detention_authorised_until"
    COMPLAINT_TRANSMITTED = "complaint_transmitted"
    COMMITTEE_DECISION = "committee_decision"
    INTERIM_GRANTED = "interim_granted"
    FINAL_DOMESTIC_DECISION = "final_domestic_decision"
    REMOVAL_SCHEDULED = "removal_scheduled"
    LAST_CONFIRMED_CONTACT = "last_confirmed_contact"
    UA_SEND_BEFORE = "ua_send_before"
    DEPORTATION_ORDER_NOTIFIED = "deportation_order_notified"
    EXPULSION_ORDER_NOTIFIED = "expulsion_order_notified"
    IMMIGRATION_DETENTION_STARTED = "immigration_detention_started"
    DETENTION_APPEAL_LODGED = "detention_appeal_lodged"


EVENT_LABELS = {
    Event.EXTRADITION_DECISION_NOTIFIED: _("Notification of the extradition decision"),
    Event.ASYLUM_REFUSAL_NOTIFIED: _("Notification of the refusal of asylum / refugee status"),
    Event.REMOVAL_ORDER_NOTIFIED: _("Notification of a deportation or expulsion order"),
    Event.OTHER_ADMIN_ACT_NOTIFIED: _("Notification of another administrative act"),
    Event.DETENTION_ORDERED: _("Detention ordered (start of detention)"),
    Event.COURT_DECISION_NOTIFIED: _("Notification of a court's decision rejecting an appeal"),
    Event.EXTRADITION_APPEAL_REJECTED: _(
        "Notification of a court's decision rejecting an appeal in an extradition case"
    ),
    Event.ASYLUM_APPEAL_REJECTED: _(
        "Notification of a court's decision rejecting an appeal in an asylum case"
    ),
    Event.REMOVAL_APPEAL_REJECTED: _(
        "Notification of a court's decision rejecting an appeal against a removal order"
    ),
    Event.DETENTION_APPEAL_REJECTED: _(
        "Notification of a court's decision rejecting an appeal against a detention"
    ),
    Event.EXTRADITION_APPEAL_LODGED: _("Appeal against an extradition decision lodged"),
    Event.DETENTION_STARTED: _("Start of detention pending extradition (first of any transfers)"),
    Event.PROVISIONAL_ARREST: _("Detention before the extradition request arrived"),
    Event.DETENTION_AUTHORISED_UNTIL: _("End of the term authorised by the court"),
    Event.COMPLAINT_TRANSMITTED: _("Transmission of the complaint to the state"),
    Event.COMMITTEE_DECISION: _("The Committee's decision"),
    Event.INTERIM_GRANTED: _("Interim measure granted or reaffirmed"),
    Event.FINAL_DOMESTIC_DECISION: _("Final domestic decision"),
    Event.REMOVAL_SCHEDULED: _("Scheduled removal"),
    Event.LAST_CONFIRMED_CONTACT: _("Last confirmed contact while detained"),
    Event.UA_SEND_BEFORE: _("Urgent action's send-before date"),
    Event.DEPORTATION_ORDER_NOTIFIED: _("Notification of a deportation order (not an expulsion)"),
    Event.EXPULSION_ORDER_NOTIFIED: _("Notification of an administrative expulsion order"),
    Event.IMMIGRATION_DETENTION_STARTED: _(
        "Start of immigration detention pending removal (first of any transfers)"
    ),
    Event.DETENTION_APPEAL_LODGED: _("Appeal against a detention lodged"),
}


class Unit(StrEnum):
    DAYS = "days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"


UNIT_LABELS = {
    Unit.DAYS: _("calendar days"),
    Unit.WORKING_DAYS: _("working days"),
    Unit.MONTHS: _("months"),
}


class Confidence(StrEnum):
    PRIMARY = "P"
    PRIMARY_SECONDARY = "P/S"
    SECONDARY = "S"
    UNVERIFIED = "U"


CONFIDENCE_LABELS = {
    Confidence.PRIMARY: _("P: read in the primary text"),
    Confidence.PRIMARY_SECONDARY: _("P/S: primary text and secondary sources"),
    Confidence.SECONDARY: _("S: secondary source"),
    Confidence.UNVERIFIED: _("U: unverified"),
}


def choices(enum, labels) -> list[tuple[str, str]]:
    return [(member.value, labels[member]) for member in enum]


# Names of the states and bodies of the region, for "no rule in Haven for this decision in …".
STATE_LABELS = {
    "KZ": _("Kazakhstan"),
    "KG": _("Kyrgyzstan"),
    "UZ": _("Uzbekistan"),
    "RU": _("Russia"),
    "TJ": _("Tajikistan"),
    "TR": _("Turkey"),
    "TM": _("Turkmenistan"),
    "CN": _("China"),
    "UA": _("Ukraine"),
    "BY": _("Belarus"),
    "AZ": _("Azerbaijan"),
    "AF": _("Afghanistan"),
}
BODY_LABELS = {
    "CAT": _("the UN Committee against Torture"),
    "HRC": _("the UN Human Rights Committee"),
    "ECTHR": _("the European Court of Human Rights"),
    "OTHER": _("an international body"),
}
