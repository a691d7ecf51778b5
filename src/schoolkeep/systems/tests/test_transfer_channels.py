"""A system can be an approved channel for sending data, with how to use it: the form, the
page, the API and the audit carry both fields; a channel added from the catalogue comes
marked, with the catalogue's instructions; the data migration marks systems picked from
those entries earlier, and is reversible."""

from __future__ import annotations

import importlib
import json

from django.apps import apps as django_apps
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.systems import services
from schoolkeep.systems.catalogue import BY_KEY
from schoolkeep.systems.models import System

MIGRATION = importlib.import_module(
    "schoolkeep.systems.migrations.0005_catalogue_transfer_channels")


def test_adding_a_channel_from_the_catalogue_marks_it_with_its_instructions(
        personas: Personas) -> None:
    egress = services.system_add_from_catalogue(school=personas.school, actor=personas.siro,
                                                key="egress")
    assert egress.is_transfer_channel is True
    assert egress.transfer_instructions == BY_KEY["egress"].transfer_instructions
    sims = services.system_add_from_catalogue(school=personas.school, actor=personas.siro,
                                              key="sims")
    assert sims.is_transfer_channel is False and sims.transfer_instructions == ""
    event = AuditEvent.objects.get(action="systems.system.created", target_label="Egress")
    assert event.changes["is_transfer_channel"] == {"before": None, "after": True}


def test_the_fields_are_changed_and_audited(personas: Personas) -> None:
    system = services.system_create(school=personas.school, actor=personas.siro,
                                    name="County Secure Mail")
    changed = services.system_update(system=system, actor=personas.siro, version=1,
                                     is_transfer_channel=True,
                                     transfer_instructions="  Use the county portal.  ")
    assert changed.is_transfer_channel is True
    assert changed.transfer_instructions == "Use the county portal."
    event = AuditEvent.objects.filter(action="systems.system.updated").latest("id")
    assert set(event.changes) == {"is_transfer_channel", "transfer_instructions"}


def test_the_form_and_page_show_the_channel(personas: Personas, login) -> None:
    system = services.system_create(school=personas.school, actor=None, name="County Mail")
    client = login(personas.siro)
    edit = reverse("systems:system-edit", args=[system.public_id])
    assert "is_transfer_channel" in client.get(edit).content.decode()
    response = client.post(edit, {"version": "1", "name": "County Mail", "kind": "messaging",
                                  "is_transfer_channel": "on",
                                  "transfer_instructions": "Choose the county's address."})
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.is_transfer_channel and system.transfer_instructions
    page = client.get(reverse("systems:system-detail", args=[system.public_id]))
    html = page.content.decode()
    assert "An approved channel for sending data" in html
    assert "Choose the county&#x27;s address." in html
    assert reverse("transfers:rules") in html  # the SIRO may see the rules


def test_the_catalogue_page_tags_the_channels(personas: Personas, login) -> None:
    html = login(personas.siro).get(reverse("systems:catalogue")).content.decode()
    assert html.count("Channel for sending data") == 6
    assert "Secure e-mail" in html


def test_the_api_reads_and_writes_the_fields(client, personas: Personas) -> None:
    _, secret = token_create(user=personas.siro, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    created = client.post(reverse("api:system-list") + "?school=oakfield", json.dumps({
        "school": "oakfield", "name": "County Mail", "is_transfer_channel": True,
        "transfer_instructions": "Use the portal."}), content_type="application/json",
        **headers)
    assert created.status_code == 201
    body = created.json()
    assert body["is_transfer_channel"] is True
    assert body["transfer_instructions"] == "Use the portal."
    url = reverse("api:system-detail", args=[body["id"]]) + "?school=oakfield"
    patched = client.patch(url, json.dumps({"version": body["version"],
                                            "is_transfer_channel": False}),
                           content_type="application/json", **headers)
    assert patched.status_code == 200
    assert patched.json()["is_transfer_channel"] is False


def test_the_data_migration_marks_and_unmarks_catalogue_channels(personas: Personas) -> None:
    school = personas.school
    egress = services.system_create(school=school, actor=None, name="Egress")
    own = services.system_create(school=school, actor=None, name="S2S")
    sims = services.system_create(school=school, actor=None, name="SIMS")
    System.objects.filter(pk=egress.pk).update(catalogue_key="egress")
    System.objects.filter(pk=own.pk).update(catalogue_key="dfe-s2s",
                                            transfer_instructions="Our own words.")
    System.objects.filter(pk=sims.pk).update(catalogue_key="sims")

    MIGRATION.mark_channels(django_apps, None)
    egress.refresh_from_db(), own.refresh_from_db(), sims.refresh_from_db()
    assert egress.is_transfer_channel and own.is_transfer_channel
    assert not sims.is_transfer_channel
    assert egress.transfer_instructions == MIGRATION.INSTRUCTIONS["egress"]
    assert own.transfer_instructions == "Our own words."  # the school's words are kept

    MIGRATION.unmark_channels(django_apps, None)
    egress.refresh_from_db(), own.refresh_from_db()
    assert not egress.is_transfer_channel and egress.transfer_instructions == ""
    assert not own.is_transfer_channel and own.transfer_instructions == "Our own words."
