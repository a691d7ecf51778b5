# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of personal signing links (agreements/signing/links/urls.py and the public
page of agreements/signing/page/urls.py), and the records their tests share.

Reminders, letters and making one link need aups.manage (SIRO, business manager); the
outsider, SIRO of another school, gets 404 for this school's AUP. The public page
``signing:sign`` needs no sign-in: everyone, signed in or not, gets the same 200 for a ready
link (a POST without data shows the form's errors); anything longer under /sign/ is a 404.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, Parent
from schoolkeep.agreements.aups.services import aups_set_up, draft_save, version_publish
from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.agreements.signing.links.services import link_issue
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.people.services import person_create
from tests.personas import Personas


def published_aup(personas: Personas, audience: str = Audience.PARENTS, *,
                  text: str = "") -> Aup:
    """The school's AUP of ``audience``, published (a new version when ``text`` is given)."""
    manager = personas.business_manager
    aups = {aup.audience: aup for aup in aups_set_up(school=personas.school, actor=manager)}
    aup = aups[Audience(audience)]
    if text:
        draft_save(aup=aup, actor=manager, text=text)
    draft = AupVersion.objects.filter(aup=aup, published_at__isnull=True).first()
    if draft is not None and (text or not aup.is_published):
        version_publish(draft=draft, actor=manager, requires_everyone_to_sign=True)
    aup.refresh_from_db()
    return aup


def make_parent(personas: Personas, name: str, email: str = "", **fields: Any) -> Parent:
    return parent_create(school=personas.school, actor=personas.siro, full_name=name,
                         email=email, **fields)


def make_person(personas: Personas, name: str, *, kind: str = PersonKind.AGENCY,
                email: str = "", **fields: Any) -> Person:
    return person_create(school=personas.school, actor=personas.siro, full_name=name,
                         kind=kind, email=email, **fields)


def build(personas: Personas) -> dict[str, Any]:
    aup = published_aup(personas)
    parent = make_parent(personas, "Links Matrix Parent", "links.matrix.parent@example.com")
    _, token = link_issue(aup=aup, actor=personas.business_manager, channel="email",
                          parent=parent)
    return {"links_aup_id": str(aup.public_id), "links_parent_id": str(parent.public_id),
            "links_token": token}


URL_ARGUMENTS = {
    "agreements:reminders": lambda t: {"public_id": t.extra["links_aup_id"]},
    "agreements:letters": lambda t: {"public_id": t.extra["links_aup_id"]},
    "agreements:link-create": lambda t: {"public_id": t.extra["links_aup_id"],
                                         "signer_id": t.extra["links_parent_id"]},
    "signing:sign": lambda t: {"token": t.extra["links_token"]},
    "signing:not-found": lambda t: {"rest": f"{t.extra['links_token']}/anything"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("agreements:reminders", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:reminders", "POST"): "302 302 403 403 302 403 403 403 403 403 403 403 403 404",
    ("agreements:letters", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:letters", "POST"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:link-create", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:link-create", "POST"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("signing:sign", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("signing:sign", "POST"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("signing:not-found", "GET"): "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ("signing:not-found", "POST"): "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
}
