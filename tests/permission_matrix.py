"""The machinery of the permission matrix: every URL of the URL conf, the records each URL
needs, and how one persona's request is made. The expected statuses are in
tests/test_permission_matrix.py."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import token_create
from schoolkeep.assets.services import asset_create, group_get_or_create, labels_resolve
from schoolkeep.assets.tasks_import import APPLY_KIND as ASSET_IMPORT_APPLY_KIND
from schoolkeep.assets.tasks_import import CHECK_KIND as ASSET_IMPORT_CHECK_KIND
from schoolkeep.audit.models import AuditEvent
from schoolkeep.duties.calendar import feed_token_reset
from schoolkeep.jobs.services import job_create, job_finish
from schoolkeep.people.imports.tasks import CHECK_KIND as IMPORT_CHECK_KIND
from schoolkeep.people.models import CheckType, PersonKind
from schoolkeep.people.record.exports import JOB_KIND as RECORD_EXPORT_KIND
from schoolkeep.people.services import (
    check_save,
    copy_upload,
    person_create,
    person_link_account,
)
from schoolkeep.systems.services import system_create
from schoolkeep.tenancy.models import Membership, MembershipRole, OrganisationMembership
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.services import invitation_create
from tests.factories import MembershipFactory
from tests.matrix_parts import parts
from tests.personas import Personas

# Column order of every row: anonymous, then each persona.
COLUMNS = [
    "anonymous", "siro", "dpo", "iao", "business_manager", "it_lead", "dsl", "hr_admin",
    "data_admin", "staff", "governor", "auditor", "trust_admin", "outsider",
]


def all_url_names() -> set[str]:
    """Every named URL of the URL conf, with its namespace."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<unnamed {pattern.pattern}>"
                yield f"{namespace}:{name}" if namespace else name

    return set(walk(get_resolver().url_patterns, ""))


@dataclass
class Targets:
    """Records of the home school that URLs with arguments point at."""

    personas: Personas
    staff_membership: Membership
    invitation_id: str
    invitation_token: str
    siro_token_id: str
    siro_api_token: str
    feed_token: str
    event: AuditEvent
    attempt_id: int
    job_id: str
    person_id: str
    copy_id: str
    import_job_id: str
    system_id: str
    asset_id: str  # owned by the person linked to the information asset owner persona
    label_id: str  # an access label of the register
    asset_import_job_id: str  # the SIRO's check of a register file (with a problem)
    asset_import_result_id: str  # the SIRO's finished import of a register file
    # Records built by the parts in tests/matrix_parts, by the names they give.
    extra: dict[str, Any] = field(default_factory=dict)
    # Made once by sign_in_everyone when the targets are shared by many rows.
    sessions: dict[str, str] = field(default_factory=dict)
    api_secrets: dict[str, str] = field(default_factory=dict)
    signed_in_at: float = 0.0


# Sessions older than this are not reused: the schools sign members out after 15 idle minutes
# (and a reused session's activity is rolled back with each request).
SESSION_REUSE_SECONDS = 10 * 60


def sign_in_everyone(targets: Targets) -> None:
    """Every persona's session cookie and API secret, made once, so that each row's requests
    need not sign in again (every request is rolled back, so they stay as made)."""
    for persona, user in targets.personas.users.items():
        client = Client()
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        targets.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
        targets.api_secrets[persona] = (
            targets.siro_api_token if user == targets.personas.siro
            else token_create(user=user, name="matrix", actor=user)[1])
    targets.signed_in_at = time.monotonic()


def _reusable(targets: Targets) -> bool:
    return bool(targets.sessions) and (
        time.monotonic() - targets.signed_in_at < SESSION_REUSE_SECONDS)


