"""The contacts a recovery plan usually lists, in the order to call them, offered on the plan
page ("add the usual contacts").

Numbers given are only those we could confirm from public sources (December 2026): Action
Fraud's 0300 123 2040 (its 24-hour line for a live cyber attack on an organisation) and the
police's 101 and 999. The RPA's 24-hour emergency assistance helpline and the DfE's sector
cyber team are listed without a number or address: the school copies them from its RPA
membership documents and from GOV.UK, rather than trusting a number we could not check.
The DPO's telephone number comes from the school's key contacts when it has one.
"""

from __future__ import annotations

from dataclasses import dataclass

from schoolkeep.continuity.models import PlanContact

Kind = PlanContact.Kind


@dataclass(frozen=True)
class DefaultContact:
    kind: str
    name: str
    phone: str
    when_to_call: str


DEFAULT_CONTACTS: list[DefaultContact] = [
    DefaultContact(Kind.IT_SUPPORT, "IT support", "",
                   "First: to isolate the affected computers and check the backups."),
    DefaultContact(Kind.DPO, "Data protection officer", "",
                   "Straight away if personal data may have been seen, lost or locked: the "
                   "school may have only 72 hours to tell the ICO."),
    DefaultContact(Kind.RPA, "RPA emergency assistance helpline (24 hours)", "",
                   "For an RPA member school: as soon as an attack is found. Copy the number "
                   "from the RPA membership documents."),
    DefaultContact(Kind.DFE, "DfE sector cyber team", "",
                   "Tell the Department for Education about a cyber incident. Copy its "
                   "address from GOV.UK."),
    DefaultContact(Kind.ACTION_FRAUD, "Action Fraud", "0300 123 2040",
                   "Report the attack; while it is still going on, the line is open 24 "
                   "hours a day."),
    DefaultContact(Kind.POLICE, "Police", "101",
                   "101 to report the crime; 999 if anyone is in danger."),
]
