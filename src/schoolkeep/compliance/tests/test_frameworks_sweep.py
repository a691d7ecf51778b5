"""The frameworks pages on the demo (Larkspur, with its year of snapshots), in a real browser:
where the school stands with its trend charts, each framework's requirements, the form of a
clause and the trust's grid, each at 1280 and 390 pixels through axe-core (WCAG 2.2 AA),
nothing scrolling sideways at 320, no CSP refusal or script error
(``tests.browser.test_responsive.sweep_pages``).

The browser fixtures are tests/browser's (Debian's chromium and axe-core; skipped with the
reason when either is missing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from tests.browser.conftest import axe_source, chromium  # noqa: F401  (fixtures, by name)
from tests.browser.test_responsive import sweep_pages

from schoolkeep.accounts.models import User
from schoolkeep.compliance.models import Requirement, Snapshot
from schoolkeep.compliance.state.requirements import current_frameworks
from schoolkeep.demo.builder import build_demo
from schoolkeep.tenancy.models import School

pytestmark = [pytest.mark.browser]


@pytest.mark.sweep  # the SQLite pass only
def test_the_frameworks_pages_pass_axe_and_fit_a_phone(
        transactional_db: None, chromium: Any, live_server: Any, axe_source: str  # noqa: F811
) -> None:
    build_demo()
    school = School.objects.get(slug="larkspur")
    siro = User.objects.get(email="siro@larkspur.example")
    frameworks = current_frameworks()
    assert frameworks, "the demo has no framework loaded"
    assert Snapshot.objects.filter(school=school).exists(), "the demo has no trend to draw"
    requirement = Requirement.objects.filter(framework=frameworks[0],
                                             school__isnull=True).first()
    assert requirement is not None
    paths = [reverse("compliance:home"), reverse("compliance:trust"),
             reverse("compliance:requirement-add", args=[frameworks[0].code]),
             reverse("compliance:requirement-edit", args=[requirement.public_id])]
    paths += [reverse("compliance:framework-detail", args=[framework.code])
              for framework in frameworks]
    failures = sweep_pages(chromium, live_server, axe_source, siro, "compliance-frameworks",
                           paths)
    assert not failures, "\n".join(failures)
