"""The destruction log's pages: the list with its filters and CSV, the record form (filled
from a link, refusing bad input on the field), an entry's page, and constant query counts."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean, assert_our_layout

from schoolkeep.accounts.models import User
from schoolkeep.assets.services import asset_create, group_get_or_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.privacy.destruction.models import Destruction, DestructionMethod
from schoolkeep.privacy.destruction.services import destruction_record
from schoolkeep.privacy.schedule.models import RecordType, RetentionEvent

Login = Callable[[User], Client]
LIST = reverse("destructions:destruction-list")
CREATE = reverse("destructions:destruction-record")


def entry(personas: Personas, n: int = 0, **fields: object) -> Destruction:
    values: dict[str, object] = {
        "school": personas.school, "actor": None, "description": f"Leavers' files {n}",
        "method": DestructionMethod.SHREDDING, "destroyed_on": date(2026, 3, 1) - timedelta(n),
        "destroyed_by_label": "Office manager"}
    values.update(fields)
    return destruction_record(**values)  # type: ignore[arg-type]


def day_parts(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_the_list_shows_the_schools_entries_and_filters(personas: Personas,
                                                        login: Login) -> None:
    cctv = RecordType.objects.create(school=personas.school, name="CCTV footage", days=30,
                                     event=RetentionEvent.CREATION)
    entry(personas, 1, record_type=cctv, method=DestructionMethod.SECURE_DELETION)
    entry(personas, 2, destroyed_on=date(2025, 6, 1), witnessed_by_label="Deputy head")
    destruction_record(school=personas.other_school, actor=None, description="Not ours",
                       method="shredding", destroyed_on=date(2026, 1, 1),
                       destroyed_by_label="Someone")
    client = login(personas.auditor)
    response = client.get(LIST)
    html = response.content.decode()
    assert "Leavers&#x27; files 1" in html and "Leavers&#x27; files 2" in html
    assert "Not ours" not in html and "Destructions (2)" in html
    assert "Witnessed by Deputy head" in html
    assert "Record a destruction" not in html  # the auditor reads only
    assert_csp_clean(response)
    assert_our_layout(response)
    by_type = client.get(LIST, {"record_type": str(cctv.public_id)}).content.decode()
    assert "Leavers&#x27; files 1" in by_type and "Leavers&#x27; files 2" not in by_type
    by_year = client.get(LIST, {"year": "2025"}).content.decode()
    assert "Leavers&#x27; files 2" in by_year and "Leavers&#x27; files 1" not in by_year
    by_method = client.get(LIST, {"method": "shredding"}).content.decode()
    assert "Leavers&#x27; files 2" in by_method and "Leavers&#x27; files 1" not in by_method


def test_the_csv_has_every_entry_matching_and_is_audited(personas: Personas,
                                                         login: Login) -> None:
    entry(personas, 1, description="=HYPERLINK(1)", quantity=3)
    entry(personas, 2, destroyed_on=date(2025, 6, 1))
    response = login(personas.dpo).get(reverse("destructions:destruction-csv"),
                                       {"year": "2026"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Date destroyed", "What was destroyed", "Record type"]
    assert len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(1)" and rows[1][6] == "3"
    assert rows[1][7] == "Cross-cut shredding"
    event = AuditEvent.objects.get(action="destructions.exported")
    assert event.changes["rows"]["after"] == 1


def test_the_form_is_filled_from_a_link_and_records(personas: Personas, login: Login) -> None:
    school = personas.school
    group = group_get_or_create(school=school, name="Pupil data", actor=None)
    asset = asset_create(school=school, actor=None, group=group, name="Pupil files")
    pupils = RecordType.objects.create(school=school, name="Pupil records", years=25,
                                       event=RetentionEvent.DATE_OF_BIRTH)
    client = login(personas.business_manager)
    url = (f"{CREATE}?asset={asset.public_id}&record_type={pupils.public_id}"
           "&records_to=2001-07-20")
    html = client.get(url).content.decode()
    assert f'value="{asset.public_id}" selected' in html
    assert f'value="{pupils.public_id}" selected' in html
    assert 'value="20"' in html and 'value="2001"' in html
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(url, {
        "description": "Files of pupils born in 1983", "record_type": str(pupils.public_id),
        "asset": str(asset.public_id), **day_parts("records_to", date(2001, 7, 20)),
        "quantity": "12", "method": "shredding", **day_parts("destroyed_on", yesterday),
        "destroyed_by_label": "Business manager", "witnessed_by_label": "Head"})
    created = Destruction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("destructions:destruction-detail",
                                           args=[created.public_id])
    assert (created.asset, created.record_type, created.quantity) == (asset, pupils, 12)
    assert created.recorded_by_label == str(personas.business_manager)
    page = client.get(response["Location"]).content.decode()
    for text in ("Files of pupils born in 1983", "Pupil records", "Pupil files",
                 "Up to 20 July 2001", "Cross-cut shredding", "Business manager", "Head",
                 "Destruction recorded"):
        assert text in page, text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"description": ""}, "description", "Enter what was destroyed"),
    ({"method": "disposal_company"}, "certificate_reference", "certificate reference"),
    ({"method": "schoolkeep_erasure"}, "method", "Select a valid choice"),
    ({"quantity": "0"}, "quantity", "How many must be 1 or more"),
    ({"destroyed_by_label": ""}, "destroyed_by_label", "Enter who destroyed them"),
    ({"records_from_0": "1", "records_from_1": "1", "records_from_2": "2021"}, "records_from",
     "on or before the latest"),
])
def test_bad_input_is_named_on_its_field_and_saves_nothing(personas: Personas, login: Login,
                                                           changes: dict[str, str], field: str,
                                                           message: str) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    data = {"description": "Old registers", "method": "shredding",
            **day_parts("destroyed_on", yesterday), **day_parts("records_to", date(2020, 1, 1)),
            "destroyed_by_label": "Office manager", **changes}
    response = login(personas.siro).post(CREATE, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and f'id="id_{field}_error"' in html
    assert not Destruction.objects.exists()


def test_another_schools_entry_is_not_found(personas: Personas, login: Login) -> None:
    theirs = destruction_record(school=personas.other_school, actor=None, description="Theirs",
                                method="shredding", destroyed_on=date(2026, 1, 1),
                                destroyed_by_label="Someone")
    url = reverse("destructions:destruction-detail", args=[theirs.public_id])
    assert login(personas.siro).get(url).status_code == 404


@pytest.mark.parametrize("url", [LIST, reverse("destructions:destruction-csv")])
def test_query_counts_do_not_grow_with_the_log(personas: Personas, login: Login, url: str,
                                               django_assert_num_queries) -> None:
    cctv = RecordType.objects.create(school=personas.school, name="CCTV", days=30,
                                     event=RetentionEvent.CREATION)
    for n in range(3):
        entry(personas, n, record_type=cctv)
    client = login(personas.dpo)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(3, 40):
        entry(personas, n, record_type=cctv)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    if url == LIST:
        assert "Destructions (40)" in response.content.decode()
