"""The demo trust built once per test process and shared by the tests that only need it there.

Building the demo takes many seconds (far more on a busy CI machine), and some thirty tests
used to build it each for themselves, on SQLite and again on PostgreSQL. A test that asks for
the ``shared_demo`` fixture instead finds the demo already in the database:

- the demo is built inside an outer transaction that is never committed; each test runs in a
  savepoint within it (pytest-django's usual per-test transaction), so a test's own writes are
  rolled back and the next test sees the demo as built;
- before a test that does not ask for it runs, the outer transaction is rolled back, so no
  other test ever sees the demo; the next test that asks for it builds it again;
- the root conftest runs the tests that ask for it one after another at the start of the
  collection, so a worker builds it once (or a few times when work is stolen);
- the demo's files (the certificate copy) are copied into each test's own uploads folder, so a
  test that deletes one leaves it for the next;
- a demo built on an earlier day is built again, so "due today" stays today.

Transactional tests (``transaction=True``, ``live_server``) cannot see an uncommitted demo:
they build their own.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.db import transaction
from django.test import override_settings

if TYPE_CHECKING:  # the builder imports models: not before Django is set up
    from schoolkeep.demo.builder import DemoContext

FIXTURE = "shared_demo"


class _SharedDemo:
    """The outer transaction holding the built demo, opened and rolled back on demand."""

    def __init__(self, blocker: Any, uploads: Path) -> None:
        self.blocker = blocker
        self.uploads = uploads
        self.ctx: DemoContext | None = None
        self.built_on: date | None = None
        self._atomic: Any = None

    def open(self) -> None:
        from django.utils import timezone

        from schoolkeep.audit.context import audit_context, cli_actor_label
        from schoolkeep.demo.builder import build_demo

        if self._atomic is not None and self.built_on == timezone.localdate():
            return
        self.close()
        shutil.rmtree(self.uploads, ignore_errors=True)
        with self.blocker.unblock():
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            try:
                # As `schoolkeep demo` builds it: audited as the command line.
                with override_settings(UPLOADS_DIR=self.uploads), \
                        audit_context(actor_label=cli_actor_label()):
                    self.ctx = build_demo()
            except BaseException:
                self.close()
                raise
        self.built_on = timezone.localdate()

    def close(self) -> None:
        if self._atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic, self._atomic, self.ctx = self._atomic, None, None
            atomic.__exit__(None, None, None)


_holder: _SharedDemo | None = None


def uses_shared_demo(item: pytest.Item) -> bool:
    return FIXTURE in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests sharing the demo run first, one after another, so that a worker builds it
    once rather than once per test. A stable sort, after pytest-django's (which is tryfirst),
    so its order of the rest is kept."""
    items.sort(key=lambda item: not uses_shared_demo(item))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test: the demo is there for a test that asks for it and
    gone for every other."""
    if _holder is None:
        return  # not built yet in this process: the session fixture builds it when asked
    if uses_shared_demo(item):
        _holder.open()
    else:
        _holder.close()


@pytest.fixture(scope="session")
def _shared_demo_holder(django_db_setup: None, django_db_blocker: Any,
                        tmp_path_factory: pytest.TempPathFactory) -> Iterator[_SharedDemo]:
    """Depends on ``django_db_setup``, so the demo is rolled back before the test database
    is dropped."""
    global _holder
    holder = _SharedDemo(django_db_blocker, tmp_path_factory.mktemp("shared-demo") / "uploads")
    holder.open()  # a build that fails fails this fixture once, not every test again
    _holder = holder
    try:
        yield holder
    finally:
        holder.close()
        _holder = None


@pytest.fixture
def shared_demo(request: pytest.FixtureRequest, _shared_demo_holder: _SharedDemo,
                _private_data_dir: None, settings: Any, db: None) -> DemoContext:
    """The demo as ``build_demo()`` leaves it (a copy of its context, for this test alone).

    For tests that read the demo or make writes of their own (rolled back after the test).
    Not for a test that needs an empty database first, nor for a transactional one."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or "live_server" in request.fixturenames):
        pytest.fail(f"{FIXTURE} cannot serve a transactional test: build the demo in the test")
    assert _shared_demo_holder.ctx is not None
    if _shared_demo_holder.uploads.exists():
        shutil.copytree(_shared_demo_holder.uploads, settings.UPLOADS_DIR, dirs_exist_ok=True)
    return copy.deepcopy(_shared_demo_holder.ctx)
