"""Confirming it is you comes before exports as well as changes: the page does not call the
step a change (exporting the record is not one)."""

from __future__ import annotations

from django.urls import reverse


def test_the_password_confirmation_does_not_call_an_export_a_change(personas, login) -> None:
    html = login(personas.siro).get(reverse("account_reauthenticate")).content.decode()
    assert "Enter your password again to go on." in html
    assert "exporting records" in html and "This change" not in html


def test_the_code_confirmation_does_not_call_an_export_a_change(personas, login) -> None:
    html = login(personas.siro).get(reverse("mfa_reauthenticate")).content.decode()
    assert "authenticator app, or a recovery code, to go on." in html
    assert "exporting records" in html and "This change" not in html
