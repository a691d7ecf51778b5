"""Production refuses to start while a demo member is active."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.checks import Error, run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from schoolkeep.accounts.models import ApiToken, User
from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.demo.guard import check_no_active_demo_members, refuse_if_demo_active

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(shared_demo: object) -> None:
    """The demo, built once for the tests that share it (tests/fixtures_demo.py)."""


@pytest.fixture
def fresh_wsgi() -> Iterator[None]:
    sys.modules.pop("schoolkeep.wsgi", None)
    yield
    sys.modules.pop("schoolkeep.wsgi", None)


def e001(messages: list[object]) -> list[object]:
    return [m for m in messages if getattr(m, "id", "") == "schoolkeep.E001"]


@override_settings(PRODUCTION=True)
def test_guard_raises_in_production_while_a_demo_member_is_active(demo: None) -> None:
    with pytest.raises(ImproperlyConfigured, match="15 demo members are still active") as info:
        refuse_if_demo_active()
    assert "schoolkeep demo-deactivate" in str(info.value)


@override_settings(PRODUCTION=True)
def test_wsgi_application_refuses_to_load(demo: None, fresh_wsgi: None) -> None:
    with pytest.raises(ImproperlyConfigured, match="demo"):
        importlib.import_module("schoolkeep.wsgi")


def test_guard_allows_development_with_demo_members(demo: None) -> None:
    refuse_if_demo_active()
    assert check_no_active_demo_members() == []


@override_settings(PRODUCTION=True)
def test_guard_allows_production_with_no_demo_member(personas) -> None:  # type: ignore[no-untyped-def]
    refuse_if_demo_active()
    assert e001(run_checks(include_deployment_checks=True, tags=["security"])) == []


@override_settings(PRODUCTION=True)
def test_deploy_check_reports_active_demo_members_as_an_error(demo: None) -> None:
    found = e001(run_checks(include_deployment_checks=True, tags=["security"]))
    assert len(found) == 1
    assert isinstance(found[0], Error)
    assert "demo-deactivate" in (found[0].hint or "")
    # a deployment check only: ordinary commands such as migrate are not blocked by it
    assert e001(run_checks(include_deployment_checks=False)) == []


@override_settings(PRODUCTION=True)
def test_one_active_demo_member_is_enough_to_refuse(demo: None) -> None:
    User.objects.filter(is_demo=True).exclude(email="teacher@larkspur.example").update(
        is_active=False
    )
    with pytest.raises(ImproperlyConfigured, match="1 demo member is still active"):
        refuse_if_demo_active()


@override_settings(PRODUCTION=True)
def test_demo_deactivate_lets_production_start(demo: None, fresh_wsgi: None) -> None:
    siro = User.objects.get(email="siro@larkspur.example")
    token, _ = token_create(user=siro, name="script")
    out = StringIO()
    call_command("demo_deactivate", stdout=out)
    assert "Deactivated 15 demo member(s)" in out.getvalue()
    assert not User.objects.filter(is_demo=True, is_active=True).exists()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    events = AuditEvent.objects.filter(action="accounts.user.deactivated")
    assert events.count() == 15
    assert all(label.startswith("cli:") for label in events.values_list("actor_label", flat=True))
    refuse_if_demo_active()
    assert e001(run_checks(include_deployment_checks=True, tags=["security"])) == []
    importlib.import_module("schoolkeep.wsgi")  # starts now


def test_demo_deactivate_with_nothing_to_do_says_so() -> None:
    out = StringIO()
    call_command("demo_deactivate", stdout=out)
    assert "nothing was changed" in out.getvalue()
