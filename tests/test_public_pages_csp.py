"""What docs/security.md says of the Content Security Policy holds for the public pages too:
they run no script at all, so their policy allows only Schoolkeep's own files and carries no
nonce (the signed-in pages' nonce is checked by tests/test_ui_pages.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from schoolkeep.incidents.report.concern import concern_page_for

DOCS = Path(__file__).resolve().parents[1] / "docs" / "security.md"


def directive(csp: str, name: str) -> str:
    match = re.search(rf"(?:^|;)\s*{name} ([^;]*)", csp)
    assert match, csp
    return match.group(1)


@pytest.mark.django_db
def test_the_public_report_page_runs_no_script_and_allows_only_our_own(client, personas):
    token = concern_page_for(personas.school).token
    response = client.get(reverse("concern:report", args=[token]))

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert directive(csp, "script-src").split() == ["'self'"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "<script" not in response.content.decode()


def test_the_security_notes_say_which_pages_carry_a_nonce():
    text = DOCS.read_text(encoding="utf-8")
    assert "fresh nonce on every page" not in text  # untrue of the public pages
    assert "The public pages" in text and "carry no nonce" in text
