"""The suppliers' part after review: a person's erasure blanks the names a supplier keeps,
the "agreement missing" duty leads to the page that settles it, suggestions leave out what
is already linked, one rule for the yearly review, long folding names, Word documents with
macros, and adequacy regulations that must be named."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.duties.types import DUE, HORIZON, OVERDUE, Duty
from schoolkeep.lib.errors import DomainError
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.privacy.erasure.people import erase_people
from schoolkeep.privacy.erasure.registry import covered_models
from schoolkeep.privacy.suppliers import duties, selectors, services
from schoolkeep.privacy.suppliers.models import Processor
from schoolkeep.privacy.tests.suppliers_support import organisation, supplier, system
from schoolkeep.privacy.tests.test_suppliers_api import Api
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db


def _duties(school: School, kind: str) -> list[Duty]:
    now = timezone.now()
    every = duties.provider.for_school(school.pk, now=now, horizon=now + HORIZON)
    return [duty for duty in every if duty.key.startswith(f"{kind}:")]


# ----------------------------------------------------------------------- erasure


def test_erasing_the_reviewer_blanks_their_name_on_the_supplier(personas: Personas) -> None:
    dpo = personas.dpo
    person = Person.objects.create(school=personas.school, full_name=dpo.full_name,
                                   name_key=dpo.full_name.lower(), email=dpo.email,
                                   kind=PersonKind.SUPPORT, user=dpo)
    acme = supplier(personas.school, "Acme", contract_holder=dpo.full_name)
    acme = services.processor_review_record(acme, actor=dpo, version=acme.version,
                                            reviewed_on=timezone.localdate())
    kept = supplier(personas.school, "Kept Ltd", contract_holder="The business manager")
    theirs = supplier(personas.other_school, "Theirs Ltd", contract_holder=dpo.full_name)
    assert acme.last_reviewed_by_label and acme.contract_holder == dpo.full_name
    assert "privacy.processor" in covered_models()

    assert erase_people(personas.school, [person.pk], now=timezone.now()) == 1

    acme.refresh_from_db()
    assert (acme.last_reviewed_by_label, acme.contract_holder) == ("", "")
    assert acme.last_reviewed_on == timezone.localdate()  # the review itself stays
    assert Processor.objects.get(pk=kept.pk).contract_holder == "The business manager"
    assert Processor.objects.get(pk=theirs.pk).contract_holder == dpo.full_name


# ----------------------------------------------------------------------- the duty's link


def test_the_missing_agreement_leads_to_the_processor_already_recorded(
        personas: Personas) -> None:
    school = personas.school
    mis = system(school, "MIS", kind="mis")
    recorded = supplier(school, "MIS Co", systems=[mis])
    [duty] = _duties(school, duties.MISSING)
    assert duty.url == reverse("processors:processor-agreement", args=[recorded.public_id])
    assert duty.action == "Upload the signed agreement"


def test_with_no_supplier_the_duty_opens_the_add_form_filled_in_from_the_system(
        personas: Personas, client: Any) -> None:
    school = personas.school
    cctv = system(school, "Cameras", kind="cctv", supplier="Watchful Ltd")
    bare = system(school, "MIS", kind="mis")
    by_key = {duty.key: duty for duty in _duties(school, duties.MISSING)}
    add = reverse("processors:processor-add")
    cctv_url = by_key[f"{duties.MISSING}:{cctv.public_id}"].url
    assert cctv_url == f"{add}?{urlencode({'system': cctv.public_id})}"

    client.force_login(personas.dpo)
    page = client.get(cctv_url).content.decode()
    assert 'value="supplier:watchful ltd" selected' in page  # the system's supplier chosen
    response = client.post(cctv_url, {"suggestion": "supplier:watchful ltd",
                                      "role": "processor"})
    assert response.status_code == 302
    made = Processor.objects.get(school=school, name="Watchful Ltd")
    assert list(made.systems.all()) == [cctv]

    # A system with no supplier named: the form links it to the supplier entered.
    bare_url = by_key[f"{duties.MISSING}:{bare.public_id}"].url
    assert "It will be linked to the system MIS." in client.get(bare_url).content.decode()
    client.post(bare_url, {"name": "Schools MIS Ltd", "role": "processor"})
    assert list(Processor.objects.get(name="Schools MIS Ltd").systems.all()) == [bare]


def test_another_schools_system_in_the_link_is_ignored(personas: Personas,
                                                       client: Any) -> None:
    theirs = system(personas.other_school, "Their MIS", kind="mis")
    client.force_login(personas.dpo)
    url = f"{reverse('processors:processor-add')}?system={theirs.public_id}"
    assert "Their MIS" not in client.get(url).content.decode()
    client.post(url, {"name": "Acme", "role": "processor"})
    assert not Processor.objects.get(name="Acme").systems.exists()


# ----------------------------------------------------------------------- suggestions


def test_a_renamed_supplier_is_not_suggested_again(personas: Personas) -> None:
    school = personas.school
    capita = organisation(school, "Capita")
    sims = system(school, "SIMS", supplier="Capita")
    recorded = supplier(school, "Capita", outside_organisation=capita, systems=[sims])
    services.processor_update(recorded, actor=None, version=recorded.version,
                              name="Capita Education Ltd")
    assert selectors.suggestions(school=school) == []


def test_a_supplier_is_suggested_with_only_its_systems_not_linked_yet(
        personas: Personas) -> None:
    school = personas.school
    mis = system(school, "MIS", supplier="Edu Systems")
    payments = system(school, "Payments", supplier="Edu Systems")
    system(school, "Library", supplier="Books Co")
    supplier(school, "Edu Systems Group", systems=[mis])
    found = {s.name: [linked.name for linked in s.systems]
             for s in selectors.suggestions(school=school)}
    assert found == {"Books Co": ["Library"], "Edu Systems": ["Payments"]}
    supplier(school, "Edu Payments", systems=[payments])
    assert [s.name for s in selectors.suggestions(school=school)] == ["Books Co"]


# ----------------------------------------------------------------------- the yearly review


@pytest.mark.parametrize(("days_ago", "legacy", "due"), [
    (0, False, False),  # recorded today: due in a year
    (364, False, False),
    (365, False, True),  # a year to the day: due today
    (400, False, True),
    (0, True, True),  # recorded before Schoolkeep tracked agreements: at once
])
def test_one_rule_for_the_yearly_review_never_done(personas: Personas, days_ago: int,
                                                   legacy: bool, due: bool) -> None:
    """The list's filter, the page's reasons and the duty agree (a controller: no agreement
    is asked for, so the review is the only reason)."""
    school, today = personas.school, timezone.localdate()
    recorded = supplier(school, "Acme", role="controller")
    Processor.objects.filter(pk=recorded.pk).update(
        legacy=legacy, created_at=timezone.now() - timedelta(days=days_ago))
    recorded.refresh_from_db()
    listed = list(selectors.processor_list(school=school, attention=True, today=today))
    assert (recorded in listed) is due
    assert ("Yearly review due" in selectors.attention_reasons(recorded, today)) is due
    reviews = _duties(school, duties.REVIEW)
    assert any(duty.due_at <= today for duty in reviews) is due
    if due:
        assert reviews[0].status == (OVERDUE if days_ago > 365 else DUE)


# ----------------------------------------------------------------------- long names


def test_a_name_that_grows_when_folded_is_kept(personas: Personas, client: Any) -> None:
    api = Api(client, personas.dpo)
    response = api.post({"school": "oakfield", "name": "ß" * 200})
    assert response.status_code == 201, response.content
    made = Processor.objects.get(school=personas.school)
    assert made.name == "ß" * 200 and made.name_key == "s" * 200
    again = api.post({"school": "oakfield", "name": "ß" * 200})
    assert again.status_code == 422 and "name" in json.dumps(again.json()["detail"])


# ----------------------------------------------------------------------- Word documents


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


BODY = b'<?xml version="1.0" encoding="UTF-8"?><w:document/>'
TYPES = b"<Types/>"
MACRO_TYPES = (b'<Types><Override PartName="/word/document.xml" ContentType="application/'
               b'vnd.ms-word.document.macroEnabled.main+xml"/></Types>')


@pytest.mark.parametrize("parts", [
    {"[Content_Types].xml": TYPES, "word/document.xml": BODY, "word/vbaProject.bin": b"\0"},
    {"[Content_Types].xml": MACRO_TYPES, "word/document.xml": BODY},
    {"[Content_Types].xml": TYPES, "word/document.xml": b"<html><script>alert(1)</script>"},
    {"[Content_Types].xml": TYPES, "word/document.xml": b"MZ\x90\x00"},
])
def test_word_documents_with_macros_or_no_xml_are_refused(personas: Personas,
                                                         parts: dict[str, bytes]) -> None:
    acme = supplier(personas.school, "Acme")
    with pytest.raises(DomainError) as caught:
        services.processor_agreement_upload(
            acme, actor=personas.dpo, version=acme.version,
            uploaded_file=SimpleUploadedFile("a.docx", _zip(parts)),
            signed_on=timezone.localdate())
    assert caught.value.field == "agreement_file"
    acme.refresh_from_db()
    assert not acme.agreement_on_file and not acme.agreement_file


def test_a_plain_word_document_is_kept(personas: Personas) -> None:
    acme = supplier(personas.school, "Acme")
    data = _zip({"[Content_Types].xml": TYPES, "word/document.xml": b"\xef\xbb\xbf" + BODY})
    acme = services.processor_agreement_upload(
        acme, actor=personas.dpo, version=acme.version,
        uploaded_file=SimpleUploadedFile("a.docx", data), signed_on=timezone.localdate())
    assert acme.agreement_on_file and acme.agreement_file.endswith(".docx")


# ----------------------------------------------------------------------- adequacy


def test_an_adequacy_transfer_names_the_regulations(personas: Personas, client: Any) -> None:
    with pytest.raises(DomainError) as caught:
        supplier(personas.school, "Far Ltd", data_location="elsewhere",
                 transfer_mechanism="adequacy")
    assert caught.value.field == "transfer_mechanism_note"
    response = Api(client, personas.dpo).post({
        "school": "oakfield", "name": "Far Ltd", "data_location": "elsewhere",
        "transfer_mechanism": "adequacy"})
    assert response.status_code == 422
    assert "transfer_mechanism_note" in json.dumps(response.json()["detail"])
    assert not Processor.objects.exists()
    named = supplier(personas.school, "Far Ltd", data_location="elsewhere",
                     transfer_mechanism="adequacy", transfer_mechanism_note="Japan")
    assert named.transfer_mechanism_note == "Japan"
