"""Fixtures shared by every test module (loaded from the root conftest)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models.signals import post_migrate
from django.test import Client

from schoolkeep.accounts.models import User
from tests.personas import Personas, build_personas


def reseed_default_check_rules(sender: object, using: str = "default", **_: object) -> None:
    """Put back the rows a data migration seeds (the default check rules) after a flush.

    A transactional test ends by flushing every table, seeded rows included, and Django then
    sends ``post_migrate``. pytest-django runs transactional tests after the others, but
    pytest-xdist's work stealing can hand a worker ordinary tests after them, which would
    then find no default rules."""
    from schoolkeep.people.defaults import DEFAULT_SETS
    from schoolkeep.people.models import CheckRule

    if getattr(sender, "label", None) != "people":
        return
    defaults = CheckRule.objects.using(using).filter(school__isnull=True,
                                                     organisation__isnull=True)
    if defaults.exists():
        return
    CheckRule.objects.using(using).bulk_create(
        CheckRule(default_for=default_for, check_type=check, person_kind=kind,
                  condition=condition)
        for default_for, rules in DEFAULT_SETS.items() for check, kind, condition in rules)


post_migrate.connect(reseed_default_check_rules, dispatch_uid="tests.reseed_default_rules")


def reseed_compliance_catalogue(sender: object, using: str = "default", **_: object) -> None:
    """Put back the built-in controls and frameworks (the compliance data migrations) after a
    flush, for the same reason as the default check rules."""
    from django.apps import apps as django_apps

    from schoolkeep.compliance.catalogue.loader import load_all
    from schoolkeep.compliance.models import Control

    if getattr(sender, "label", None) != "compliance":
        return
    if Control.objects.using(using).filter(school__isnull=True).exists():
        return
    load_all(django_apps)


post_migrate.connect(reseed_compliance_catalogue,
                     dispatch_uid="tests.reseed_compliance_catalogue")


def reseed_starting_schedule(sender: object, using: str = "default", **_: object) -> None:
    """Put back the retention schedule's shipped record types (privacy's data migration)
    after a flush, for the same reason as the default check rules."""
    from schoolkeep.privacy.schedule.starting import ensure_starting_schedule

    if getattr(sender, "label", None) != "privacy":
        return
    ensure_starting_schedule()


post_migrate.connect(reseed_starting_schedule, dispatch_uid="tests.reseed_starting_schedule")


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    """Sign a user in on the test client, as after password and second factor."""

    def _login(user: User) -> Client:
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return client

    return _login


@pytest.fixture
def steady_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """For query counts measured before and after adding many rows: on a busy machine the
    adding can outlast the session's activity stamp interval, and the stamp's write (not the
    page's) would then be counted in the second measure."""
    monkeypatch.setattr("schoolkeep.accounts.middleware.ACTIVITY_GRANULARITY_SECONDS", 3600)


def own_browser(user: User) -> Client:
    """A member signed in on a browser of their own (``login`` shares the one test client):
    for two members who open the same form at once."""
    browser = Client()
    browser.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return browser


def opened_version(browser: Client, url: str) -> str:
    """The version a form carries when ``url`` opens it."""
    response = browser.get(url)
    assert response.status_code == 200
    return str(response.context["form"]["version"].value())


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path_factory) -> None:
    """Uploads, job files and imports of each test go to its own temporary folder."""
    data_dir = tmp_path_factory.mktemp("data")
    settings.DATA_DIR = data_dir
    settings.UPLOADS_DIR = data_dir / "uploads"
