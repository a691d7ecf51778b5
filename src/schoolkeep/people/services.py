"""Writes for people and their Single Central Record. Pages, the API, imports and the
scheduler all call these functions; each runs in one transaction and audits every record
it changes (encrypted fields appear only as "changed")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.context import audit_context, current
from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.lib import uploads
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.lib.values import as_date
from schoolkeep.people.derive import check_derive, normalise_dbs_number, person_derive
from schoolkeep.people.hooks import WATCHED, person_change, person_changes_notify
from schoolkeep.people.missing_checks import refresh_missing_checks
from schoolkeep.people.models import (
    CertificateCopy,
    Check,
    CheckOverride,
    CheckType,
    Person,
    PersonKind,
)
from schoolkeep.people.selectors import people_settings_for
from schoolkeep.tenancy.models import Membership, MembershipRole, School, Site
from schoolkeep.tenancy.roles import PERMISSIONS

# ---------------------------------------------------------------------------- fields

PERSON_FIELDS = [
    "full_name", "preferred_name", "date_of_birth", "kind", "job_title", "is_management_post",
    "does_teaching_work", "post_needs_qualifications", "lived_or_worked_abroad",
    "childcare_disqualification_applies", "uses_school_network", "start_date", "leaving_date",
    "email", "staff_number",
]
PERSON_SECRET_FIELDS = ["date_of_birth"]
# What person_create and person_update accept besides the fields above.
PERSON_EXTRA_FIELDS = ["sites"]

CHECK_COMMON_FIELDS = ["status", "done_on", "checked_by", "evidence", "notes"]
CHECK_TYPE_FIELDS: dict[str, list[str]] = {
    CheckType.RIGHT_TO_WORK: ["right_to_work_expires_on"],
    CheckType.ENHANCED_DBS: ["dbs_with_barred_list", "dbs_certificate_number", "dbs_issued_on",
                             "on_update_service", "update_service_checked_on"],
    CheckType.AGENCY_CONFIRMATION: ["agency_certificate_provided"],
}
CHECK_ALL_FIELDS = CHECK_COMMON_FIELDS + [f for fs in CHECK_TYPE_FIELDS.values() for f in fs]
# Shown in the audit trail only as "changed": the trail is read by roles (the DPO) that may
# not see a person's record, and these fields hold identity documents and names.
CHECK_SECRET_FIELDS = ["dbs_certificate_number", "evidence", "notes", "checked_by"]
# Dates that may lie in the future; every other date of a check is something already done.
CHECK_FUTURE_DATES = {"right_to_work_expires_on"}

COPY_TYPES = {uploads.PDF, uploads.PNG, uploads.JPEG}
COPY_MAX_BYTES = 10 * 1024 * 1024
COPY_FOLDER = "certificates"



def check_fields_for(check_type: str) -> list[str]:
    """The fields a check of this type has: the common ones and its own."""
    return CHECK_COMMON_FIELDS + CHECK_TYPE_FIELDS.get(check_type, [])


# ---------------------------------------------------------------------------- helpers


def _is_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _actor_label(actor: Any) -> str:
    if _is_user(actor):
        return str(actor)[:200]
    return (current().actor_label or "system")[:200]


def _require_manager(*, school: School, actor: Any) -> None:
    """A person acting (not the command line or the system) must hold people.manage."""
    if not _is_user(actor):
        return
    _, roles = PERMISSIONS["people.manage"]
    allowed = MembershipRole.objects.filter(
        membership__school=school, membership__user=actor, membership__is_active=True,
        role__in=list(roles),
    ).exists()
    if not allowed:
        raise NotAllowed("You may not change the people of this school.")


def _today() -> date:
    return timezone.localdate()


PERSON_DATE_FIELDS = {"date_of_birth", "start_date", "leaving_date"}
CHECK_DATE_FIELDS = {"done_on", "right_to_work_expires_on", "dbs_issued_on",
                     "update_service_checked_on"}


def _refuse_unknown(fields: Iterable[str], allowed: Iterable[str], what: str) -> None:
    allowed = set(allowed)
    for name in fields:
        if name not in allowed:
            raise DomainError(f"{what} has no field {name!r}.", field=name)


def _sites_for(school: School, sites: Iterable[Site | int]) -> list[Site]:
    items = list(sites)
    ids = {site.pk if isinstance(site, Site) else int(site) for site in items}
    found = list(Site.objects.filter(school=school, pk__in=ids).order_by("name"))
    if len(found) != len(ids):
        raise DomainError("Choose sites of this school.", field="sites")
    return found


def _site_names(person: Person) -> list[str]:
    return sorted(site.name for site in person.sites.all())


def _apply_person_fields(person: Person, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name in ("full_name", "preferred_name", "job_title", "staff_number"):
            value = " ".join(str(value or "").split())
        elif name == "email":
            value = str(value or "").strip().lower()
        elif name in PERSON_DATE_FIELDS:
            value = as_date(name, value)
        setattr(person, name, value)
    person_derive(person)


def _validate_person(person: Person) -> None:
    if not person.full_name:
        raise DomainError("Enter the person's full name.", field="full_name")
    if person.kind not in PersonKind.values:
        raise DomainError("Choose what kind of person this is.", field="kind")
    dob = person.date_of_birth
    if isinstance(dob, date) and dob >= _today():
        raise DomainError("The date of birth must be in the past.", field="date_of_birth")
    if person.start_date and person.leaving_date and person.leaving_date < person.start_date:
        raise DomainError("The leaving date must be on or after the start date.",
                          field="leaving_date")
    if person.staff_number and Person.objects.filter(
        school_id=person.school_id, staff_number=person.staff_number
    ).exclude(pk=person.pk).exists():
        raise DomainError(f"Someone else already has staff number {person.staff_number}.",
                          field="staff_number")
    full_clean_or_error(person)


def _person_snapshot(person: Person, sites: list[str] | None = None) -> dict[str, Any]:
    values = snapshot(person, PERSON_FIELDS)
    values["date_of_birth"] = values["date_of_birth"] or None  # a new Person holds ""
    if sites is not None:
        values["sites"] = sites
    return values


def _notify(person: Person, *, school: School, old: dict[str, Any] | None,
            actor: Any) -> None:
    """Tell people.hooks (leaver, starter and mover checklists) about this person's
    change, in the caller's transaction; nothing when no watched field changed."""
    person_changes_notify(
        school=school,
        changes=[person_change(person_id=person.pk, school_id=person.school_id, old=old,
                               new=snapshot(person, WATCHED))],
        actor=actor)


