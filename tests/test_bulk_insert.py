"""lib.bulk: a plain batched INSERT writes the rows the ORM would (every column, encrypted
ones readable), on whichever database the suite runs on."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from django.db import connection, models

from schoolkeep.agreements.aups.models import Parent
from schoolkeep.assets.models import AccessLabel, Asset, AssetGroup
from schoolkeep.lib import bulk
from schoolkeep.lib.crypto import decrypt_text
from schoolkeep.people.models import Check, Person
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

# Columns that differ between any two rows whatever their values.
OWN = {"id", "public_id", "created_at", "updated_at"}


def _stored(model: type[models.Model], pk: int) -> dict[str, Any]:
    """Every column of a row as the ORM reads it back (encrypted ones decrypted)."""
    record = model.objects.get(pk=pk)
    return {field.attname: getattr(record, field.attname)
            for field in model._meta.concrete_fields if field.attname not in OWN}


def _raw(table: str, column: str, pk: int) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM "  # nosec B608
                       f"{connection.ops.quote_name(table)} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _same_as_orm(model: type[models.Model], values: dict[str, Any],
                 **orm_own: Any) -> tuple[int, int]:
    """One row made by the ORM and one by a bulk insert of the same values: their stored
    columns are equal but for ``orm_own``, what the ORM's row has instead (unique values)."""
    orm = model.objects.create(**(values | orm_own))
    (pk,) = bulk.Table(model).insert([values], returning=True)
    assert _stored(model, pk) == _stored(model, orm.pk) | {
        name: values.get(name, model._meta.get_field(name).get_default())
        for name in orm_own}
    return orm.pk, pk


def test_a_person_is_stored_as_the_orm_stores_one_and_the_date_of_birth_decrypts() -> None:
    school = SchoolFactory()
    values = {"school_id": school.pk, "full_name": "Ada Lovelace", "name_key": "ada lovelace",
              "date_of_birth": date(1985, 12, 10), "date_of_birth_hash": "h" * 64,
              "kind": "teaching", "job_title": "Teacher", "does_teaching_work": True,
              "start_date": date(2020, 9, 1), "email": "ada@school.example", "version": 1}
    _, pk = _same_as_orm(Person, values, staff_number="S1")
    assert Person.objects.get(pk=pk).date_of_birth == date(1985, 12, 10)
    token = _raw("people_person", "date_of_birth", pk)
    assert token != "1985-12-10" and decrypt_text(token) == "1985-12-10"
    # An empty date of birth is stored as the field stores it: empty, not encrypted.
    (empty,) = bulk.Table(Person).insert([{**values, "date_of_birth": "",
                                           "email": "other@school.example"}], returning=True)
    assert _raw("people_person", "date_of_birth", empty) == ""
    assert Person.objects.get(pk=empty).date_of_birth is None
    # None too goes through the field, as the ORM sends it: empty, not NULL.
    (none,) = bulk.Table(Person).insert([{**values, "date_of_birth": None,
                                          "email": "third@school.example"}], returning=True)
    assert _raw("people_person", "date_of_birth", none) == ""


def test_a_check_is_stored_as_the_orm_stores_one_and_the_dbs_number_decrypts() -> None:
    school = SchoolFactory()
    person = Person.objects.create(school=school, full_name="Ada", name_key="ada",
                                   kind="teaching")
    other = Person.objects.create(school=school, full_name="Bea", name_key="bea",
                                  kind="teaching")
    values = {"school_id": school.pk, "person_id": person.pk, "check_type": "enhanced_dbs",
              "status": "done", "done_on": date(2024, 3, 1), "checked_by": "HR",
              "dbs_certificate_number": "001234567890", "dbs_certificate_hash": "x" * 64,
              "dbs_issued_on": date(2024, 2, 20), "dbs_with_barred_list": True,
              "on_update_service": False, "version": 1}
    _, pk = _same_as_orm(Check, values, person_id=other.pk)
    token = _raw("people_check", "dbs_certificate_number", pk)
    assert token != "001234567890" and decrypt_text(token) == "001234567890"
    assert Check.objects.get(pk=pk).dbs_certificate_number == "001234567890"


def test_an_asset_and_a_parent_are_stored_as_the_orm_stores_them() -> None:
    school = SchoolFactory()
    group = AssetGroup.objects.create(school=school, name="Office", name_key="office",
                                      position=0)
    _same_as_orm(Asset, {"school_id": school.pk, "group_id": group.pk, "name": "Payroll",
                         "name_key": "payroll", "purpose": "Payroll",
                         "classification": "official", "last_reviewed_on": None},
                 name="Pensions", name_key="pensions")
    _same_as_orm(Parent, {"school_id": school.pk, "full_name": "Cat Jones",
                          "name_key": "cat jones", "classes": "5B", "version": 1},
                 email="cat@home.example", email_key="cat@home.example")


def test_every_concrete_column_is_written_and_a_field_not_given_takes_its_default() -> None:
    table = bulk.Table(Asset)
    assert table.columns == [field.attname for field in Asset._meta.concrete_fields
                             if field.attname != "id"]
    full = table.row({"name": "Payroll"})
    # Every column has a value: a field added to the model later would have one too.
    assert set(full) == {field.attname for field in Asset._meta.concrete_fields} - {"id"}
    assert full["data_subjects"] == [] and full["classification"] == "unclassified"
    assert isinstance(full["public_id"], uuid.UUID) and full["created_at"] is not None


