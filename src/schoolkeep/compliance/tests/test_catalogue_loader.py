"""The catalogue loader: the migrations' data loaded once, a new version of a framework made
current without touching a school's own rows, and the reverse putting things back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from tests.factories import SchoolFactory

from schoolkeep.compliance.catalogue import loader
from schoolkeep.compliance.catalogue.loader import CatalogueError, load_catalogue, unload_catalogue
from schoolkeep.compliance.models import Attestation, Control, Framework, Requirement
from schoolkeep.compliance.state.requirements import current_frameworks, requirements_for

pytestmark = pytest.mark.django_db

RELEASED = ["controls-1.json", "school-policy-2022.json"]
EDITED = "school-policy.passwords-sims-fms-termly"
DROPPED = "school-policy.aup-visitors"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the released data files the loader reads instead, to add versions to."""
    for path in loader.DATA.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(loader, "DATA", tmp_path)
    return tmp_path


def _school() -> Any:
    return SchoolFactory()


def _read(folder: Path, name: str) -> dict[str, Any]:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def _write(folder: Path, name: str, content: dict[str, Any]) -> None:
    (folder / name).write_text(json.dumps(content), encoding="utf-8")


def _catalogue_rows() -> list[Any]:
    controls = list(Control.objects.order_by("code").values())
    frameworks = list(Framework.objects.order_by("code", "version").values())
    requirements = list(Requirement.objects.order_by("framework_id", "code").values())
    mapping = list(Requirement.controls.through.objects.order_by("pk").values())
    return [controls, frameworks, requirements, mapping]


def _school_policy_2030(folder: Path) -> None:
    """A new version of the school's policy: one clause reworded, one dropped."""
    content = _read(folder, "school-policy-2022.json")
    content["version"] = "2030"
    content["requirements"] = [row for row in content["requirements"] if row["code"] != DROPPED]
    for row in content["requirements"]:
        if row["code"] == "school-policy.own-accounts":
            row["text"] = "Everyone signs in with their own account."
    _write(folder, "school-policy-2030.json", content)


def test_the_migration_loaded_the_released_catalogue() -> None:
    assert Control.objects.filter(school__isnull=True).count() == len(
        json.loads((loader.DATA / "controls-1.json").read_text())["controls"])
    policy = Framework.objects.get(code="school-policy", is_current=True)
    assert policy.version == "2022"
    assert policy.requirements.filter(school__isnull=True).count() == len(
        json.loads((loader.DATA / "school-policy-2022.json").read_text())["requirements"])
    requirement = Requirement.objects.get(framework=policy, code="school-policy.servers-locked")
    assert sorted(requirement.controls.values_list("code", flat=True)) == [
        "admins-dbs", "server-room-locked"]


def test_loading_the_same_files_again_changes_nothing() -> None:
    before = _catalogue_rows()
    load_catalogue(apps, RELEASED)
    loader.load_all(apps)
    assert _catalogue_rows() == before


def test_load_all_puts_back_what_a_flush_emptied() -> None:
    Requirement.objects.all().delete()
    Framework.objects.all().delete()
    Control.objects.all().delete()
    loader.load_all(apps)
    assert Framework.objects.get(code="school-policy", is_current=True).version == "2022"
    assert Control.objects.filter(code="paper-locked", kind="attested").exists()


def test_a_new_version_becomes_current_and_the_school_rows_stay(data_dir: Path) -> None:
    school = _school()
    old = Framework.objects.get(code="school-policy", version="2022")
    edit = Requirement.objects.create(
        framework=old, school=school, code=EDITED, replaces_code=EDITED,
        title="Passwords are changed when they may have been seen",
        text="We change a password when it may have been seen by someone else.")
    added = Requirement.objects.create(
        framework=old, school=school, code="school-policy.own-visitor-wifi",
        title="Visitors use the guest Wi-Fi", text="Visitors use the guest Wi-Fi only.",
        order=15)
    own_rows = list(Requirement.objects.filter(school=school).order_by("pk").values())
    _school_policy_2030(data_dir)

    load_catalogue(apps, ["school-policy-2030.json"])

    new = Framework.objects.get(code="school-policy", is_current=True)
    assert new.version == "2030"
    assert not Framework.objects.get(pk=old.pk).is_current
    assert list(Requirement.objects.filter(school=school).order_by("pk").values()) == own_rows
    listed = requirements_for(school.pk, current_frameworks())[new.pk]
    shown = {each.requirement.code: each for each in listed}
    assert shown[EDITED].requirement.pk == edit.pk
    published = shown[EDITED].published
    assert published is not None and published.framework_id == new.pk
    assert shown[added.code].added
    assert DROPPED not in shown
    assert shown["school-policy.own-accounts"].requirement.text == (
        "Everyone signs in with their own account.")
    assert Requirement.objects.get(framework=old, code=DROPPED).text  # the old version is kept


def test_unloading_a_version_makes_the_previous_one_current_again(data_dir: Path) -> None:
    school = _school()
    _school_policy_2030(data_dir)
    load_catalogue(apps, ["school-policy-2030.json"])
    new = Framework.objects.get(code="school-policy", version="2030")
    added = Requirement.objects.create(framework=new, school=school,
                                       code="school-policy.own-clause", title="Our own clause")

    unload_catalogue(apps, ["school-policy-2030.json"])

    assert not Framework.objects.filter(version="2030").exists()
    current = Framework.objects.get(code="school-policy", is_current=True)
    assert current.version == "2022"
    added.refresh_from_db()
    assert added.framework_id == current.pk