# ---------------------------------------------------------------------------- people


def person_create(*, school: School, actor: Any, full_name: str, kind: str,
                  **fields: Any) -> Person:
    """Add a person to the school. ``fields``: any of PERSON_FIELDS, and ``sites``."""
    _refuse_unknown(fields, PERSON_FIELDS + PERSON_EXTRA_FIELDS, "A person")
    sites_given = fields.pop("sites", None)
    with transaction.atomic():
        _require_manager(school=school, actor=actor)
        person = Person(school=school)
        _apply_person_fields(person, {"full_name": full_name, "kind": kind, **fields})
        _validate_person(person)
        sites = _sites_for(school, sites_given or [])
        person.save()
        refresh_missing_checks(school.pk, [person.pk])
        if sites:
            person.sites.set(sites)
        audit_record(
            action="people.person.created", school=school, actor=actor, target=person,
            changes=diff(None, _person_snapshot(person, [s.name for s in sites]),
                         secret_fields=PERSON_SECRET_FIELDS),
        )
        _notify(person, school=school, old=None, actor=actor)
    return person


def person_update(*, person: Person, actor: Any, version: int, **fields: Any) -> Person:
    """Change a person's details. ``version`` is the one the editor read: a newer one in the
    database raises StaleVersion."""
    _refuse_unknown(fields, PERSON_FIELDS + PERSON_EXTRA_FIELDS, "A person")
    sites_given = fields.pop("sites", None)
    with transaction.atomic():
        _require_manager(school=person.school, actor=actor)
        current = Person.objects.select_for_update().get(pk=person.pk)
        if current.version != version:
            raise stale_error(school=person.school, target=current, what="this record")
        old_sites = _site_names(current)
        before = _person_snapshot(current, old_sites)
        watched = snapshot(current, WATCHED)
        _apply_person_fields(current, fields)
        _validate_person(current)
        sites = None if sites_given is None else _sites_for(current.school, sites_given)
        new_sites = old_sites if sites is None else [s.name for s in sites]
        changes = diff(before, _person_snapshot(current, new_sites),
                       secret_fields=PERSON_SECRET_FIELDS)
        if not changes:
            return current
        current.version += 1
        current.save()
        refresh_missing_checks(current.school_id, [current.pk])  # kind and post decide
        if sites is not None and new_sites != old_sites:
            current.sites.set(sites)
        audit_record(action="people.person.updated", school=current.school_id, actor=actor,
                     target=current, changes=changes)
        _notify(current, school=person.school, old=watched, actor=actor)
    return current