def build_targets(personas: Personas) -> Targets:
    school = personas.school
    siro = personas.siro
    invitation, invitation_token = invitation_create(
        school=school, email="newcomer@oakfield.example", full_name="New Comer",
        roles=["staff"], actor=siro, send_email=False,
    )
    api_token, secret = token_create(user=siro, name="matrix", actor=siro)
    feed_url = feed_token_reset(user=siro, actor=siro)
    attempt = AccessAttempt.objects.create(
        username=personas.staff.email, ip_address="203.0.113.9", user_agent="test",
        failures_since_start=10, get_data="", post_data="", http_accept="", path_info="/",
    )
    job = job_create(school=school, actor=siro, kind="matrix", title="Matrix export",
                     permission="scr.sensitive.view")
    job_finish(job, content=b"a,b\n", filename="matrix.csv", content_type="text/csv")
    person = person_create(school=school, actor=siro, full_name="Matrix Person",
                           kind=PersonKind.SUPPORT, staff_number="M1")
    dbs = check_save(person=person, actor=siro, check_type=CheckType.ENHANCED_DBS,
                     status="done", done_on=date(2024, 9, 2),
                     dbs_certificate_number="001234567890")
    copy = copy_upload(check=dbs, actor=siro, uploaded_file=SimpleUploadedFile(
        "dbs.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    import_job = job_create(school=school, actor=siro, kind=IMPORT_CHECK_KIND,
                            title="Checking people.csv", permission="people.manage")
    job_finish(import_job, result={"problems": [{"row": 2, "column": "Kind",
                                                 "message": "Unknown kind"}],
                                   "problem_count": 1, "rows": 1})
    event = AuditEvent.objects.filter(school=school).order_by("-id").first()
    assert event is not None
    system = system_create(school=school, actor=siro, name="Matrix System")
    owner = person_link_account(
        person=person_create(school=school, actor=siro, full_name="Matrix Owner",
                             kind=PersonKind.SUPPORT),
        actor=siro, user=personas.iao)
    asset = asset_create(school=school, actor=siro, name="Matrix Asset", owner_person=owner,
                         group=group_get_or_create(school=school, name="Matrix", actor=siro))
    return Targets(
        personas=personas,
        staff_membership=Membership.objects.get(user=personas.staff, school=school),
        invitation_id=str(invitation.public_id),
        invitation_token=invitation_token,
        siro_token_id=str(api_token.public_id),
        siro_api_token=secret,
        feed_token=feed_url.rsplit("/", 1)[-1].removesuffix(".ics"),
        event=event,
        attempt_id=attempt.pk,
        job_id=str(job.public_id),
        person_id=str(person.public_id),
        copy_id=str(copy.public_id),
        import_job_id=str(import_job.public_id),
        system_id=str(system.public_id),
        asset_id=str(asset.public_id),
        label_id=str(labels_resolve(school=school, actor=siro,
                                    labels=["Matrix Label"])[0].public_id),
        **_asset_import_jobs(personas),
        extra={key: value for part in parts() if hasattr(part, "build")
               for key, value in part.build(personas).items()},
    )


def _asset_import_jobs(personas: Personas) -> dict[str, str]:
    check = job_create(school=personas.school, actor=personas.siro,
                       kind=ASSET_IMPORT_CHECK_KIND, title="Checking register.csv",
                       permission="assets.manage")
    job_finish(check, result={"problems": [{"row": 2, "column": "Asset",
                                            "message": "Every asset needs a name."}],
                              "problem_count": 1, "rows": 1})
    applied = job_create(school=personas.school, actor=personas.siro,
                         kind=ASSET_IMPORT_APPLY_KIND, title="Importing register.csv",
                         permission="assets.manage")
    job_finish(applied, result={"rows": 0, "groups": []})
    return {"asset_import_job_id": str(check.public_id),
            "asset_import_result_id": str(applied.public_id)}


# How to build each URL that takes arguments.
URL_ARGUMENTS: dict[str, Callable[[Targets], dict[str, Any]]] = {
    "account_reset_password_from_key": lambda t: {"uidb36": "1", "key": "not-a-real-key"},
    "mfa_remove_webauthn": lambda t: {"pk": 999999},
    "mfa_edit_webauthn": lambda t: {"pk": 999999},
    "accounts:token-revoke": lambda t: {"public_id": t.siro_token_id},
    "accounts:lockout-unlock": lambda t: {"attempt_id": t.attempt_id},
    "join:accept": lambda t: {"token": t.invitation_token},
    "tenancy:invitation-revoke": lambda t: {"public_id": t.invitation_id},
    "tenancy:member-edit": lambda t: {"public_id": t.staff_membership.public_id},
    "tenancy:member-deactivate": lambda t: {"public_id": t.staff_membership.public_id},
    "tenancy:term-edit": lambda t: {"year": 2026},
    "audit:event-detail": lambda t: {"public_id": t.event.public_id},
    "audit:record-history": lambda t: {"target_type": t.event.target_type,
                                       "target_id": t.event.target_id},
    "duties:calendar-feed": lambda t: {"token": t.feed_token},
    "jobs:job-detail": lambda t: {"public_id": t.job_id},
    "people:person-detail": lambda t: {"public_id": t.person_id},
    "people:person-edit": lambda t: {"public_id": t.person_id},
    "people:person-leaver": lambda t: {"public_id": t.person_id},
    "people:person-link-account": lambda t: {"public_id": t.person_id},
    "people:check-edit": lambda t: {"public_id": t.person_id, "check_type": "enhanced_dbs"},
    "people:override-edit": lambda t: {"public_id": t.person_id, "check_type": "enhanced_dbs"},
    "people:copy-upload": lambda t: {"public_id": t.person_id},
    "people:copy-download": lambda t: {"public_id": t.copy_id},
    "people:copy-delete": lambda t: {"public_id": t.copy_id},
    "people:import-template": lambda t: {"file_format": "csv"},
    "people:import-preview": lambda t: {"public_id": t.import_job_id},
    "people:import-confirm": lambda t: {"public_id": t.import_job_id},
    "api:person-detail": lambda t: {"person_id": t.person_id},
    "api:person-update": lambda t: {"person_id": t.person_id},
    "api:person-archive": lambda t: {"person_id": t.person_id},
    "api:person-checks": lambda t: {"person_id": t.person_id},
    "api:check-save": lambda t: {"person_id": t.person_id, "check_type": "enhanced_dbs"},
    "systems:system-detail": lambda t: {"public_id": t.system_id},
    "systems:system-edit": lambda t: {"public_id": t.system_id},
    "systems:system-archive": lambda t: {"public_id": t.system_id},
    "api:system-detail": lambda t: {"system_id": t.system_id},
    "api:system-update": lambda t: {"system_id": t.system_id},
    "api:system-archive": lambda t: {"system_id": t.system_id},
    "assets:asset-detail": lambda t: {"public_id": t.asset_id},
    "assets:asset-edit": lambda t: {"public_id": t.asset_id},
    "assets:asset-archive": lambda t: {"public_id": t.asset_id},
    "assets:label-edit": lambda t: {"public_id": t.label_id},
    "assets:import-preview": lambda t: {"public_id": t.asset_import_job_id},
    "assets:import-confirm": lambda t: {"public_id": t.asset_import_job_id},
    "assets:import-result": lambda t: {"public_id": t.asset_import_result_id},
    "api:asset-detail": lambda t: {"asset_id": t.asset_id},
    "api:asset-update": lambda t: {"asset_id": t.asset_id},
    "api:asset-archive": lambda t: {"asset_id": t.asset_id},
    "jobs:job-download": lambda t: {"public_id": t.job_id},
}


# API lists and records name their school in the query string.
SCHOOL_QUERY = {"api:person-list", "api:person-create", "api:person-detail", "api:person-update",
                "api:person-archive", "api:person-checks", "api:check-save",
                "api:system-list", "api:system-create", "api:system-detail",
                "api:system-update", "api:system-archive",
                "api:asset-list", "api:asset-create", "api:asset-detail", "api:asset-update",
                "api:asset-archive"}

# Methods tested besides GET and POST: one Django URL serves every method of an API path.
EXTRA_METHODS: dict[str, tuple[str, ...]] = {
    "api:person-update": ("PATCH",),
    "api:person-archive": ("DELETE",),
    "api:check-save": ("PUT",),
    "api:system-update": ("PATCH",),
    "api:system-archive": ("DELETE",),
    "api:asset-update": ("PATCH",),
    "api:asset-archive": ("DELETE",),
}


# Valid bodies for API writes, so that the permission check, not validation, decides.
API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("api:person-create", "POST"): {"full_name": "Matrix Newcomer", "kind": "support",
                                    "staff_number": "M2"},
    ("api:person-list", "POST"): {"full_name": "Matrix Newcomer", "kind": "support",
                                  "staff_number": "M2"},
    ("api:person-update", "PATCH"): {"version": 1, "job_title": "Cook"},
    ("api:check-save", "PUT"): {"version": 1, "status": "done", "done_on": "2024-09-03",
                                "dbs_certificate_number": "001234567890"},
    # A create of a system names its school in the body, as the issue asks.
    ("api:system-create", "POST"): {"school": "oakfield", "name": "Matrix New System"},
    ("api:system-list", "POST"): {"school": "oakfield", "name": "Matrix New System"},
    ("api:system-update", "PATCH"): {"version": 1, "notes": "Matrix"},
    # A create of an asset names its school in the body too.
    ("api:asset-create", "POST"): {"school": "oakfield", "name": "Matrix New Asset",
                                   "group": "Matrix"},
    ("api:asset-list", "POST"): {"school": "oakfield", "name": "Matrix New Asset",
                                 "group": "Matrix"},
    ("api:asset-update", "PATCH"): {"version": 1, "purpose": "Matrix"},
}


