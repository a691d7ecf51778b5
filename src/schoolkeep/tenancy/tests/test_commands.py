"""``schoolkeep init`` and ``schoolkeep roles-doc``."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from schoolkeep.audit.models import AuditEvent
from schoolkeep.tenancy.management.commands.roles_doc import default_path
from schoolkeep.tenancy.models import Invitation, Membership, Organisation, School
from schoolkeep.tenancy.roles import roles_markdown

PASSWORD = "a-long-and-unusual-passphrase-42"


def test_docs_roles_md_is_up_to_date():
    path = default_path()
    assert path.exists(), "docs/roles.md is missing: run `schoolkeep roles-doc`"
    assert path.read_text(encoding="utf-8") == roles_markdown(), (
        "docs/roles.md is stale: run `schoolkeep roles-doc`"
    )


def test_roles_doc_writes_and_checks(tmp_path: Path):
    target = tmp_path / "roles.md"
    with pytest.raises(CommandError) as caught:
        call_command("roles_doc", "--check", "--output", str(target))
    assert caught.value.returncode == 1
    call_command("roles_doc", "--output", str(target), stdout=StringIO())
    assert target.read_text(encoding="utf-8") == roles_markdown()
    call_command("roles_doc", "--check", "--output", str(target), stdout=StringIO())
    target.write_text("old table\n", encoding="utf-8")
    with pytest.raises(CommandError, match="stale"):
        call_command("roles_doc", "--check", "--output", str(target))


def run_init(*args: str) -> list[str]:
    out = StringIO()
    call_command("init", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_init_creates_the_school_and_prints_a_one_time_link(db, client):
    lines = run_init("--school-name", "Ashgrove Primary", "--organisation", "Fenland Trust",
                     "--email", "Head@Ashgrove.example", "--full-name", "Ada Head")
    school = School.objects.get(slug="ashgrove-primary")
    assert school.organisation == Organisation.objects.get(name="Fenland Trust")
    invitation = Invitation.objects.get(school=school)
    assert invitation.email == "head@ashgrove.example"
    assert invitation.roles == ["siro"]
    assert mail.outbox == []  # the link is printed, not e-mailed
    url = lines[-1]
    assert url.startswith("http://testserver/join/") and " " not in url
    created = AuditEvent.objects.get(action="tenancy.school.created", school=school)
    assert created.actor_label.startswith("cli:")

    path = url.removeprefix("http://testserver")
    response = client.post(path, {"full_name": "Ada Head", "password1": PASSWORD,
                                  "password2": PASSWORD})
    assert response.status_code == 302
    membership = Membership.objects.get(school=school, user__email="head@ashgrove.example")
    assert set(membership.roles.values_list("role", flat=True)) == {"siro"}
    assert client.get(path).status_code == 410  # single use
    assert response.url == reverse("account_login")


def test_init_without_an_organisation(db):
    run_init("--school-name", "Solo School", "--email", "head@solo.example")
    assert School.objects.get(slug="solo-school").organisation is None


def test_init_refuses_an_existing_school(personas):
    with pytest.raises(CommandError, match="already exists"):
        run_init("--school-name", "oakfield primary", "--email", "x@example.org")
    assert School.objects.filter(name__iexact="oakfield primary").count() == 1
    assert not Invitation.objects.exists()


def test_init_refuses_a_bad_email(db):
    with pytest.raises(CommandError, match="not a valid e-mail address"):
        run_init("--school-name", "New School", "--email", "not-an-address")
    assert not School.objects.exists()