def person_mark_leaver(*, person: Person, actor: Any, leaving_date: date,
                       version: int | None = None) -> Person:
    """Record the day a person leaves. They leave the current list on that day and stay in
    the archive for the school's retention period. ``version``: the person's version the
    form was opened with (a newer one raises StaleVersion), or None to skip (the API's
    "archive today", the demo)."""
    if not isinstance(leaving_date, date):
        raise DomainError("Enter the leaving date.", field="leaving_date")
    with transaction.atomic():
        _require_manager(school=person.school, actor=actor)
        current = Person.objects.select_for_update().get(pk=person.pk)
        if version is not None and current.version != version:
            raise stale_error(school=person.school, target=current, what="this record")
        before = {"leaving_date": current.leaving_date}
        watched = snapshot(current, WATCHED)
        current.leaving_date = leaving_date
        _validate_person(current)
        changes = diff(before, {"leaving_date": leaving_date})
        if not changes:
            return current
        current.version += 1
        current.save(update_fields=["leaving_date", "version", "updated_at"])
        audit_record(action="people.person.left", school=current.school_id, actor=actor,
                     target=current, changes=changes)
        _notify(current, school=person.school, old=watched, actor=actor)
    return current


def person_link_account(*, person: Person, actor: Any, user: Any | None,
                        version: int | None = None) -> Person:
    """Link the person to a member's account (or unlink with ``user=None``). The user must be
    an active member of the person's school and not linked to another person there.
    ``version``: the person's version the form was opened with, or None to skip (joining by
    invitation, the demo)."""
    with transaction.atomic():
        _require_manager(school=person.school, actor=actor)
        current = Person.objects.select_for_update(of=("self",)).select_related("user").get(
            pk=person.pk)
        if version is not None and current.version != version:
            raise stale_error(school=person.school, target=current, what="this record")
        if user is not None:
            is_member = Membership.objects.filter(
                school_id=current.school_id, user=user, is_active=True, user__is_active=True
            ).exists()
            if not is_member:
                raise DomainError("Choose an active member of this school.", field="user")
            other = Person.objects.filter(school_id=current.school_id, user=user).exclude(
                pk=current.pk).first()
            if other is not None:
                raise DomainError(f"That account is already linked to {other.full_name}.",
                                  field="user")
        old_label = str(current.user) if current.user_id else ""
        new_label = str(user) if user is not None else ""
        if current.user_id == getattr(user, "pk", None):
            return current
        current.user = user
        current.version += 1
        current.save(update_fields=["user", "version", "updated_at"])
        audit_record(
            action="people.person.account_linked" if user else "people.person.account_unlinked",
            school=current.school_id, actor=actor, target=current,
            changes=diff({"account": old_label}, {"account": new_label}),
        )
    return current


# ---------------------------------------------------------------------------- checks


def _clean_check_value(name: str, value: Any) -> Any:
    if name in ("checked_by",):
        return " ".join(str(value or "").split())
    if name in ("evidence", "notes"):
        return str(value or "").strip()
    if name == "dbs_certificate_number":
        return normalise_dbs_number(str(value or ""))
    if name == "on_update_service":
        return bool(value)
    if name in CHECK_DATE_FIELDS:
        return as_date(name, value)
    return value


def _validate_check(check: Check, given: Iterable[str]) -> None:
    if check.status not in Check.Status.values:
        raise DomainError("Choose whether the check is pending or done.", field="status")
    if check.status == Check.Status.DONE and not check.done_on:
        raise DomainError("Enter the date the check was done.", field="done_on")
    today = _today()
    for name in ("done_on", "dbs_issued_on", "update_service_checked_on"):
        value = getattr(check, name)
        if isinstance(value, date) and value > today and name not in CHECK_FUTURE_DATES:
            raise DomainError("The date cannot be in the future.", field=name)
    number = check.dbs_certificate_number
    if number and not re.fullmatch(r"[0-9]{12}", number):
        raise DomainError("A DBS certificate number has 12 digits.",
                          field="dbs_certificate_number")
    if (check.update_service_checked_on and not check.on_update_service
            and "update_service_checked_on" in given):
        raise DomainError("Say that the person is on the DBS Update Service to record a "
                          "status check.", field="update_service_checked_on")
    full_clean_or_error(check)