# Valid form bodies for page writes, so that a real change is attempted and the permission
# check, not validation, decides (parts add theirs): (url name, method) -> the body.
FORM_BODIES: dict[tuple[str, str], Callable[[Targets], dict[str, str]]] = {}


for _part in parts():
    FORM_BODIES.update(getattr(_part, "FORM_BODIES", {}))
    URL_ARGUMENTS.update(getattr(_part, "URL_ARGUMENTS", {}))
    SCHOOL_QUERY |= set(getattr(_part, "SCHOOL_QUERY", ()))
    EXTRA_METHODS.update(getattr(_part, "EXTRA_METHODS", {}))
    API_BODIES.update(getattr(_part, "API_BODIES", {}))


def url_for(name: str, targets: Targets) -> str:
    builder = URL_ARGUMENTS.get(name)
    url = reverse(name, kwargs=builder(targets) if builder else None)
    if name in SCHOOL_QUERY:
        url += f"?school={targets.personas.school.slug}"
    return url


def persona_client(persona: str, targets: Targets) -> Client:
    client = Client(raise_request_exception=False)
    if persona != "anonymous" and _reusable(targets):
        client.cookies[settings.SESSION_COOKIE_NAME] = targets.sessions[persona]
    elif persona != "anonymous":
        user: User = targets.personas.users[persona]
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def request_status(persona: str, name: str, method: str, targets: Targets) -> int:
    """One request, rolled back afterwards so that no persona's request affects the next."""
    with transaction.atomic():
        status = _request_status(persona, name, method, targets)
        transaction.set_rollback(True)
    return status


