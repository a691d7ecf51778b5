"""The planner's statistics are refreshed after a large write, once it has committed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

from schoolkeep.lib import db_statistics
from schoolkeep.tenancy.models import School
from tests.personas import Personas


def analysed_rows(table: str) -> float | None:
    """What the planner believes the table holds, or None when it has no statistics."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:
                return None
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            row = cursor.fetchone()
            return float(row[0].split()[0]) if row else None
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        tuples = cursor.fetchone()[0]
        return None if tuples < 0 else float(tuples)


@pytest.mark.django_db
def test_refresh_gives_the_planner_the_table_size(personas: Personas) -> None:
    table = School._meta.db_table
    db_statistics.refresh_statistics([School])
    assert analysed_rows(table) == School.objects.count()


@pytest.mark.django_db
def test_a_large_write_refreshes_after_commit_a_small_one_not(
        personas: Personas, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks() as small:
        db_statistics.refresh_statistics_after_commit([School], rows=db_statistics.LARGE_WRITE - 1)
    assert small == []
    with django_capture_on_commit_callbacks(execute=True) as large:
        db_statistics.refresh_statistics_after_commit([School], rows=db_statistics.LARGE_WRITE)
    assert len(large) == 1
    assert analysed_rows(School._meta.db_table) == School.objects.count()


@pytest.mark.django_db
def test_a_failure_is_logged_not_raised(personas: Personas, caplog) -> None:
    class Broken:
        class _meta:  # the shape of a model's options
            db_table = "no_such_table_here"

    db_statistics.refresh_statistics([Broken])  # type: ignore[list-item]
    assert "Could not refresh the planner's statistics of no_such_table_here" in caplog.text


@pytest.mark.django_db
def test_sqlite_statistics_are_refreshed_in_the_night_tick_only(personas: Personas) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its own statistics")
    table = School._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1")
    db_statistics.refresh_statistics_nightly(datetime(2026, 7, 1, 1, 5, tzinfo=UTC))  # 02:05 BST
    assert analysed_rows(table) is None
    db_statistics.refresh_statistics_nightly(datetime(2026, 7, 1, 2, 5, tzinfo=UTC))  # 03:05 BST
    assert analysed_rows(table) == School.objects.count()


def test_the_night_refresh_is_a_tick_of_the_scheduler() -> None:
    from schoolkeep.duties.scheduler import registered_ticks

    assert registered_ticks()["database.statistics"] is db_statistics.refresh_statistics_nightly
