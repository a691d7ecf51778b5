"""Two managers opening one form of a person at once (issue 12, finding 5): the exception to
the rules, the leaving date and the account link carry the version they were opened with,
and the second save is refused naming who saved first."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from tests.fixtures import own_browser
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.lib.errors import StaleVersion
from schoolkeep.people import services
from schoolkeep.people.models import CheckOverride, Person

pytestmark = pytest.mark.django_db



def _person(personas: Personas) -> Person:
    return services.person_create(school=personas.school, actor=personas.hr_admin,
                                  full_name="Pat Jones", kind="contractor")


def _opened(client: Client, url: str) -> dict[str, str]:
    form = client.get(url).context["form"]
    return {"version": str(form["version"].value())}


def _refused_naming(response: object, who: User) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "Someone else changed" in html and str(who) in html
    return html


def test_an_exception_opened_at_once_is_not_overwritten(personas: Personas) -> None:
    person = _person(personas)
    url = reverse("people:override-edit", args=[person.public_id, "enhanced_dbs"])
    hr, siro = own_browser(personas.hr_admin), own_browser(personas.siro)
    hr_opened, siro_opened = _opened(hr, url), _opened(siro, url)
    assert hr.post(url, {**hr_opened, "required": "yes",
                         "reason": "Unsupervised work"}).status_code == 302
    html = _refused_naming(siro.post(url, {**siro_opened, "required": "no",
                                           "reason": "Always supervised"}), personas.hr_admin)
    assert "Always supervised" in html
    override = CheckOverride.objects.get(person=person)
    assert override.required and override.reason == "Unsupervised work"

    # Changed once more by the SIRO (now at version 2): the HR page opened before is stale,
    # for removing the exception as for changing it.
    siro_opened = _opened(siro, url)
    assert siro.post(url, {**siro_opened, "required": "yes",
                           "reason": "Works alone at weekends"}).status_code == 302
    _refused_naming(hr.post(url, {"action": "clear", "version": "1"}), personas.siro)
    assert CheckOverride.objects.get(person=person).version == 2
    assert hr.post(url, {"action": "clear", "version": "2"}).status_code == 302
    assert not CheckOverride.objects.exists()


def test_a_leaving_date_opened_before_a_change_is_refused(personas: Personas) -> None:
    person = _person(personas)
    url = reverse("people:person-leaver", args=[person.public_id])
    hr, siro = own_browser(personas.hr_admin), own_browser(personas.siro)
    hr_opened, siro_opened = _opened(hr, url), _opened(siro, url)
    assert hr.post(url, {**hr_opened, "leaving_date": "2026-07-21"}).status_code == 302
    _refused_naming(siro.post(url, {**siro_opened, "leaving_date": "2026-08-31"}),
                    personas.hr_admin)
    assert str(Person.objects.get(pk=person.pk).leaving_date) == "2026-07-21"


def test_an_account_link_opened_before_a_change_is_refused(personas: Personas) -> None:
    person = _person(personas)
    url = reverse("people:person-link-account", args=[person.public_id])
    hr, siro = own_browser(personas.hr_admin), own_browser(personas.siro)
    hr_opened, siro_opened = _opened(hr, url), _opened(siro, url)
    assert hr.post(url, {**hr_opened, "user": str(personas.staff.public_id)}
                   ).status_code == 302
    _refused_naming(siro.post(url, {**siro_opened, "user": ""}), personas.hr_admin)
    assert Person.objects.get(pk=person.pk).user == personas.staff


def test_the_services_compare_the_version(personas: Personas) -> None:
    person = _person(personas)
    services.override_set(person=person, actor=personas.hr_admin, check_type="enhanced_dbs",
                          required=True, reason="First", version=0)
    with pytest.raises(StaleVersion):
        services.override_set(person=person, actor=personas.siro, check_type="enhanced_dbs",
                              required=False, reason="Second", version=0)
    with pytest.raises(StaleVersion):
        services.override_clear(person=person, actor=personas.siro,
                                check_type="enhanced_dbs", version=7)
    with pytest.raises(StaleVersion):
        services.person_mark_leaver(person=person, actor=personas.siro,
                                    leaving_date=person.created_at.date(), version=9)
