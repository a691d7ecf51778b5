"""Two people edit one record: both open the edit page, the first saves, and the second's save
is refused naming who changed the record and when, with the second person's input still on the
form (and nothing of it saved). One test for each kind of record (the APIs' 409 is tested
with each API)."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from tests.personas import Personas

from schoolkeep.agreements.aups import services as services_aups
from schoolkeep.agreements.parents import services as services_parents
from schoolkeep.agreements.policies import services as services_policies
from schoolkeep.assets import services as assets_services
from schoolkeep.audit.sealing import open_in_place
from schoolkeep.audit.selectors import history_for
from schoolkeep.incidents.models import Incident
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.people import services as people_services
from schoolkeep.people.models import Person
from schoolkeep.systems import services as systems_services

SECOND = "Typed by the second editor"


class _FormFields(HTMLParser):
    """The fields of the page's form that carries a ``version``, as a browser would post them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        name = found.get("name", "")
        if tag == "form":
            self.forms.append([])
        elif not self.forms or (not name and tag != "option"):
            return
        elif tag == "input" and found.get("type", "text") not in ("submit", "button", "file"):
            if found.get("type") not in ("checkbox", "radio") or "checked" in found:
                default = "on" if found.get("type") == "checkbox" else ""
                self.forms[-1].append((name, found.get("value", default)))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in found:
            self.forms[-1].append((self._select, found.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self.forms:
            self.forms[-1].append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def form_data(html: str) -> dict[str, Any]:
    reader = _FormFields()
    reader.feed(html)
    form = next(fields for fields in reader.forms if any(n == "version" for n, _ in fields))
    data: dict[str, Any] = {}
    for name, value in form:
        if name in data:
            data[name] = [*data[name], value] if isinstance(data[name], list) \
                else [data[name], value]
        else:
            data[name] = value
    return data


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def race(personas: Personas, url: str, *, first: Any, second: Any, field: str,
         target: Callable[[], Model]) -> None:
    """Both open ``url``; ``first`` saves a change of ``field``, then ``second`` saves
    another, which is refused naming ``first`` and the time, keeping ``second``'s words."""
    one, two = client_for(first), client_for(second)
    page_one, page_two = one.get(url), two.get(url)
    assert page_one.status_code == 200 and page_two.status_code == 200
    data_one, data_two = form_data(page_one.content.decode()), form_data(page_two.content.decode())

    saved = one.post(url, {**data_one, field: "Saved by the first editor"})
    assert saved.status_code == 302, saved.content.decode()[:3000]
    refused = two.post(url, {**data_two, field: SECOND})

    html = refused.content.decode()
    assert refused.status_code == 200
    last = history_for(school=personas.school, target=target()).first()
    assert last is not None
    last = open_in_place([last])[0]  # the member's name is kept under their own key
    moment = last.occurred_at.astimezone(ZoneInfo("Europe/London"))
    assert escape(last.actor_label) in html and last.actor_label.startswith(str(first)[:5])
    assert f"{moment.day} {moment:%B %Y} at {moment:%H:%M}" in html
    assert SECOND in html  # the second person's input is still on the form
    assert SECOND not in one.get(url).content.decode()  # and was not saved


def test_a_person(personas: Personas) -> None:
    person = people_services.person_create(school=personas.school, actor=personas.siro,
                                           full_name="Nia Newcomer", kind="support")
    race(personas, reverse("people:person-edit", args=[person.public_id]),
         first=personas.siro, second=personas.hr_admin, field="job_title",
         target=lambda: person)


def test_a_check(personas: Personas) -> None:
    person = people_services.person_create(school=personas.school, actor=personas.siro,
                                           full_name="Nia Newcomer", kind="support")
    race(personas, reverse("people:check-edit", args=[person.public_id, "identity"]),
         first=personas.siro, second=personas.hr_admin, field="notes",
         target=lambda: Person.objects.get(pk=person.pk).checks.get())


def test_a_system(personas: Personas) -> None:
    system = systems_services.system_create(school=personas.school, actor=personas.siro,
                                            name="SIMS")
    race(personas, reverse("systems:system-edit", args=[system.public_id]),
         first=personas.siro, second=personas.dpo, field="notes", target=lambda: system)


def test_an_asset(personas: Personas) -> None:
    group = assets_services.group_get_or_create(school=personas.school, name="Pupil data",
                                                actor=None)
    asset = assets_services.asset_create(school=personas.school, actor=personas.siro,
                                         group=group, name="Core pupil data")
    race(personas, reverse("assets:asset-edit", args=[asset.public_id]),
         first=personas.siro, second=personas.dpo, field="name", target=lambda: asset)


def test_a_parent(personas: Personas) -> None:
    parent = services_parents.parent_create(school=personas.school, actor=personas.siro,
                                            full_name="Pat Parent", email="pat@example.org")
    race(personas, reverse("agreements:parent-edit", args=[parent.public_id]),
         first=personas.siro, second=personas.business_manager, field="full_name",
         target=lambda: parent)


def test_a_policy(personas: Personas) -> None:
    policy = services_policies.policy_create(school=personas.school, actor=personas.siro,
                                             title="Data protection policy")
    race(personas, reverse("policies:policy-edit", args=[policy.public_id]),
         first=personas.siro, second=personas.dpo, field="title",
         target=lambda: policy)


def test_the_settings_of_an_acceptable_use_policy(personas: Personas) -> None:
    aup = services_aups.aup_create(school=personas.school, actor=personas.siro,
                                   audience="staff")
    race(personas, reverse("agreements:aup-settings", args=[aup.public_id]),
         first=personas.siro, second=personas.business_manager, field="title",
         target=lambda: aup)


def test_the_draft_of_an_acceptable_use_policy(personas: Personas) -> None:
    aup = services_aups.aup_create(school=personas.school, actor=personas.siro,
                                   audience="staff")
    services_aups.draft_save(aup=aup, actor=personas.siro, text="Be kind online.",
                             version=None)
    race(personas, reverse("agreements:draft-edit", args=[aup.public_id]),
         first=personas.siro, second=personas.business_manager, field="text",
         target=lambda: aup.versions.get())


def test_an_incident_report(personas: Personas) -> None:
    incident, _ = incident_report(
        school=personas.school, actor=personas.staff, channel="app", title="Lost laptop",
        description="Left on a train.", data_involved="Class list", personal_data=True)
    race(personas, reverse("incidents:incident-lessons", args=[incident.public_id]),
         first=personas.siro, second=personas.dpo, field="lessons_learned",
         target=lambda: Incident.objects.get(pk=incident.pk))
