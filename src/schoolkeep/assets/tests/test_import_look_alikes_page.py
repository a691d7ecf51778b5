"""The import's preview asks about each look-alike (radios: the recorded one, or new); the
confirm needs an answer for each, names the missing ones in the error summary (the title
starting "Error:"), refuses one asset chosen for two rows, and hands the answers to the
import, which saves them as aliases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean

from schoolkeep.accounts.models import User
from schoolkeep.assets import services
from schoolkeep.assets.models import Asset, AssetAlias, AssetGroup
from schoolkeep.jobs.models import Job

Login = Callable[[User], Client]
FILE = (b"Asset,Purpose\nPupil data (MIS),\nAttendance,Statutory returns\n"
        b"Attendances,Twice\nCore pupil data,Teaching\n")


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def register(personas: Personas) -> dict[str, Any]:
    school, actor = personas.school, personas.siro
    group = services.group_get_or_create(school=school, name="Pupil records (MIS)",
                                         actor=actor)
    asset = services.asset_create(school=school, actor=actor, group=group,
                                  name="Attendance records")
    return {"group": group, "asset": asset}


def checked(client: Client, capture: Any) -> Job:
    with capture(execute=True):
        client.post(reverse("assets:import-upload"),
                    {"file": SimpleUploadedFile("appendix.csv", FILE)})
    return Job.objects.get(kind="assets.import.check")


def confirm(client: Client, capture: Any, job: Job, data: dict[str, str]) -> Any:
    with capture(execute=True):
        return client.post(reverse("assets:import-confirm", args=[job.public_id]), data)


def test_the_preview_asks_and_the_answers_are_saved_as_aliases(
        personas: Personas, login: Login, register: dict[str, Any],
        django_capture_on_commit_callbacks: Any) -> None:
    client = login(personas.data_admin)
    job = checked(client, django_capture_on_commit_callbacks)
    group, asset = register["group"], register["asset"]

    preview = client.get(reverse("assets:import-preview", args=[job.public_id]))

    text = preview.content.decode()
    assert preview.status_code == 200
    assert_csp_clean(preview)
    assert "<h2>Already in the register?</h2>" in text
    assert "These 3 names in the file look like an asset or group" in text
    aliases_link = f'<a href="{reverse("assets:alias-list")}">See or remove the names already'
    assert aliases_link in text
    assert "<legend>The group “Pupil data (MIS)” (its first asset is row 3)</legend>" in text
    assert "<legend>Row 3: the asset “Attendance”</legend>" in text
    assert "This is “Attendance records” (in “Pupil records (MIS)”)" in text
    assert "It is a new asset: add it" in text

    missing = confirm(client, django_capture_on_commit_callbacks, job,
                      {"match-0": str(group.public_id)})

    page = missing.content.decode()
    assert missing.status_code == 200 and "<title>Error: Check the import" in page
    assert "Row 3: the asset “Attendance”: Choose whether it is already in the register " \
        "or a new asset." in page
    assert not Job.objects.filter(kind="assets.import.apply").exists()

    twice = confirm(client, django_capture_on_commit_callbacks, job, {
        "match-0": str(group.public_id), "match-1": str(asset.public_id),
        "match-2": str(asset.public_id)})

    assert twice.status_code == 200
    assert "Row 3 is already this asset: choose it for one row only." in twice.content.decode()

    done = confirm(client, django_capture_on_commit_callbacks, job, {
        "match-0": str(group.public_id), "match-1": str(asset.public_id),
        "match-2": "new"})

    apply_job = Job.objects.get(kind="assets.import.apply")
    assert done.status_code == 302 and apply_job.status == "done", apply_job.message
    assert AssetGroup.objects.filter(school=personas.school).count() == 1
    assert sorted(Asset.objects.values_list("name", flat=True)) == [
        "Attendance records", "Attendances", "Core pupil data"]
    assert {(a.name, a.asset_id, a.group_id) for a in AssetAlias.objects.all()} == {
        ("Pupil data (MIS)", None, group.pk), ("Attendance", asset.pk, None)}
    result = client.get(reverse("assets:import-result", args=[apply_job.public_id]))
    assert "<dt>Names matched to the register</dt><dd>“Pupil data (MIS)” is “Pupil " \
        "records (MIS)”; “Attendance” is “Attendance records”</dd>" in result.content.decode()


def test_an_answer_not_offered_is_refused(personas: Personas, login: Login,
                                          register: dict[str, Any],
                                          django_capture_on_commit_callbacks: Any) -> None:
    other = services.group_get_or_create(school=personas.other_school, name="Pupil data",
                                         actor=None)
    client = login(personas.data_admin)
    job = checked(client, django_capture_on_commit_callbacks)

    response = confirm(client, django_capture_on_commit_callbacks, job, {
        "match-0": str(other.public_id), "match-1": "new", "match-2": "new"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not AssetAlias.objects.exists()
