"""The response letter, after review: what it must not reveal (an item withheld under
safeguarding, serious harm or crime, its search, its record's Article 15 details), each
law's own citations (an EIR letter never cites the Act, an FOI letter never the
Regulations), the public interest reasons left for the DPO to write, the reason for an
extension by kind, Article 15 when the register does not describe a place or nothing is
held, and the educational record's own route of complaint."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from docx import Document
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.assets.services import asset_create, group_get_or_create
from schoolkeep.inforequests.exports.letter import (
    DPO_PUBLIC_INTEREST,
    ICO_WEBSITE,
    letter_data,
    letter_docx,
)
from schoolkeep.inforequests.models import (
    Exemption,
    Extension,
    Kind,
    Outcome,
    Request,
    RequesterType,
    ScheduleItem,
    SearchTask,
    Status,
)
from schoolkeep.privacy.schedule.models import LegacyRetentionText

TODAY = date(2026, 3, 20)
DPO_NOTE = "[For the DPO, delete before sending:"


def text_of(request: Request) -> str:
    document = Document(io.BytesIO(letter_docx(letter_data(request, today=TODAY))))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def body_of(text: str) -> str:
    """The letter without the DPO's notes (which they delete before sending)."""
    return "\n".join(line for line in text.splitlines() if not line.startswith(DPO_NOTE))


def answered(personas: Personas, *, kind: str = Kind.SUBJECT_ACCESS,
             outcome: str = Outcome.PARTIAL, **fields: Any) -> Request:
    made = make_request(personas, kind=kind,
                        received_at=datetime(2026, 2, 2, 10, 0, tzinfo=UTC), **fields)
    Request.objects.filter(pk=made.pk).update(status=Status.ANSWERED, outcome=outcome,
                                              responded_on=date(2026, 2, 27),
                                              due_on=date(2026, 3, 2))
    made.refresh_from_db()
    return made


def public(personas: Personas, kind: str) -> Request:
    return answered(personas, kind=kind, requester_type=RequesterType.PUBLIC,
                    requester_name="Robin Reporter", subject_type="", subject_name="",
                    description="The school's plans for the playing field.")


def withhold(request: Request, number: int, exemption: str, *,
             source: str = "Governors' papers", search: SearchTask | None = None,
             decision: str = ScheduleItem.Decision.WITHHELD) -> ScheduleItem:
    return ScheduleItem.objects.create(request=request, number=number, source=source,
                                       search=search, description=f"Paper {number}",
                                       decision=decision, exemption=exemption)


# 1. What the letter must not reveal ------------------------------------------------------

def cpoms_case(personas: Personas, *, linked: bool) -> tuple[Request, str, str]:
    """A parent's subject access request about their child: the behaviour log found an
    incident report (disclosed); CPOMS found a child-protection record, withheld under
    safeguarding (linked to its search, or only named as its source)."""
    made = answered(personas)
    group = group_get_or_create(school=personas.school, name="Pupils", actor=None)
    behaviour = asset_create(school=personas.school, actor=None, group=group,
                             name="Behaviour log", purpose="Behaviour and rewards",
                             recipients="No one")
    purpose = "Recording concerns about children's welfare and child protection"
    recipients = "Thames Valley Police and children's social care"
    cpoms = asset_create(school=personas.school, actor=None, group=group, name="CPOMS",
                         purpose=purpose, recipients=recipients)
    LegacyRetentionText.objects.create(asset=cpoms, text="Until the child is 25")
    found = SearchTask.objects.create(request=made, asset=behaviour, place="Behaviour log",
                                      state=SearchTask.State.FOUND,
                                      searched_on=date(2026, 2, 10))
    concern = SearchTask.objects.create(request=made, asset=cpoms, place="CPOMS",
                                        state=SearchTask.State.FOUND,
                                        searched_on=date(2026, 2, 11))
    ScheduleItem.objects.create(request=made, number=1, source="Behaviour log",
                                search=found, description="Incident report",
                                decision=ScheduleItem.Decision.DISCLOSED)
    withhold(made, 2, Exemption.SAFEGUARDING, source="CPOMS",
             search=concern if linked else None)
    return made, purpose, recipients


@pytest.mark.parametrize("linked", [True, False], ids=["linked-to-its-search", "by-source"])
def test_an_item_withheld_under_safeguarding_is_left_out_of_the_letter(
        personas: Personas, linked: bool) -> None:
    made, purpose, recipients = cpoms_case(personas, linked=linked)
    text = text_of(made)
    body = body_of(text)
    for revealing in ("CPOMS", purpose, recipients, "Police", "Until the child is 25",
                      "Item 2", "keeping a child safe", "safeguarding",
                      "What we have not shared"):
        assert revealing not in body
    # The DPO is told, by count only, and the note is marked to delete.
    assert ("[For the DPO, delete before sending: 1 item withheld under Child abuse data "
            "(safeguarding) is left out of this letter so that it does not reveal it") in text
    assert "CPOMS" not in text and purpose not in text
    # What was found elsewhere is still there, with its record's details.
    assert "Behaviour log: information found, searched on 10 February 2026" in body
    assert "Item 1, from Behaviour log: Incident report." in body
    assert "Why we hold it: Behaviour and rewards." in body


