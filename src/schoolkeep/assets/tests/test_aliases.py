"""Names matched on import: the page lists each alias with what it matches (a link), who
saved it and when, 50 to a page, in a constant number of queries; Remove (a POST) deletes it
with one audit event so that the next import asks again; another school's alias is a 404;
only those who manage the register may see or remove them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean

from schoolkeep.accounts.models import User
from schoolkeep.assets import services
from schoolkeep.assets.aliases.services import alias_remove
from schoolkeep.assets.imports import assets_import
from schoolkeep.assets.imports.writing import _save_aliases
from schoolkeep.assets.models import AssetAlias
from schoolkeep.assets.tests.test_import_look_alikes import as_matches, write
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.verify import audit_verify
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.lib.text import fold

URL = reverse("assets:alias-list")
Login = Callable[[User], Client]


def matched(school: Any, actor: Any, names: dict[str, Any]) -> list[AssetAlias]:
    """Save aliases as the import's confirm does: an asset's by (its group's heading, the
    file's name), a group's by its heading."""
    _save_aliases(school, actor, [
        {"group_key": fold(target.group.name) if hasattr(target, "group") else fold(name),
         "name_key": fold(name) if hasattr(target, "group") else "",
         "name": name, "target": str(target.public_id)} for name, target in names.items()])
    return list(AssetAlias.objects.filter(school=school).order_by("pk"))


@pytest.fixture
def register(personas: Personas, tmp_path: Path) -> dict[str, Any]:
    """A register typed in by hand, then a file whose two look-alikes the data administrator
    matched to it on import (saved as aliases)."""
    school, siro = personas.school, personas.siro
    group = services.group_get_or_create(school=school, name="Pupil records", actor=siro)
    asset = services.asset_create(school=school, actor=siro, group=group, name="Attendance")
    path = write(tmp_path / "appendix.csv", [["Pupil data", ""], ["Attendances", "Registers"]])
    check = assets_import(path, school=school, actor=personas.data_admin, dry_run=True)
    done = assets_import(path, school=school, actor=personas.data_admin, matches=as_matches(
        check, **{"Pupil data": str(group.public_id), "Attendances": str(asset.public_id)}))
    assert done.written and len(done.aliases_created) == 2, done.problems
    return {"group": group, "asset": asset, "path": path,
            "aliases": list(AssetAlias.objects.filter(school=school).order_by("name"))}


def test_the_page_lists_each_name_what_it_matches_and_who_saved_it(
        personas: Personas, login: Login, register: dict[str, Any]) -> None:
    response = login(personas.siro).get(URL)

    text = response.content.decode()
    assert response.status_code == 200
    assert_csp_clean(response)
    assert ' aria-current="page">Names matched on import</a>' in text
    assert "<h2>Names matched (2)</h2>" in text
    assert '<th scope="row">Attendances</th>' in text
    asset_url = reverse("assets:asset-detail", args=[register["asset"].public_id])
    assert f'<a href="{asset_url}">Attendance</a> (asset in “Pupil records”)' in text
    assert f'?group={register["group"].public_id}">Pupil records</a> (group)' in text
    assert '<th scope="row">Pupil data</th>' in text
    assert text.count(personas.data_admin.full_name + ", ") == 2
    assert text.count(">Remove<span") == 2


def test_an_empty_page_says_how_names_come_to_be_matched(personas: Personas,
                                                         login: Login) -> None:
    text = login(personas.siro).get(URL).content.decode()
    assert "No names are matched yet." in text
    assert reverse("assets:import-upload") in text


def test_removing_a_name_deletes_it_audited_and_the_next_import_asks_again(
        personas: Personas, login: Login, register: dict[str, Any]) -> None:
    alias = register["aliases"][0]
    assert alias.name == "Attendances"
    client = login(personas.siro)

    response = client.post(reverse("assets:alias-remove", args=[alias.public_id]))

    assert response.status_code == 302 and response["Location"] == URL
    assert not AssetAlias.objects.filter(pk=alias.pk).exists()
    event = AuditEvent.objects.get(action="assets.alias.removed")
    assert event.actor == personas.siro and event.target_id == str(alias.public_id)
    assert event.changes == {"is": {"before": "Attendance", "after": None},
                             "name": {"before": "Attendances", "after": None}}
    audit_verify()
    assert "“Attendances” is no longer matched." in client.get(URL).content.decode()
    # With the alias gone, the next import asks about the name again (the group's stays).
    again = assets_import(register["path"], school=personas.school, actor=personas.siro,
                          dry_run=True)
    assert [item.name for item in again.look_alikes] == ["Attendances"]


def test_another_school_s_alias_is_a_404_and_stays(personas: Personas, login: Login,
                                                   register: dict[str, Any]) -> None:
    alias = register["aliases"][0]

    response = login(personas.outsider).post(
        reverse("assets:alias-remove", args=[alias.public_id]))

    assert response.status_code == 404
    assert AssetAlias.objects.filter(pk=alias.pk).exists()
    assert "Attendances" not in login(personas.outsider).get(URL).content.decode()
    with pytest.raises(NotAllowed):
        alias_remove(school=personas.other_school, actor=personas.outsider, alias=alias)


def test_only_those_who_manage_the_register_may_remove(personas: Personas, login: Login,
                                                      register: dict[str, Any]) -> None:
    alias = register["aliases"][0]
    assert login(personas.staff).get(URL).status_code == 403
    assert login(personas.staff).post(
        reverse("assets:alias-remove", args=[alias.public_id])).status_code == 403
    assert login(personas.siro).get(
        reverse("assets:alias-remove", args=[alias.public_id])).status_code == 405
    with pytest.raises(NotAllowed):
        alias_remove(school=personas.school, actor=personas.staff, alias=alias)
    assert AssetAlias.objects.filter(pk=alias.pk).exists()
    assert not AuditEvent.objects.filter(action="assets.alias.removed").exists()


def test_the_page_s_queries_do_not_grow_with_its_rows(
        personas: Personas, login: Login, register: dict[str, Any],
        django_assert_num_queries: Any) -> None:
    client = login(personas.siro)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    school, siro = personas.school, personas.siro
    group = register["group"]
    many = {f"Register {n}": services.asset_create(school=school, actor=siro, group=group,
                                                   name=f"Asset {n}") for n in range(60)}
    matched(school, siro, {f"File name {n}": asset for n, asset in enumerate(many.values())})
    with django_assert_num_queries(len(few.captured_queries)):
        text = client.get(URL).content.decode()
    assert "<h2>Names matched (62)</h2>" in text and "Page 1 of 2" in text
