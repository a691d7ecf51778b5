"""Kept SQL with lists of ids (``duties.compiled``): on PostgreSQL an ``IN`` list of integers
is kept as ``= ANY`` of one array parameter, answering as the ``IN`` list did (also negated,
beside other parameters and instants); SQLite keeps its ``IN`` lists."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from django.db import connection
from django.db.models import Q
from tests.factories import SchoolFactory

from schoolkeep.duties import compiled
from schoolkeep.duties.compiled import _as_arrays
from schoolkeep.tenancy.models import School

MOMENT = datetime(2026, 11, 4, 10, tzinfo=UTC)


def test_in_lists_of_integers_become_one_array_each():
    sql = ('SELECT 1 WHERE "a"."id" IN (%s, %s, %s) AND "a"."name" LIKE \'x%%\' '
           'AND "a"."code" IN (%s, %s) AND "a"."at" < %s AND NOT ("a"."id" IN (%s))')
    params = [3, 1, 2, "p", "q", MOMENT, 7]
    assert _as_arrays(sql, params) == (
        'SELECT 1 WHERE "a"."id" = ANY(%s) AND "a"."name" LIKE \'x%%\' '
        'AND "a"."code" IN (%s, %s) AND "a"."at" < %s AND NOT ("a"."id" = ANY(%s))',
        [[3, 1, 2], "p", "q", MOMENT, [7]])


def test_kept_sql_with_id_lists_answers_as_the_queryset(db):
    schools = SchoolFactory.create_batch(4)
    ids = [school.pk for school in schools[:3]]
    School.objects.filter(pk=schools[0].pk).update(created_at=MOMENT)

    def build():
        return (School.objects.filter(Q(pk__in=ids) | Q(created_at__lt=MOMENT))
                .exclude(pk__in=ids[1:2]).order_by("pk").values_list("pk"))

    compiled.forget()
    expected = list(build())
    assert expected == [(schools[0].pk,), (schools[2].pk,)]
    for _ in range(2):  # compiled, then read from the kept SQL
        assert compiled.rows(("test.arrays", tuple(ids)), build, instants=[MOMENT]) == expected
    key = ("test.arrays", tuple(ids))
    kept = next(found for full_key, found in compiled._kept.items()
                if cast(tuple[Any, ...], full_key)[2] == key)
    assert kept is not None
    if connection.vendor == "postgresql":
        assert kept.sql.count("= ANY(%s)") == 2 and " IN (" not in kept.sql
        assert ids in kept.params
    else:
        assert kept.sql.count(" IN (") == 2
