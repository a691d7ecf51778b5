"""The parents' pages: the list (searchable, paginated, with who has signed the parents' AUP,
in constant queries), and the add, change and archive forms."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.matrix_parts.kiosk import published_aup
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean, assert_our_layout

from schoolkeep.accounts.models import User
from schoolkeep.agreements.aups.models import Audience, Parent, Signature, SigningMethod
from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.agreements.signing.services import signature_create
from schoolkeep.audit.models import AuditEvent

Login = Callable[[User], Client]
LIST = reverse("agreements:parent-list")


def make_parents(personas: Personas, start: int, count: int) -> list[Parent]:
    return [parent_create(school=personas.school, actor=None, full_name=f"Parent {n:03d}",
                          email=f"parent{n}@example.com", classes=f"Year {n % 6 + 1}")
            for n in range(start, start + count)]


def sign(parent: Parent) -> Signature:
    aup = published_aup(parent.school, Audience.PARENTS)
    return signature_create(aup=aup, method=SigningMethod.IN_APP, typed_name=parent.full_name,
                            parent=parent)


def test_list_shows_who_has_signed_the_current_version(personas: Personas,
                                                       login: Login) -> None:
    ann, bob = (parent_create(school=personas.school, actor=None, full_name=name)
                for name in ("Ann Signed", "Bob Unsigned"))
    client = login(personas.business_manager)
    html = client.get(LIST).content.decode()
    assert "no acceptable use policy for parents yet" in html
    sign(ann)
    response = client.get(LIST)
    assert_csp_clean(response)
    assert_our_layout(response)
    html = response.content.decode()
    row = html.split("Ann Signed")[1].split("</tr>")[0]
    assert "Signed" in row
    assert "Not signed" in html.split("Bob Unsigned")[1].split("</tr>")[0]
    signed = client.get(LIST, {"state": "signed"}).content.decode()
    assert "Ann Signed" in signed and "Bob Unsigned" not in signed
    unsigned = client.get(LIST, {"state": "not_signed"}).content.decode()
    assert "Bob Unsigned" in unsigned and "Ann Signed" not in unsigned
    assert bob


def test_list_searches_and_hides_archived_and_other_schools(personas: Personas,
                                                            login: Login) -> None:
    parent_create(school=personas.school, actor=None, full_name="Carol Jones",
                  email="carol@example.com", classes="5B")
    archived = parent_create(school=personas.school, actor=None, full_name="Carol Gone")
    Parent.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    parent_create(school=personas.other_school, actor=None, full_name="Carol Elsewhere")
    client = login(personas.auditor)
    html = client.get(LIST, {"q": "carol"}).content.decode()
    assert "Carol Jones" in html and "Carol Gone" not in html and "Carol Elsewhere" not in html
    assert "Carol Jones" in client.get(LIST, {"q": "5b"}).content.decode()
    assert "No parents match" in client.get(LIST, {"q": "zzz"}).content.decode()
    # The auditor reads but is offered no changes.
    assert reverse("agreements:parent-create") not in html


def test_list_paginates(personas: Personas, login: Login) -> None:
    make_parents(personas, 0, 55)
    client = login(personas.siro)
    first = client.get(LIST).content.decode()
    assert "Parent 049" in first and "Parent 050" not in first and "Page 1 of 2" in first
    assert "Parent 054" in client.get(LIST, {"page": 2}).content.decode()


@pytest.mark.parametrize("published", [False, True])
def test_list_query_count_does_not_grow(personas: Personas, login: Login,
                                        django_assert_num_queries, published: bool) -> None:
    if published:
        published_aup(personas.school, Audience.PARENTS)
    client = login(personas.business_manager)
    for parent in make_parents(personas, 0, 3):
        if published:
            sign(parent)
    client.get(LIST)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for parent in make_parents(personas, 3, 37):
        if published:
            sign(parent)
    with django_assert_num_queries(len(few)):
        html = client.get(LIST).content.decode()
    assert "Parents and carers (40)" in html


def test_add_change_and_archive_through_the_pages(personas: Personas, login: Login) -> None:
    client = login(personas.business_manager)
    response = client.post(reverse("agreements:parent-create"),
                           {"full_name": "Dee Parent", "email": "dee@example.com",
                            "classes": "Year 1"})
    assert response.status_code == 302
    dee = Parent.objects.get(full_name="Dee Parent")
    edit = reverse("agreements:parent-edit", args=[dee.public_id])
    assert 'value="Year 1"' in client.get(edit).content.decode()
    response = client.post(edit, {"full_name": "Dee Parent", "email": "dee@example.com",
                                  "classes": "Year 2", "version": 1})
    assert response.status_code == 302
    dee.refresh_from_db()
    assert dee.classes == "Year 2" and dee.version == 2
    # A stale version says so and saves nothing.
    stale = client.post(edit, {"full_name": "Dee Late", "version": 1}).content.decode()
    assert "Someone else changed this parent" in stale
    archive = reverse("agreements:parent-archive", args=[dee.public_id])
    assert client.post(archive).status_code == 302
    dee.refresh_from_db()
    assert dee.archived_at is not None
    assert client.get(edit).status_code == 302  # archived: no longer changed
    assert AuditEvent.objects.filter(action__startswith="agreements.parent.").count() == 3


def test_form_errors_use_the_summary(personas: Personas, login: Login) -> None:
    parent_create(school=personas.school, actor=None, full_name="Eve", email="eve@example.com")
    client = login(personas.siro)
    html = client.post(reverse("agreements:parent-create"),
                       {"full_name": "", "email": "eve@example.com"}).content.decode()
    assert "error-summary" in html and "Enter the parent&#x27;s full name." in html
    html = client.post(reverse("agreements:parent-create"),
                       {"full_name": "Other Eve", "email": "eve@example.com"}).content.decode()
    assert 'href="#id_email"' in html and "already has this e-mail address" in html
    assert Parent.objects.count() == 1


def test_another_schools_parent_is_not_found(personas: Personas, login: Login) -> None:
    theirs = parent_create(school=personas.other_school, actor=None, full_name="Far Away")
    client = login(personas.siro)
    for name in ("agreements:parent-edit", "agreements:parent-archive"):
        assert client.get(reverse(name, args=[theirs.public_id])).status_code == 404
        assert client.post(reverse(name, args=[theirs.public_id])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.archived_at is None
