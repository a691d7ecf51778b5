"""An asset's record types read as the schedule in force: after the school adjusts a shipped
type, the asset's form keeps the link, and the export, the Article 30 record, the asset's
page, the API and the response letter's retention give the adjusted period. The API refuses
the register's old fields by name and rows not in force."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from schoolkeep.assets import exports
from schoolkeep.assets.tests.test_api import add, api, detail  # noqa: F401
from schoolkeep.audit.models import AuditEvent
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.models import AssetRecordType
from schoolkeep.privacy.schedule.selectors import effective_record_type
from schoolkeep.privacy.schedule.services import record_type_adjust
from schoolkeep.privacy.schedule.starting import ensure_starting_schedule
from schoolkeep.systems.services import system_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def adjusted(personas):
    """An asset linked to the shipped attendance registers type, which the school then
    keeps for 9 years."""
    ensure_starting_schedule()
    shipped = effective_record_type(personas.school, keys.ATTENDANCE_REGISTER)
    assert shipped.school_id is None
    asset = add(personas.school, "Registers", record_types=[shipped])
    own = record_type_adjust(school=personas.school, actor=personas.dpo, record_type=shipped,
                             version=shipped.version, years=9)
    assert own.pk != shipped.pk
    return asset, shipped, own


def test_saving_the_form_unchanged_keeps_the_link(personas, login, adjusted):
    asset, _shipped, own = adjusted
    client = login(personas.dpo)
    url = reverse("assets:asset-edit", args=[asset.public_id])
    html = client.get(url).content.decode()
    checked = re.findall(r'name="record_types" value="([^"]+)"[^>]*checked', html)
    assert checked == [str(own.public_id)]
    response = client.post(url, {
        "name": "Registers", "group": str(asset.group.public_id),
        "classification": asset.classification, "version": str(asset.version),
        "record_types": checked, "description": "Changed"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(AssetRecordType.objects.filter(asset=asset)
                .values_list("record_type_id", flat=True)) == [own.pk]
    event = AuditEvent.objects.filter(action="assets.asset.updated").latest("pk")
    assert "record_type_links" in event.changes
    assert "record_types" not in event.changes


def test_every_reader_gives_the_period_in_force(personas, login, api, adjusted):  # noqa: F811
    asset, _shipped, own = adjusted
    assert "9 years" in exports.record_types_text(asset)
    assert "9 years" in exports.retention_words(asset)  # the response letter's words
    one = exports.with_register_views(type(asset).objects.filter(pk=asset.pk)).get()
    assert "9 years" in exports.record_types_text(one)
    assert "6 years" not in exports.record_types_text(one)
    page = login(personas.dpo).get(reverse("assets:asset-detail", args=[asset.public_id]))
    assert "9 years" in page.content.decode()
    body = api(personas.siro).get(detail(asset)).json()
    assert body["record_types"] == [str(own.public_id)]
    record = login(personas.dpo).get(reverse("assets:processing-record"))
    assert "9 years" in record.content.decode()


@pytest.mark.parametrize(("field", "value", "where"), [
    ("retention_period", "6 years", "/api/v1/record-types"),
    ("dpia_needed", True, "/api/v1/dpias"),
    ("dpia_done_on", "2020-01-01", "/api/v1/dpias"),
])
def test_the_asset_api_names_an_old_field(api, personas, field, value, where):  # noqa: F811
    asset = add(personas.school, "Core")
    client = api(personas.siro)
    response = client.send("PATCH", detail(asset), {"version": asset.version, field: value})
    assert response.status_code == 422
    message = str(response.json())
    assert field in message and "read only now" in message and where in message
    created = client.send("POST", reverse("api:asset-list"), {
        "school": "oakfield", "name": "New", "group": "Pupils", field: value})
    assert created.status_code == 422 and where in str(created.json())


def test_the_system_api_names_dpa_on_file(api, personas):  # noqa: F811
    system = system_create(school=personas.school, actor=None, name="SIMS")
    response = api(personas.siro).send(
        "PATCH", reverse("api:system-detail", args=[system.public_id]),
        {"version": system.version, "dpa_on_file": True})
    assert response.status_code == 422
    assert "dpa_on_file is read only now: use /api/v1/processors" in str(response.json())


def test_the_api_links_only_rows_in_force(api, personas, adjusted):  # noqa: F811
    asset, shipped, own = adjusted
    client = api(personas.siro)
    response = client.send("PATCH", detail(asset), {
        "version": asset.version, "record_types": [str(shipped.public_id)]})
    assert response.status_code == 422 and "record_types" in str(response.json())
    leavers = effective_record_type(personas.school, keys.OWN_LEAVERS)
    response = client.send("PATCH", detail(asset), {
        "version": asset.version, "record_types": [str(leavers.public_id)]})
    assert response.status_code == 422
    response = client.send("PATCH", detail(asset), {
        "version": asset.version, "record_types": [str(own.public_id)]})
    assert response.status_code == 200, response.content