def test_a_record_that_also_gave_something_shared_is_still_named(
        personas: Personas) -> None:
    made, purpose, _ = cpoms_case(personas, linked=True)
    concern = SearchTask.objects.get(request=made, place="CPOMS")
    ScheduleItem.objects.create(request=made, number=3, source="CPOMS", search=concern,
                                description="Attendance note",
                                decision=ScheduleItem.Decision.DISCLOSED)
    body = body_of(text_of(made))
    assert "CPOMS: information found" in body and purpose in body  # shared: not hidden
    assert "Item 2" not in body and "safeguarding" not in body  # the withheld one still is


def test_other_withheld_items_give_their_number_and_reason_never_their_source(
        personas: Personas) -> None:
    made = answered(personas)
    withhold(made, 1, Exemption.THIRD_PARTY, source="Staff e-mail")
    withhold(made, 2, Exemption.CRIME, source="Police request log")
    withhold(made, 3, Exemption.SERIOUS_HARM, source="Counsellor's notes",
             decision=ScheduleItem.Decision.REDACTED)
    text = text_of(made)
    body = body_of(text)
    assert ("Item 1: not shared because it is about other people, and it would not be fair "
            "to them to share it without their agreement.") in body
    assert "Staff e-mail" not in text
    assert "Item 2" not in body and "Police" not in text and "crime" not in body
    assert "1 item withheld under Crime and taxation is left out" in text
    # Parts removed under serious harm: the item is listed, the reason is not.
    assert "Item 3, from Counsellor's notes: Paper 3. Some parts are removed, as the law " \
           "allows." in body
    assert "serious harm" not in body.lower()
    assert ("1 item with parts removed under Serious harm to physical or mental health is "
            "listed without the reason") in text


# 2 and 3. Each law's own citations; the public interest; OTHER and section 21 ------------

def test_an_eir_refusal_cites_the_regulations_never_the_act(personas: Personas) -> None:
    made = public(personas, Kind.EIR)
    Extension.objects.create(request=made, decided_on=date(2026, 2, 20), amount=20,
                             reason="Complex and voluminous", told_on=date(2026, 2, 20))
    withhold(made, 1, Exemption.EIR_12_5_E)
    withhold(made, 2, Exemption.EIR_13)
    withhold(made, 3, Exemption.FOI_S43)  # the Act's exemption, marked by mistake
    withhold(made, 4, Exemption.OTHER)
    text = text_of(made)
    assert ("This letter is our refusal notice under regulation 14 of the Environmental "
            "Information Regulations 2004") in text
    assert ("Regulation 12(5)(e) of the Environmental Information Regulations 2004 "
            "(commercial confidentiality). It applies because it is commercial information "
            "kept confidential by law") in text
    assert "Regulation 13 of the Environmental Information Regulations 2004 (personal " \
           "data)." in text
    # The public interest test of regulation 12(1)(b), for the exceptions it governs only.
    assert "Under regulation 12(1)(b) we may withhold information under this exception" in text
    assert "regulation 12(2)" in text
    assert f"Regulation 12(5)(e) (commercial confidentiality): {DPO_PUBLIC_INTEREST}" in text
    assert "Regulation 13 (personal data): [For the DPO" not in text
    # Never the Act: the mistaken code and "another exemption" are left to the DPO.
    assert not re.search(r"\bsections? \d", text, re.IGNORECASE)
    assert "Freedom of Information" not in text and "FOI" not in text
    assert ("[For the DPO: an item is marked \u201ccommercial interests\u201d, which is not an "
            "exception of the Regulations: name the exception of the Regulations") in text
    assert ("[For the DPO: an item is withheld under another exemption: name the exception "
            "of the Regulations that applies") in text
    assert "named in the note" not in text and "reasons below explain" not in text
    # 4. The extension's reason is the Regulations'.
    assert ("we needed 20 working days more to reply because your request is complex and "
            "voluminous, as regulation 7 of the Environmental Information Regulations 2004 "
            "allows.") in text
    assert "which oversees the Environmental Information Regulations 2004" in text


