"""After a failed submit the page's title starts with "Error: " (GOV.UK), for every form the
layout shows: the page's ``form`` with errors, or a view's ``form_failed``."""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from schoolkeep.systems.forms import SystemForm

DASH = "\N{EN DASH}"


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found is not None
    return found.group(1).strip()


def test_a_failed_submit_starts_the_title_with_error(personas, login) -> None:
    client = login(personas.siro)
    url = reverse("systems:system-create")
    assert _title(client.get(url).content.decode()) == f"Add a system {DASH} Schoolkeep"
    failed = client.post(url, {"name": ""})
    assert failed.status_code == 200
    assert 'class="error-summary"' in failed.content.decode()
    assert _title(failed.content.decode()) == f"Error: Add a system {DASH} Schoolkeep"


def test_a_form_by_another_name_says_so_with_form_failed(db) -> None:
    request = RequestFactory().get("/")
    html = render_to_string("base.html", {"page_title": "Export", "form_failed": True},
                            request=request)
    assert _title(html) == f"Error: Export {DASH} Schoolkeep"
    unbound = render_to_string("base.html", {"page_title": "Export",
                                             "form": SystemForm(people=[])}, request=request)
    assert _title(unbound) == f"Export {DASH} Schoolkeep"


def test_the_public_pages_title_says_error_after_a_failed_submit(db) -> None:
    """The signing and report-a-concern pages have their own layout (public_base.html)."""
    request = RequestFactory().get("/")
    failed = render_to_string("public_base.html", {"page_title": "Report a concern",
                                                   "form_failed": True}, request=request)
    assert _title(failed) == f"Error: Report a concern {DASH} Schoolkeep"
    shown = render_to_string("public_base.html", {"page_title": "Report a concern"},
                             request=request)
    assert _title(shown) == f"Report a concern {DASH} Schoolkeep"


def test_an_exception_refused_says_error_in_the_title(personas, login) -> None:
    from schoolkeep.people.models import CheckType
    from schoolkeep.people.services import person_create

    person = person_create(school=personas.school, actor=None, full_name="Ann Lee",
                           kind="support")
    client = login(personas.siro)
    url = reverse("people:override-edit", args=[person.public_id, CheckType.ENHANCED_DBS])
    failed = client.post(url, {"required": "", "reason": "", "version": 0})
    assert failed.status_code == 200
    assert _title(failed.content.decode()).startswith("Error: ")
