"""Leaks a review found: check details in the audit trail and the API below SENSITIVE."""

from datetime import date

from django.urls import reverse

from schoolkeep.accounts.services import token_create
from schoolkeep.people.models import CheckType, PersonKind
from schoolkeep.people.services import check_save, person_create


def _person_with_identity_check(personas):
    person = person_create(school=personas.school, actor=personas.siro, full_name="Kit Doe",
                           kind=PersonKind.SUPPORT, staff_number="K1")
    check_save(person=person, actor=personas.siro, check_type=CheckType.IDENTITY,
               status="done", done_on=date(2024, 9, 2), checked_by="Ann Checker",
               evidence="Passport 123456789", notes="Seen in person")
    return person


def test_the_audit_trail_shows_check_details_only_as_changed(personas, login):
    _person_with_identity_check(personas)
    export = login(personas.dpo).get(reverse("audit:event-export"))
    text = b"".join(export.streaming_content).decode()
    assert "people.check.created" in text
    assert "Passport 123456789" not in text and "Ann Checker" not in text


def test_the_api_hides_who_checked_and_the_evidence_below_sensitive(personas, client):
    person = _person_with_identity_check(personas)
    url = reverse("api:person-checks", kwargs={"person_id": person.public_id})
    url += f"?school={personas.school.slug}"
    _, trust_token = token_create(user=personas.trust_admin, name="t", actor=personas.trust_admin)
    body = client.get(url, headers={"Authorization": f"Bearer {trust_token}"}).json()
    identity = next(c for c in body["items"] if c["check_type"] == "identity")
    assert identity["status"] == "done" and "done_on" in identity
    assert "checked_by" not in identity and "evidence" not in identity
    _, hr_token = token_create(user=personas.hr_admin, name="h", actor=personas.hr_admin)
    body = client.get(url, headers={"Authorization": f"Bearer {hr_token}"}).json()
    identity = next(c for c in body["items"] if c["check_type"] == "identity")
    assert identity["evidence"] == "Passport 123456789"