def check_save(*, person: Person, actor: Any, check_type: str, version: int | None = None,
               **fields: Any) -> Check:
    """Create or update the one check of ``check_type`` for the person. Only the fields of
    that type are accepted (see ``check_fields_for``); fields not given keep their values.
    ``version``: the one the editor read (0 for a check not yet recorded), or None to skip
    the comparison (imports)."""
    if check_type not in CheckType.values:
        raise DomainError("Choose a check.", field="check_type")
    _refuse_unknown(fields, check_fields_for(check_type),
                    f"The check “{CheckType(check_type).label}”")
    with transaction.atomic():
        _require_manager(school=person.school, actor=actor)
        check = (Check.objects.select_for_update()
                 .filter(person=person, check_type=check_type).first())
        if version is not None and (check.version if check else 0) != version:
            raise stale_error(school=person.school, target=check or person, what="this record")
        created = check is None
        if check is None:
            check = Check(school_id=person.school_id, person=person, check_type=check_type)
        before = None if created else snapshot(check, check_fields_for(check_type))
        for name, value in fields.items():
            setattr(check, name, _clean_check_value(name, value))
        check_derive(check)
        _validate_check(check, fields)
        after = snapshot(check, check_fields_for(check_type))
        changes = diff(before, after, secret_fields=CHECK_SECRET_FIELDS)
        if not created and not changes:
            return check
        if not created:
            check.version += 1
        check.save()
        refresh_missing_checks(person.school_id, [person.pk])
        audit_record(action="people.check.created" if created else "people.check.updated",
                     school=person.school_id, actor=actor, target=check, changes=changes)
    return check


def _check_override_version(override: CheckOverride | None, *, person: Person,
                            version: int | None) -> None:
    """Refuse a change of an exception opened at an older version (0: none existed)."""
    if version is not None and (override.version if override else 0) != version:
        raise stale_error(school=person.school, target=override or person,
                          what="this exception")


def override_set(*, person: Person, actor: Any, check_type: str, required: bool,
                 reason: str, version: int | None = None) -> CheckOverride:
    """Make a check required or not required for this person against the rules, with the
    reason recorded. ``version``: the exception's version the form was opened with (0 when
    there was none); a newer one raises StaleVersion. None skips the comparison."""
    if check_type not in CheckType.values:
        raise DomainError("Choose a check.", field="check_type")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for the exception.", field="reason")
    with transaction.atomic():
        _require_manager(school=person.school, actor=actor)
        override = (CheckOverride.objects.select_for_update()
                    .filter(person=person, check_type=check_type).first())
        _check_override_version(override, person=person, version=version)
        before = None if override is None else {"required": override.required,
                                                "reason": override.reason}
        if override is None:
            override = CheckOverride(school_id=person.school_id, person=person,
                                     check_type=check_type, required=required)
        override.required = bool(required)
        override.reason = reason
        override.set_by_label = _actor_label(actor)
        full_clean_or_error(override)
        changes = diff(before, {"required": override.required, "reason": override.reason})
        if before is not None and not changes:
            return override
        if before is not None:
            override.version += 1
        override.save()
        refresh_missing_checks(person.school_id, [person.pk])
        audit_record(action="people.override.set", school=person.school_id, actor=actor,
                     target=override, changes={"check": check_type, **changes})
    return override


def override_clear(*, person: Person, actor: Any, check_type: str,
                   version: int | None = None) -> None:
    """Remove the person's exception for this check: the rules decide again. ``version``:
    the exception's version the page was opened with (None skips the comparison)."""
    with transaction.atomic():
        _require_manager(school=person.school, actor=actor)
        override = (CheckOverride.objects.select_for_update()
                    .filter(person=person, check_type=check_type).first())
        if override is None:
            raise DomainError("There is no exception to remove for this check.",
                              field="check_type")
        _check_override_version(override, person=person, version=version)
        changes = diff({"required": override.required, "reason": override.reason}, None)
        audit_record(action="people.override.cleared", school=person.school_id, actor=actor,
                     target=override, changes={"check": check_type, **changes})
        override.delete()
        refresh_missing_checks(person.school_id, [person.pk])


# ---------------------------------------------------------------------------- copies


def copies_dir() -> Path:
    return uploads.uploads_dir(COPY_FOLDER)


def copy_path(copy: CertificateCopy) -> Path:
    return copies_dir() / copy.stored_name


def _remove_file(path: Path) -> None:
    path.unlink(missing_ok=True)


