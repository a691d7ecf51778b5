"""The rules Schoolkeep ships, taken from the policy (``seed/online-security-policy.txt``):
only the cells the policy names have channels; every other cell is "ask the DPO".

Each default quotes the policy's sentence it comes from, so that a school reading the rules
table sees why a channel is there.
"""

from __future__ import annotations

from dataclasses import dataclass

from schoolkeep.transfers.models import DataKind, Recipient

LA_GUIDELINES = ("Follow the local authority's guidelines for sending data to its"
                 " professionals and their partners in children's services, health, welfare"
                 " and social services.")


@dataclass(frozen=True)
class DefaultRule:
    channels: tuple[str, ...]  # catalogue keys, in the order to offer them
    note: str
    policy: str  # the policy's sentence


_S2S = DefaultRule(("dfe-s2s",), "",
                   "We use the DfE S2S site to securely transfer CTF pupil data files to other"
                   " schools.")
_ANYCOMMS = DefaultRule(("anycomms",), "",
                        "We use the secure AnyComms system to transfer CTF admissions data.")
_EGRESS_POLICY = ("We use Egress secure file transfer system to send and receive sensitive or"
                  " confidential data files.")
_EGRESS = DefaultRule(("egress",), "", _EGRESS_POLICY)
_EGRESS_LA = DefaultRule(("egress",), LA_GUIDELINES, _EGRESS_POLICY)
_USO_FX2 = DefaultRule(
    ("uso-fx2", "egress"),
    "USO-FX2 for schools in London; Egress for a school outside London.",
    "We use London Grid for Learning (LGfL) Unified Sign On File Exchange (USO-FX2) to"
    " transfer other data to schools in London, such as references, reports of children.")
_AUTOUPDATE = DefaultRule(
    ("autoupdate",),
    "Only to create online accounts for LGfL's broadband services. For any other supplier,"
    " ask the DPO.",
    "We use the LGfL secure data transfer system, Atomwide's AutoUpdate, for creation of"
    " online user accounts for access to broadband services.")

# Partners named by the policy's sentence on the local authority's guidelines.
_LA_PARTNERS = (Recipient.LOCAL_AUTHORITY, Recipient.HEALTH, Recipient.SOCIAL_CARE)

DEFAULT_RULES: dict[tuple[str, str], DefaultRule] = {
    (DataKind.CTF_PUPIL_FILE, Recipient.SCHOOL): _S2S,
    (DataKind.ADMISSIONS_FILE, Recipient.LOCAL_AUTHORITY): _ANYCOMMS,
    (DataKind.REFERENCES_REPORTS, Recipient.SCHOOL): _USO_FX2,
    # "... to transfer other data to schools in London": other data to a school as well.
    (DataKind.OTHER, Recipient.SCHOOL): _USO_FX2,
    (DataKind.SAFEGUARDING, Recipient.SCHOOL): _EGRESS,
    (DataKind.SAFEGUARDING, Recipient.POLICE): _EGRESS,
    (DataKind.SEN, Recipient.SCHOOL): _EGRESS,
    (DataKind.BULK_PUPIL, Recipient.SUPPLIER): _AUTOUPDATE,
    (DataKind.STAFF, Recipient.SUPPLIER): _AUTOUPDATE,
    (DataKind.STAFF, Recipient.LOCAL_AUTHORITY): _EGRESS_LA,
    (DataKind.BULK_PUPIL, Recipient.LOCAL_AUTHORITY): _EGRESS_LA,
    **{(kind, partner): _EGRESS_LA
       for kind in (DataKind.SAFEGUARDING, DataKind.SEN, DataKind.REFERENCES_REPORTS)
       for partner in _LA_PARTNERS},
}

# The policy's reminders, shown with every answer about data of the kinds they concern.
INITIALS = "Use pupils' initials, not their names, wherever you can in e-mails."
ENCRYPT = ("OFFICIAL-SENSITIVE (Protect or Restricted) material must be encrypted before it"
           " leaves the school: send it only by the approved channel, never as an ordinary"
           " e-mail attachment or on an unencrypted memory stick.")

_ABOUT_PUPILS = {DataKind.CTF_PUPIL_FILE, DataKind.ADMISSIONS_FILE,
                 DataKind.REFERENCES_REPORTS, DataKind.SAFEGUARDING, DataKind.SEN,
                 DataKind.BULK_PUPIL, DataKind.OTHER}
_SENSITIVE = {DataKind.CTF_PUPIL_FILE, DataKind.ADMISSIONS_FILE, DataKind.SAFEGUARDING,
              DataKind.SEN, DataKind.STAFF, DataKind.BULK_PUPIL, DataKind.REFERENCES_REPORTS}


def reminders_for(data_kind: str) -> list[str]:
    """The policy's reminders for sending data of this kind."""
    found = []
    if data_kind in _ABOUT_PUPILS:
        found.append(INITIALS)
    if data_kind in _SENSITIVE:
        found.append(ENCRYPT)
    return found