def test_a_name_that_is_not_a_column_is_refused() -> None:
    school = SchoolFactory()
    with pytest.raises(ValueError, match="no column"):
        bulk.Table(Parent).insert([{"school_id": school.pk, "full_name": "A", "nmae_key": "a"}])
    with pytest.raises(ValueError, match="no column"):
        bulk.Table(Parent).row({"school": school})  # the attname is school_id
    assert not Parent.objects.exists()


def test_ids_come_back_in_the_order_of_the_rows_over_several_batches() -> None:
    school = SchoolFactory()
    group = AssetGroup.objects.create(school=school, name="Office", name_key="office",
                                      position=0)
    rows = [{"school_id": school.pk, "group_id": group.pk, "name": f"Asset {n}",
             "name_key": f"asset {n}"} for n in range(1234)]
    ids = bulk.Table(Asset).insert(rows, returning=True)
    assert len(ids) == len(set(ids)) == 1234
    names = dict(Asset.objects.values_list("pk", "name"))
    assert [names[pk] for pk in ids] == [row["name"] for row in rows]
    label = AccessLabel.objects.create(school=school, label="Office", label_key="office")
    through = Asset.access_labels.through
    assert bulk.Table(through).insert(
        [{"asset_id": pk, "accesslabel_id": label.pk} for pk in ids]) == []
    assert through.objects.filter(accesslabel=label).count() == 1234


def test_an_unsaved_instance_gives_its_row_and_its_times_are_those_of_the_insert() -> None:
    school = SchoolFactory()
    table = bulk.Table(Parent)
    parent = Parent(school=school, full_name="Dan Lee", name_key="dan lee", version=1)
    row = table.values_of(parent)
    assert "created_at" not in row and "updated_at" not in row
    assert row["public_id"] == parent.public_id and row["school_id"] == school.pk
    (pk,) = table.insert([row], returning=True)
    stored = Parent.objects.get(pk=pk)
    assert stored.public_id == parent.public_id
    assert stored.created_at is not None and stored.created_at == stored.updated_at


def test_update_sets_the_columns_given_as_the_fields_prepare_them() -> None:
    school = SchoolFactory()
    people = [Person.objects.create(school=school, full_name=name, name_key=name.lower(),
                                    kind="teaching") for name in ("Ada", "Bea", "Cy")]
    people[0].date_of_birth, people[0].job_title = date(1990, 1, 2), "Head"
    people[1].date_of_birth, people[1].job_title = date(1991, 3, 4), "Bursar"
    bulk.Table(Person).update_instances(people[:2], ["date_of_birth", "job_title"])
    stored = {p.full_name: (p.date_of_birth, p.job_title) for p in Person.objects.all()}
    assert stored == {"Ada": (date(1990, 1, 2), "Head"), "Bea": (date(1991, 3, 4), "Bursar"),
                      "Cy": (None, "")}
    assert decrypt_text(_raw("people_person", "date_of_birth", people[0].pk)) == "1990-01-02"
    with pytest.raises(ValueError, match="no column"):
        bulk.Table(Person).update_instances(people, ["school"])


def test_rows_inserted_together_are_stored_as_the_orm_stores_each() -> None:
    """Several rows in one statement (on PostgreSQL one array per column, through UNNEST):
    every column as the ORM stores it: encrypted, JSON, dates, nulls, booleans, keys."""
    school = SchoolFactory()
    people = [{"school_id": school.pk, "full_name": name, "name_key": name.lower(),
               "date_of_birth": birth, "date_of_birth_hash": "h" * 64, "kind": "teaching",
               "does_teaching_work": teaching, "start_date": date(2020, 9, 1), "version": 1}
              for name, birth, teaching in (("Ada", date(1985, 12, 10), True),
                                            ("Bea", None, False), ("Cy", "", True))]
    ids = bulk.Table(Person).insert(people, returning=True)
    for number, (pk, values) in enumerate(zip(ids, people, strict=True)):
        orm = Person.objects.create(**(values | {"staff_number": f"S{number}"}))
        assert _stored(Person, pk) == _stored(Person, orm.pk) | {"staff_number": ""}
    group = AssetGroup.objects.create(school=school, name="Office", name_key="office",
                                      position=0)
    assets = [{"school_id": school.pk, "group_id": group.pk, "name": name,
               "name_key": name.lower(), "data_subjects": subjects, "held_on_paper": paper,
               "next_review_on": review, "public_id": uuid.uuid4()}
              for name, subjects, paper, review in (
                  ("A", ["pupils", "staff"], False, date(2027, 1, 31)),
                  ("B", [], True, None), ("C", ["parents"], False, None))]
    ids = bulk.Table(Asset).insert(assets, returning=True)
    for pk, values in zip(ids, assets, strict=True):
        orm = Asset.objects.create(**(values | {"name": values["name"] + " (ORM)",
                                                "name_key": values["name_key"] + " (orm)",
                                                "public_id": uuid.uuid4()}))
        assert _stored(Asset, pk) == _stored(Asset, orm.pk) | {
            "name": values["name"], "name_key": values["name_key"]}