def test_an_foi_refusal_cites_the_act_never_the_regulations(personas: Personas) -> None:
    made = public(personas, Kind.FOI)
    Extension.objects.create(request=made, decided_on=date(2026, 2, 20), amount=10,
                             reason="Public interest", told_on=date(2026, 2, 20))
    withhold(made, 1, Exemption.FOI_S21)
    withhold(made, 2, Exemption.FOI_S40)
    withhold(made, 3, Exemption.FOI_S36)
    withhold(made, 4, Exemption.FOI_S22)
    withhold(made, 5, Exemption.EIR_13)  # the Regulations' exception, marked by mistake
    withhold(made, 6, Exemption.OTHER)
    text = text_of(made)
    assert "refusal notice under section 17 of the Freedom of Information Act 2000" in text
    assert not re.search(r"\bregulations? \d", text, re.IGNORECASE)
    assert "Environmental Information" not in text and "EIR" not in text
    # Section 21: where the information can be found, for the DPO to say.
    assert ("Item 1: not shared under section 21 because you can already get it another "
            "way: [For the DPO: say where the information can be found") in text
    # Section 17(3): the public interest reasons of each qualified exemption, for the DPO.
    assert "These exemptions apply only when the public interest in withholding" in text
    assert f"Section 36 (conduct of public affairs): {DPO_PUBLIC_INTEREST}" in text
    assert f"Section 22 (intended for future publication): {DPO_PUBLIC_INTEREST}" in text
    assert "Section 40 (personal information): [For the DPO" not in text  # absolute
    assert "Section 21 (reasonably accessible by other means): [For the DPO" not in text
    # "Another exemption": a marked line naming what the DPO must write.
    assert ("[For the DPO: an item is withheld under another exemption: name the section "
            "of the Act that applies, say why it applies") in text
    assert "Item 6: not shared because [For the DPO: name the exemption that applies" in text
    assert "named in the note" not in text and "reasons below explain" not in text
    # 4. The extension's reason is the Act's.
    assert ("we needed 10 working days more to reply, to consider the public interest, as "
            "section 10(3) of the Freedom of Information Act 2000 allows.") in text


def test_an_foi_letter_with_only_absolute_exemptions_claims_no_public_interest_test(
        personas: Personas) -> None:
    made = public(personas, Kind.FOI)
    withhold(made, 1, Exemption.FOI_S40)
    text = text_of(made)
    assert "Section 40 of the Freedom of Information Act 2000 (personal information)" in text
    assert "public interest" not in text


# 4. The rights' extension --------------------------------------------------------------------

def test_a_subject_access_extension_gives_the_rights_reason(personas: Personas) -> None:
    made = answered(personas)
    Extension.objects.create(request=made, decided_on=date(2026, 2, 20), amount=2,
                             reason="Numerous", told_on=date(2026, 2, 20))
    assert ("As we told you, we needed 2 months more to reply because your request is "
            "complex, or because of the number of requests you made") in text_of(made)


# 5. Article 15 -------------------------------------------------------------------------------

def test_a_place_not_in_the_register_gets_the_privacy_notice_and_a_line_for_the_dpo(
        personas: Personas) -> None:
    made = answered(personas, outcome=Outcome.FULL)
    SearchTask.objects.create(request=made, place="Head's paper file",
                              state=SearchTask.State.FOUND, searched_on=date(2026, 2, 9))
    text = text_of(made)
    assert "More about how we use this information" in text
    assert "[For the DPO: add about Head's paper file why we hold the information" in text
    assert "Our privacy notice explains why we hold information like this" in text
    assert "it came from the records named above" in text
    assert "[For the DPO: automated decision-making, if any" in text
    assert ("We do not make any decision about the person this information is about by "
            "automated means alone, including profiling.") in text


def test_when_nothing_is_held_the_letter_names_no_source(personas: Personas) -> None:
    made = answered(personas, outcome=Outcome.NOTHING_HELD)
    SearchTask.objects.create(request=made, place="E-mail archive",
                              state=SearchTask.State.NOTHING, searched_on=date(2026, 2, 9))
    text = text_of(made)
    assert "hold no information of the kind you asked for" in text
    assert "came from the records named above" not in text
    assert "More about how we use this information" not in text


def test_when_no_search_records_a_find_the_source_is_left_to_the_dpo(
        personas: Personas) -> None:
    made = answered(personas, outcome=Outcome.FULL)
    text = text_of(made)
    assert "came from the records named above" not in text
    assert "[For the DPO: say where the information came from" in text
    assert "Our privacy notice explains" in text


# 6. The educational record -------------------------------------------------------------------

def test_the_educational_record_letter_points_to_the_governing_body_not_the_ico(
        personas: Personas) -> None:
    made = answered(personas, kind=Kind.EDUCATIONAL_RECORD, outcome=Outcome.FULL)
    text = text_of(made)
    assert "You asked to see a pupil's educational record." in text
    assert "asked for to see" not in text
    assert "complain to the school's governing body" in text
    assert "Secretary of State for Education" in text
    assert ICO_WEBSITE not in text and "Information Commissioner" not in text
    assert "a court" not in text


def test_data_protection_letters_keep_the_ico(personas: Personas) -> None:
    made = answered(personas, kind=Kind.EXAM_MARKS, outcome=Outcome.FULL)
    text = text_of(made)
    assert "You asked for exam marks before the results are published." in text
    assert ICO_WEBSITE in text and "ask a court to order us to comply" in text
    assert "governing body" not in text