def test_unloading_an_older_version_leaves_the_current_one(data_dir: Path) -> None:
    _school_policy_2030(data_dir)
    load_catalogue(apps, ["school-policy-2030.json"])
    unload_catalogue(apps, ["school-policy-2022.json"])
    assert list(Framework.objects.filter(code="school-policy")
                .values_list("version", "is_current")) == [("2030", True)]


def test_a_changed_control_is_updated_and_the_reverse_restores_it(data_dir: Path) -> None:
    control = Control.objects.get(code="shredding", school__isnull=True)
    rows = _read(data_dir, "controls-1.json")["controls"]
    changed = {**next(row for row in rows if row["code"] == "shredding"),
               "title": "Confidential paper is destroyed safely"}
    new = {"code": "visitor-wifi", "kind": "attested", "title": "Visitors use guest Wi-Fi",
           "cadence": "every_n_days", "every_days": 60, "owner_role": "it_lead"}
    _write(data_dir, "controls-2.json", {"controls": [changed, new]})

    load_catalogue(apps, ["controls-2.json"])
    control.refresh_from_db()
    assert control.title == "Confidential paper is destroyed safely"
    assert control.version == 2
    assert Control.objects.get(code="visitor-wifi").every_days == 60

    load_catalogue(apps, ["controls-2.json"])
    control.refresh_from_db()
    assert control.version == 2  # unchanged the second time

    unload_catalogue(apps, ["controls-2.json"])
    control.refresh_from_db()
    assert control.title == (
        "Confidential paper is cross-cut shredded, or collected by a certified firm with its "
        "certificate kept")
    assert control.version == 3
    assert not Control.objects.filter(code="visitor-wifi").exists()


def test_a_school_setting_survives_a_control_update(data_dir: Path) -> None:
    school = _school()
    control = Control.objects.get(code="paper-locked")
    control.settings.create(school=school, cadence="yearly")
    rows = _read(data_dir, "controls-1.json")["controls"]
    changed = {**next(row for row in rows if row["code"] == "paper-locked"),
               "description": "Reworded."}
    _write(data_dir, "controls-2.json", {"controls": [changed]})
    load_catalogue(apps, ["controls-2.json"])
    assert control.settings.get(school=school).cadence == "yearly"


def test_a_confirmed_control_is_kept_by_the_reverse(data_dir: Path) -> None:
    school = _school()
    _write(data_dir, "controls-2.json", {"controls": [
        {"code": "visitor-wifi", "kind": "attested", "title": "Visitors use guest Wi-Fi",
         "cadence": "termly", "owner_role": "it_lead"},
        {"code": "visitor-badges", "kind": "attested", "title": "Visitors wear badges",
         "cadence": "termly", "owner_role": "it_lead"}]})
    load_catalogue(apps, ["controls-2.json"])
    Attestation.objects.create(school=school, control=Control.objects.get(code="visitor-wifi"),
                               attested_on="2026-01-05", attested_by_label="Someone")
    unload_catalogue(apps, ["controls-2.json"])  # a rollback never stops on a school's records
    assert Control.objects.filter(code="visitor-wifi").exists()
    assert Attestation.objects.filter(control__code="visitor-wifi").count() == 1
    assert not Control.objects.filter(code="visitor-badges").exists()


@pytest.mark.parametrize("row, message", [
    ({"kind": "attested", "measures": ["aups.signed-staff"], "cadence": "termly"},
     "needs a cadence and no measures"),
    ({"kind": "attested"}, "needs a cadence"),
    ({"kind": "computed", "cadence": "termly"}, "has a cadence"),
    ({"kind": "attested", "cadence": "every_n_days"}, "every_days goes with"),
    ({"kind": "attested", "cadence": "termly", "colour": "red"}, "unknown keys"),
])
def test_a_wrong_control_is_refused(data_dir: Path, row: dict[str, Any], message: str) -> None:
    _write(data_dir, "controls-2.json", {"controls": [
        {"code": "wrong", "title": "Wrong", "owner_role": "siro", **row}]})
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(apps, ["controls-2.json"])
    assert not Control.objects.filter(code="wrong").exists()


def test_a_file_refused_half_way_leaves_nothing_behind(data_dir: Path) -> None:
    _write(data_dir, "controls-2.json", {"controls": [
        {"code": "fine", "kind": "attested", "title": "Fine", "cadence": "termly",
         "owner_role": "siro"},
        {"code": "too-long", "kind": "attested", "title": "Too long", "cadence": "termly",
         "owner_role": "x" * 40}]})
    with pytest.raises(ValidationError):
        load_catalogue(apps, ["controls-2.json"])
    assert not Control.objects.filter(code__in=["fine", "too-long"]).exists()


def test_a_framework_naming_an_unknown_control_is_refused(data_dir: Path) -> None:
    content = _read(data_dir, "school-policy-2022.json")
    content["version"] = "2031"
    content["requirements"][0]["controls"] = ["no-such-control"]
    _write(data_dir, "school-policy-2031.json", content)
    with pytest.raises(CatalogueError, match="no-such-control"):
        load_catalogue(apps, ["school-policy-2031.json"])
    assert Framework.objects.get(code="school-policy", is_current=True).version == "2022"
    assert not Framework.objects.filter(version="2031").exists()


def test_a_requirement_code_outside_its_framework_is_refused(data_dir: Path) -> None:
    content = _read(data_dir, "school-policy-2022.json")
    content["version"] = "2032"
    content["requirements"][0]["code"] = "dfe-cyber.borrowed"
    _write(data_dir, "school-policy-2032.json", content)
    with pytest.raises(CatalogueError, match="must start with"):
        load_catalogue(apps, ["school-policy-2032.json"])


def test_a_path_outside_the_data_folder_is_refused() -> None:
    with pytest.raises(CatalogueError, match="file name"):
        load_catalogue(apps, ["../models.py"])
