"""The key contacts' telephone numbers: set by the SIRO in school settings (checked as UK
numbers, audited, refused when stale or by anyone else), shown on the key contacts page
beside how to report an incident, with a link to the report form for who may report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.tenancy.contacts import school_update_contacts, tel_uri, uk_phone

pytestmark = pytest.mark.django_db

SETTINGS = "tenancy:school-settings"


def numbers(version: int, **values: str) -> dict[str, object]:
    fields = {"dpo_phone": "", "siro_phone": "", "contact_hours": "", **values}
    return {"part": "contacts", "contacts-version": version,
            **{f"contacts-{name}": value for name, value in fields.items()}}


@pytest.mark.parametrize("typed", ["01632 960 001", "01632-960001", "(01632) 960001",
                                   "+44 7700 900982", "+44 (0)7700 900 982", "020 7946 0018"])
def test_uk_numbers_are_accepted_as_typed(typed: str) -> None:
    assert uk_phone(typed, field="dpo_phone", who="DPO") == typed


@pytest.mark.parametrize("typed", ["12345", "07700 900", "1632 960 001", "+33 1 23 45 67 89",
                                   "ring reception", "01632 960 001 ext 4"])
def test_anything_else_is_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(DomainError) as refused:
        uk_phone(typed, field="siro_phone", who="SIRO")
    assert refused.value.field == "siro_phone"
    assert "SIRO's telephone number as a UK number" in refused.value.message


def test_a_number_dials_from_a_phone() -> None:
    assert tel_uri("+44 (0)7700 900 982") == "tel:+447700900982"
    assert tel_uri("01632 960 001") == "tel:+441632960001"
    assert tel_uri("") == ""


def test_the_siro_sets_the_numbers_and_staff_see_them(personas, login) -> None:
    client = login(personas.siro)
    school = personas.school
    response = client.post(reverse(SETTINGS), numbers(
        school.version, dpo_phone="01632 960 417", siro_phone="07700 900 982",
        contact_hours="School days, 8am to 5pm."))
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.dpo_phone, school.siro_phone) == ("01632 960 417", "07700 900 982")
    event = AuditEvent.objects.get(action="tenancy.school.contacts_changed")
    assert event.changes["dpo_phone"] == {"before": "", "after": "01632 960 417"}
    html = login(personas.staff).get(reverse("tenancy:key-contacts")).content.decode()
    assert '<a href="tel:+441632960417">01632 960 417</a>' in html
    assert '<a href="tel:+447700900982">07700 900 982</a>' in html
    assert "School days, 8am to 5pm." in html
    assert f'href="{reverse("incidents:report")}"' in html  # staff may report


def test_a_bad_number_shows_the_error_and_saves_nothing(personas, login) -> None:
    client = login(personas.siro)
    response = client.post(reverse(SETTINGS), numbers(
        personas.school.version, dpo_phone="01632 960 417", siro_phone="not a number"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "Enter the SIRO&#x27;s telephone number as a UK number" in html
    personas.school.refresh_from_db()
    assert personas.school.dpo_phone == ""
    assert not AuditEvent.objects.filter(action="tenancy.school.contacts_changed").exists()


def test_a_stale_form_and_other_roles_are_refused(personas) -> None:
    school = personas.school
    with pytest.raises(StaleVersion):
        school_update_contacts(school=school, actor=personas.siro, version=school.version - 1,
                               dpo_phone="01632 960 417", siro_phone="", contact_hours="")
    with pytest.raises(NotAllowed):
        school_update_contacts(school=school, actor=personas.dpo, version=school.version,
                               dpo_phone="01632 960 417", siro_phone="", contact_hours="")


def test_the_settings_form_still_saves_on_its_own(personas, login) -> None:
    client = login(personas.siro)
    response = client.post(reverse(SETTINGS), {
        "part": "settings", "idle_timeout_minutes": 20, "require_mfa_for_all": "",
        "incident_reporting_instructions": "", "version": personas.school.version})
    assert response.status_code == 302
    personas.school.refresh_from_db()
    assert personas.school.idle_timeout_minutes == 20


def test_without_numbers_the_siro_is_told_where_to_add_them(personas, login) -> None:
    html = login(personas.siro).get(reverse("tenancy:key-contacts")).content.decode()
    assert "No telephone numbers yet" in html
    staff = login(personas.staff).get(reverse("tenancy:key-contacts")).content.decode()
    assert "No telephone numbers yet" not in staff