def _request_status(persona: str, name: str, method: str, targets: Targets) -> int:
    client = persona_client(persona, targets)
    url = url_for(name, targets)
    form = FORM_BODIES.get((name, method))
    if form is not None:
        return client.post(url, form(targets)).status_code
    headers: dict[str, str] = {}
    if name.startswith("api:") and persona != "anonymous":
        user = targets.personas.users[persona]
        if _reusable(targets):
            secret = targets.api_secrets[persona]
        elif user == targets.personas.siro:
            secret = targets.siro_api_token
        else:
            _, secret = token_create(user=user, name="matrix", actor=user)
        client = Client(raise_request_exception=False)
        headers["Authorization"] = f"Bearer {secret}"
    body = API_BODIES.get((name, method))
    data = json.dumps(body) if body is not None else ""
    response = client.generic(method, url, data, content_type="application/json",
                              headers=headers)
    return response.status_code


# A job's result after its maker's role changes (issue 12) -------------------------------

def _own_export(persona: str, targets: Targets) -> str:
    """The persona's own record export with the sensitive fields (what the HR administrator
    made in the review), at the school they work in; the SIRO's for the anonymous visitor."""
    if persona == "anonymous":
        return targets.job_id
    user = targets.personas.users[persona]
    school = targets.personas.other_school if persona == "outsider" else targets.personas.school
    job = job_create(school=school, actor=user, kind=RECORD_EXPORT_KIND,
                     title="Matrix record export", permission="scr.sensitive.view")
    job_finish(job, content=b"Name,DBS certificate\nMatrix Person,001234567890\n",
               filename="record.csv", content_type="text/csv")
    return str(job.public_id)


def _make_plain_staff(persona: str, targets: Targets) -> None:
    """Replace the persona's roles with plain staff: a school member's roles where they work;
    the trust administrator's trust role ended, and made a staff member of the school."""
    user = targets.personas.users[persona]
    if persona == "trust_admin":
        OrganisationMembership.objects.filter(user=user).update(is_active=False)
        MembershipFactory(user=user, school=targets.personas.school, roles=[Role.STAFF])
        return
    school = targets.personas.other_school if persona == "outsider" else targets.personas.school
    membership = Membership.objects.get(user=user, school=school)
    MembershipRole.objects.filter(membership=membership).delete()
    MembershipRole.objects.create(membership=membership, role=Role.STAFF)


def job_status_after_role_change(persona: str, name: str, method: str, targets: Targets, *,
                                 changed: bool) -> int:
    """One request for the persona's own export (``name``: the job's page or file), after
    their roles became plain staff when ``changed``; rolled back like every matrix row."""
    with transaction.atomic():
        job_id = _own_export(persona, targets)
        if changed and persona != "anonymous":
            _make_plain_staff(persona, targets)
        client = persona_client(persona, targets)
        url = reverse(name, kwargs={"public_id": job_id})
        status = client.generic(method, url).status_code
        transaction.set_rollback(True)
    return status
