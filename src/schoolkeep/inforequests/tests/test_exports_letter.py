"""The response letter, read back with python-docx: addressed to the requester, with the
reference and what was asked, where the school searched, what is enclosed, what was
withheld and why (never the withheld item's description), Article 15's supplementary
information from the assets in which something was found, the ICO; for FOI the refusal
notice and the internal review. Only handlers from whom the request is not hidden get it;
every download is audited by reference, without names."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.assets.services import asset_create, group_get_or_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.exports.letter import (
    ICO_HELPLINE,
    ICO_WEBSITE,
    letter_data,
    letter_docx,
    request_letter_download,
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
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.privacy.schedule.models import LegacyRetentionText

TODAY = date(2026, 3, 20)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def subject_access(personas: Personas, **fields: Any) -> Request:
    """A parent's subject access request about Sam, answered in part: searched in the
    behaviour log (found) and the e-mail archive (nothing), one place not needed; three
    items: disclosed, redacted (third party), withheld (a confidential reference)."""
    made = make_request(personas, received_at=datetime(2026, 2, 2, 10, 0, tzinfo=UTC),
                        requester_contact="pat@example.com\n1 Oak Lane, Leeds")
    values = {"status": Status.ANSWERED, "responded_on": date(2026, 2, 27),
              "outcome": Outcome.PARTIAL, "due_on": date(2026, 3, 2), **fields}
    Request.objects.filter(pk=made.pk).update(**values)
    made.refresh_from_db()
    group = group_get_or_create(school=personas.school, name="Pupils", actor=None)
    behaviour = asset_create(
        school=personas.school, actor=None, group=group, name="Behaviour log",
        purpose="To support pupils' behaviour and keep them safe",
        lawful_basis="public_task", personal_data="Incidents, sanctions and rewards",
        recipients="The local authority's inclusion team", transfers_outside_uk="None")
    archive = asset_create(school=personas.school, actor=None, group=group,
                           name="E-mail archive", purpose="Correspondence")
    # Retention written before the schedule (privacy 0005 kept the register's old text).
    LegacyRetentionText.objects.create(asset=behaviour, text="Until the pupil is 25")
    LegacyRetentionText.objects.create(asset=archive, text="Two years")
    SearchTask.objects.create(request=made, asset=behaviour, place="Behaviour log",
                              state=SearchTask.State.FOUND, searched_on=date(2026, 2, 10))
    SearchTask.objects.create(request=made, asset=archive, place="E-mail archive",
                              state=SearchTask.State.NOTHING, searched_on=date(2026, 2, 11))
    SearchTask.objects.create(request=made, place="Old paper files",
                              state=SearchTask.State.NOT_NEEDED)
    ScheduleItem.objects.create(request=made, number=1, source="Behaviour log",
                                description="Incident report of 3 March 2025",
                                decision=ScheduleItem.Decision.DISCLOSED)
    ScheduleItem.objects.create(request=made, number=2, source="Behaviour log",
                                description="Class teacher's note about the trip",
                                decision=ScheduleItem.Decision.REDACTED,
                                exemption=Exemption.THIRD_PARTY,
                                redactions="Names of two other pupils")
    ScheduleItem.objects.create(request=made, number=3, source="Counsellor's notes",
                                description="Counsellor's assessment of Sam",
                                decision=ScheduleItem.Decision.WITHHELD,
                                exemption=Exemption.REFERENCES)
    return made


def test_the_subject_access_letter_says_what_was_searched_enclosed_and_withheld(
        personas: Personas) -> None:
    made = subject_access(personas)
    text = docx_text(letter_docx(letter_data(made, today=TODAY)))
    assert f"Your request: our reference {made.reference}" in text
    assert "Oakfield Primary" in text and "27 February 2026" in text  # dated the response
    assert "Dear Pat Parent," in text and "1 Oak Lane, Leeds" in text
    assert "which we received on 2 February 2026" in text
    assert "a copy of personal information we hold" in text
    assert "Every record about Sam's behaviour in Year 5." in text  # what was asked
    assert "The request is about Sam Pupil." in text  # the parent asked about their child
    # Where the school searched: states in words; a place not needed is not listed.
    assert "Behaviour log: information found, searched on 10 February 2026" in text
    assert "E-mail archive: nothing found, searched on 11 February 2026" in text
    assert "Old paper files" not in text
    # Enclosed, with the reason for the redactions.
    assert "Item 1, from Behaviour log: Incident report of 3 March 2025." in text
    assert ("Item 2, from Behaviour log: Class teacher's note about the trip. Some parts are "
            "removed because it is about other people") in text
    # Withheld: by number with the reason in plain words, never what it is or its source.
    assert "Item 3: not shared because it is a reference given in confidence." in text
    assert "Counsellor's assessment" not in text and "Counsellor's notes" not in text
    assert "[For the DPO, delete before sending" not in text  # nothing left out
    # Article 15: only the asset in which something was found.
    assert "More about how we use this information" in text
    assert ("Why we hold it: To support pupils' behaviour and keep them safe. Our lawful "
            "basis: Public task (Article 6(1)(e)).") in text
    assert "What it holds: Incidents, sanctions and rewards." in text
    assert "Who we share it with: The local authority's inclusion team." in text
    assert "How long we keep it: Until the pupil is 25." in text
    assert "Two years" not in text  # the e-mail archive held nothing about them
    assert "Where the information came from" in text and "Your other rights" in text
    assert "it came from the records named above" in text
    assert "[For the DPO: automated decision-making, if any" in text
    assert "privacy notice" not in text  # every place with a find is in the register
    # The ICO.
    assert ICO_WEBSITE in text and ICO_HELPLINE in text and "Wilmslow" in text
    assert "refusal notice" not in text
    assert "after 2 March 2026" not in text  # answered in time: no apology


def test_a_late_answer_apologises_with_its_reason_and_names_the_extension(
        personas: Personas) -> None:
    made = subject_access(personas, responded_on=date(2026, 3, 4),
                          late_reason="The behaviour log was being moved")
    Extension.objects.create(request=made, decided_on=date(2026, 2, 20), amount=1,
                             reason="Complex", told_on=date(2026, 2, 20))
    text = docx_text(letter_docx(letter_data(made, today=TODAY)))
    assert "we needed 1 month more to reply" in text
    assert ("We are sorry that this reply reaches you after 2 March 2026, the date by which "
            "we should have replied. The behaviour log was being moved.") in text


def test_an_foi_refusal_carries_the_refusal_notice_and_the_internal_review(
        personas: Personas) -> None:
    made = make_request(personas, kind=Kind.FOI, requester_type=RequesterType.PUBLIC,
                        requester_name="Robin Reporter", subject_type="", subject_name="",
                        description="The school's spending on agency staff in 2025.",
                        received_at=datetime(2026, 1, 12, 9, 0, tzinfo=UTC))
    Request.objects.filter(pk=made.pk).update(
        status=Status.ANSWERED, responded_on=date(2026, 2, 5), due_on=date(2026, 2, 9),
        outcome=Outcome.PARTIAL, outcome_reason="Releasing the rates would harm the "
        "agencies' tendering")
    made.refresh_from_db()
    ScheduleItem.objects.create(request=made, number=1, source="Finance system",
                                description="Totals by month",
                                decision=ScheduleItem.Decision.DISCLOSED)
    ScheduleItem.objects.create(request=made, number=2, source="Finance system",
                                description="Day rates of each agency",
                                decision=ScheduleItem.Decision.WITHHELD,
                                exemption=Exemption.FOI_S43)
    text = docx_text(letter_docx(letter_data(made, today=TODAY)))
    assert "information under the Freedom of Information Act 2000" in text
    assert "refusal notice under section 17 of the Freedom of Information Act 2000" in text
    assert ("Section 43 of the Freedom of Information Act 2000 (commercial interests). It "
            "applies because sharing it would be likely to harm someone's commercial "
            "interests.") in text
    assert "Item 2: not shared under section 43 because sharing it would be likely to " \
           "harm someone's commercial interests." in text
    # Section 17(3): the public interest reasons, for the DPO to write.
    assert "We weighed the two" in text
    assert ("Section 43 (commercial interests): [For the DPO: the public interest "
            "reasons:") in text
    assert "ask us to review our reply" in text and "within 40 working days" in text
    assert "Day rates of each agency" not in text
    assert "More about how we use this information" not in text  # not subject access
    assert "The request is about" not in text
    assert ICO_HELPLINE in text


def test_a_refusal_gives_the_outcome_and_its_reason(personas: Personas) -> None:
    made = make_request(personas, kind=Kind.ERASURE)
    Request.objects.filter(pk=made.pk).update(
        status=Status.ANSWERED, responded_on=date(2026, 2, 5), due_on=date(2099, 1, 1),
        outcome=Outcome.REFUSED_UNFOUNDED, outcome_reason="The same request was answered "
        "last week")
    made.refresh_from_db()
    text = docx_text(letter_docx(letter_data(made, today=TODAY)))
    assert ("We are not able to do what you asked: Refused: manifestly unfounded. Our "
            "reasons: The same request was answered last week.") in text
    assert "personal information we hold to be deleted" in text
    assert "ask a court to order us to comply" in text


def test_the_letter_page_downloads_word_and_audits_by_reference(
        personas: Personas, login: Any) -> None:
    made = subject_access(personas)
    response = login(personas.dpo).get(reverse("requests:request-letter",
                                               args=[made.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == ("application/vnd.openxmlformats-officedocument."
                                        "wordprocessingml.document")
    assert f"response-letter-{made.reference}.docx" in response["Content-Disposition"]
    assert "Dear Pat Parent," in docx_text(response.content)
    event = AuditEvent.objects.get(action="requests.letter.downloaded")
    assert event.target_label == made.reference
    assert event.changes == {"format": "docx"}


def test_the_letter_is_refused_to_readers_and_hidden_from_those_it_is_hidden_from(
        personas: Personas, login: Any) -> None:
    made = subject_access(personas)
    url = reverse("requests:request-letter", args=[made.public_id])
    assert login(personas.auditor).get(url).status_code == 403
    made.hidden_from.add(personas.dpo)
    assert login(personas.dpo).get(url).status_code == 404
    assert login(personas.siro).get(url).status_code == 200
    with pytest.raises(NotAllowed):
        request_letter_download(request=made, actor=personas.dpo)
    with pytest.raises(NotAllowed):
        request_letter_download(request=made, actor=personas.auditor)
    assert AuditEvent.objects.filter(action="requests.letter.downloaded").count() == 1


def test_another_schools_request_is_not_found(personas: Personas, login: Any) -> None:
    made = subject_access(personas)
    response = login(personas.outsider).get(reverse("requests:request-letter",
                                                    args=[made.public_id]))
    assert response.status_code == 404
