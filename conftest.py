import os

import pytest

pytest_plugins = ["tests.fixtures", "tests.fixtures_demo"]


def _suite_database_is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``own_databases`` run Schoolkeep in processes with databases of their own
    (the restore drill makes its PostgreSQL ones from SCHOOLKEEP_TEST_POSTGRES), so the
    suite's database does not matter: they run in the SQLite pass only, not again in the
    PostgreSQL pass, where they would repeat the same work."""
    if not _suite_database_is_postgres():
        return
    skip = pytest.mark.skip(reason="own databases: runs in the SQLite pass of the suite")
    for item in items:
        if "own_databases" in item.keywords:
            item.add_marker(skip)
    # Sweeps of many pages through axe-core, with screenshots, check what the browser shows,
    # which the database does not change: the SQLite pass runs them. They are left out of the
    # PostgreSQL pass (not skipped: CI counts a skipped browser test as a failure), where
    # the browser journeys that write still run.
    sweeps = [item for item in items if "sweep" in item.keywords]
    if sweeps:
        config.hook.pytest_deselected(items=sweeps)
        items[:] = [item for item in items if "sweep" not in item.keywords]