def copy_upload(*, check: Check, actor: Any, uploaded_file: Any) -> CertificateCopy:
    """Keep an uploaded copy of a DBS certificate (PDF, PNG or JPEG, checked by content, at
    most 10 MB) until the school's period ends."""
    if check.check_type != CheckType.ENHANCED_DBS:
        raise DomainError("Only a copy of a DBS certificate can be uploaded.", field="file")
    content_type = uploads.check_upload(uploaded_file, allowed=COPY_TYPES,
                                        max_bytes=COPY_MAX_BYTES)
    uploaded_file.seek(0)
    data = uploaded_file.read(COPY_MAX_BYTES + 1)
    if len(data) > COPY_MAX_BYTES:
        raise DomainError("The file must be smaller than 10 MB.", field="file")
    with uploads.stored_until_failure() as files, transaction.atomic():
        _require_manager(school=check.school, actor=actor)
        months = people_settings_for(check.school).certificate_copy_months
        stored = files.store(data, folder=COPY_FOLDER, suffix=uploads.EXTENSIONS[content_type])
        now = timezone.now()
        copy = CertificateCopy(
            school_id=check.school_id, check_record=check, stored_name=stored.name,
            original_name=uploads.original_name(uploaded_file, fallback="certificate"),
            content_type=content_type, size=len(data), uploaded_at=now,
            uploaded_by_label=_actor_label(actor),
            delete_after=now + relativedelta(months=months),
        )
        full_clean_or_error(copy)
        copy.save()
        audit_record(
            action="people.certificate_copy.uploaded", school=check.school_id, actor=actor,
            target=copy, changes={"person": check.person.full_name,
                                  "content_type": content_type, "size": len(data),
                                  "delete_after": copy.delete_after},
        )
    return copy


def _delete_copy(copy: CertificateCopy, *, actor: Any, now: datetime, reason: str,
                 action: str) -> None:
    copy.deleted_at = now
    copy.save(update_fields=["deleted_at"])
    audit_record(action=action, school=copy.school_id, actor=actor, target=copy,
                 changes={"deleted_at": now, "reason": reason,
                          "delete_after": copy.delete_after})
    path = copy_path(copy)
    transaction.on_commit(lambda: _remove_file(path))


def copy_delete(*, copy: CertificateCopy, actor: Any, reason: str) -> CertificateCopy:
    """Delete the file of a certificate copy now; the row stays, marked deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why you are deleting the copy.", field="reason")
    with transaction.atomic():
        _require_manager(school=copy.school, actor=actor)
        current = CertificateCopy.objects.select_for_update().get(pk=copy.pk)
        if current.deleted_at is not None:
            raise DomainError("This copy has already been deleted.", field="reason")
        _delete_copy(current, actor=actor, now=timezone.now(), reason=reason,
                     action="people.certificate_copy.deleted")
    return current


def copies_delete_due(*, now: datetime | None = None) -> int:
    """Delete every certificate copy, in every school, whose period has ended. The
    scheduler's tick calls this. Returns how many were deleted."""
    now = now or timezone.now()
    due = list(CertificateCopy.objects.filter(deleted_at__isnull=True, delete_after__lte=now)
               .order_by("delete_after").values_list("pk", flat=True))
    deleted = 0
    with audit_context(actor_label="system"):
        for pk in due:
            with transaction.atomic():
                copy = (CertificateCopy.objects.select_for_update()
                        .filter(pk=pk, deleted_at__isnull=True).first())
                if copy is None:
                    continue
                _delete_copy(copy, actor=None, now=now,
                             reason="The school's period for keeping copies ended.",
                             action="people.certificate_copy.deleted_automatically")
                deleted += 1
    return deleted


def copy_open(*, copy: CertificateCopy, actor: Any) -> BinaryIO:
    """Open a certificate copy's file for reading, and audit who opened it. Raises
    DomainError when the copy was deleted or its file is missing."""
    if copy.deleted_at is not None:
        raise DomainError("This copy has been deleted.", field=None)
    try:
        handle = copy_path(copy).open("rb")
    except FileNotFoundError:
        raise DomainError("The file of this copy is missing.", field=None) from None
    with transaction.atomic():
        audit_record(action="people.certificate_copy.downloaded", school=copy.school_id,
                     actor=actor, target=copy, changes={})
    return handle


def person_link_joined_member(*, membership: Any) -> Person | None:
    """When someone joins a school by invitation, link their account to the one person of
    that school recorded with the same e-mail address and no account yet (audited, as the
    system). Several or no such people: nothing is linked; the person page still can."""
    email = membership.user.email
    if not email:
        return None
    matches = list(Person.objects.filter(school_id=membership.school_id, user__isnull=True,
                                         email__iexact=email)[:2])
    if len(matches) != 1:
        return None
    return person_link_account(person=matches[0], actor=None, user=membership.user)
