"""Writes of controls: a school's own attested controls (added, changed, archived), the
school's choices for any control (its owner, and for an attested one its cadence), and the
attestations that confirm an attested control was done, with their evidence.

The rules:

- a school adds only attested controls of its own (a computed control reads the registers,
  so only the built-in ones exist); its title, description, evidence hint and cadence are
  its own to change, and it may archive it (its attestations stay, as a log);
- a built-in control is never changed: the school's owner and cadence for it are a
  ``ControlSetting`` row of its own;
- the owner named is an active member of the school (none: the holders of the control's
  ``owner_role`` own it, else the SIRO);
- every so many days means 1 to 730 days;
- an attestation is of an attested control the school uses, on a day neither in the future
  nor before 1 January 2000; "not done" says what was found in its note; its evidence is a
  PDF, PNG or JPEG of at most 10 MB, checked by its content and kept outside the web root;
- holders of ``compliance.manage`` may confirm any control; another member holding
  ``compliance.attest`` only a control they own (named, or by role when no one is named);
- a form carries the version it read: a save on a newer one is refused as stale.

Every function checks the person acting (the command line, the API's token holder and the
demo call the same functions), runs in one transaction and writes the audit trail. After an
attestation the school's last worked-out states (``ControlStatus``) are refreshed, so the
duties see it at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff
from schoolkeep.compliance.models import Attestation, Control, ControlSetting
from schoolkeep.compliance.state.selectors import owner_of, school_people
from schoolkeep.lib import uploads
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.lib.values import as_date
from schoolkeep.tenancy.guards import actor_label, is_user, require_permission
from schoolkeep.tenancy.models import Membership, School
from schoolkeep.tenancy.roles import PERMISSIONS, roles_allow

ACTION_CREATED = "compliance.control.created"
ACTION_CHANGED = "compliance.control.changed"
ACTION_ARCHIVED = "compliance.control.archived"
ACTION_ATTESTED = "compliance.control.attested"
ACTION_EVIDENCE = "compliance.attestation.evidence-opened"
ACTION_LABELS = {
    ACTION_CREATED: "Control added",
    ACTION_CHANGED: "Control changed",
    ACTION_ARCHIVED: "Control archived",
    ACTION_ATTESTED: "Control confirmed",
    ACTION_EVIDENCE: "Control confirmation's evidence opened",
}

MANAGE = "compliance.manage"
ATTEST = "compliance.attest"
EVIDENCE_FOLDER = "compliance-evidence"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {uploads.PDF, uploads.PNG, uploads.JPEG}
EARLIEST_DAY = date(2000, 1, 1)
MAX_TITLE = 200
MAX_DESCRIPTION = 5_000
MAX_HINT = 300
MAX_NOTE = 5_000
OWN_ORDER = 1000  # a school's own controls come after the built-in ones
OWN_FIELDS = ["title", "description", "evidence_hint", "cadence", "every_days"]


# ------------------------------------------------------------------------------ checks


def _require_manager(school: School | int, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission=MANAGE,
                       message="You may not change this school's controls.")


def _line(name: str, value: Any, limit: int, *, what: str, required: bool = False) -> str:
    text = tidy(str(value or ""))
    if required and not text:
        raise DomainError(f"Enter {what}.", field=name)
    if len(text) > limit:
        raise DomainError(f"{what[0].upper()}{what[1:]} must be at most {limit:,} characters.",
                          field=name)
    return text


def _text(name: str, value: Any, limit: int, *, what: str) -> str:
    text = str(value or "").replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise DomainError(f"{what[0].upper()}{what[1:]} cannot hold a NUL character.",
                          field=name)
    if len(text) > limit:
        raise DomainError(f"{what[0].upper()}{what[1:]} must be at most {limit:,} characters.",
                          field=name)
    return text


def _cadence(cadence: Any, every_days: Any, *, allow_blank: bool) -> tuple[str, int | None]:
    """(cadence, every_days) checked: every_days only with "every so many days"."""
    value = str(cadence or "")
    if not value:
        if allow_blank:
            return "", None
        raise DomainError("Choose how often it is confirmed.", field="cadence")
    if value not in Control.Cadence.values:
        raise DomainError("Choose how often it is confirmed.", field="cadence")
    if value != Control.Cadence.EVERY_N_DAYS:
        return value, None
    try:
        days = int(every_days) if every_days not in (None, "") else None
    except (TypeError, ValueError):
        days = -1
    if days is None:
        raise DomainError("Enter every how many days it is confirmed.", field="every_days")
    if not 1 <= days <= 730:
        raise DomainError("Enter a number of days from 1 to 730.", field="every_days")
    return value, days


def owner_roles() -> list[str]:
    """The roles whose holders may own a control: those that may confirm one (every school
    role but the read-only auditor)."""
    return sorted(PERMISSIONS[ATTEST][1])


def _member(school: School, user: Any) -> Any:
    """``user`` when an active member of the school who may confirm controls (None stays
    None); else a DomainError."""
    if user is None:
        return None
    if not Membership.objects.filter(school=school, user=user, is_active=True,
                                     user__is_active=True,
                                     roles__role__in=owner_roles()).exists():
        raise DomainError("Choose an active member of the school who may confirm controls "
                          "(not an auditor) as the owner.", field="owner")
    return user


def _usable(school: School, control: Any) -> Control:
    """A control of this school (built in or its own) that is not archived."""
    if not isinstance(control, Control) or control.school_id not in (None, school.pk):
        raise DomainError("Choose one of this school's controls.", field="control")
    if control.archived_at is not None:
        raise DomainError(f"“{control.title}” is archived: it is no longer confirmed.",
                          field="control")
    return control


def _own(school: School, control: Any) -> Control:
    control = _usable(school, control)
    if control.school_id is None:
        raise DomainError("A built-in control cannot be changed this way: name its owner "
                          "and cadence instead.", field="control")
    return control


def _setting_of(school: School, control: Control, *, lock: bool = False
                ) -> ControlSetting | None:
    rows = ControlSetting.objects.filter(school=school, control=control).select_related("owner")
    if lock:  # the setting's row only: its owner may be none (an outer join)
        rows = rows.select_for_update(of=("self",))
    return rows.first()


def may_attest(*, school: School, actor: Any, control: Control) -> bool:
    """True when ``actor`` may confirm ``control`` at the school: the command line and the
    system always; a member holding ``compliance.manage`` any control; another member
    holding ``compliance.attest`` a control they own (``state.selectors.owner_of``: named
    as its owner, or holding its owner's role when no active member is named). Two queries
    at most."""
    if not is_user(actor):
        return True
    people = school_people(school)
    roles = {role for role, holders in people.holders.items() if actor.pk in holders}
    if not roles_allow(roles, ATTEST):
        return False
    if roles_allow(roles, MANAGE):
        return True
    setting = ControlSetting.objects.filter(school=school, control=control).first()
    return actor.pk in owner_of(control, setting, people).user_ids


def _require_attester(school: School, actor: Any, control: Control) -> None:
    if not may_attest(school=school, actor=actor, control=control):
        raise NotAllowed("Only the control's owner, or a member who manages the school's "
                         "controls, may confirm it.")


def _refresh(school: School, control: Control) -> None:
    """The control's last worked-out state, so the duties see the change at once (the
    school's other controls are not read again)."""
    from schoolkeep.compliance.state.snapshots import statuses_refresh

    statuses_refresh(school=school, now=timezone.now(), controls=[control])


# ------------------------------------------------------------------ the school's controls


def control_create(*, school: School, actor: Any, title: str, cadence: str,
                   description: str = "", every_days: int | None = None, owner: Any = None,
                   evidence_hint: str = "") -> Control:
    """Add an attested control of the school's own, confirmed on ``cadence``."""
    _require_manager(school, actor)
    fields: dict[str, Any] = {
        "title": _line("title", title, MAX_TITLE, what="the control's title", required=True),
        "description": _text("description", description, MAX_DESCRIPTION,
                             what="the description"),
        "evidence_hint": _line("evidence_hint", evidence_hint, MAX_HINT,
                               what="what evidence helps"),
    }
    fields["cadence"], fields["every_days"] = _cadence(cadence, every_days, allow_blank=False)
    with transaction.atomic():
        owner = _member(school, owner)
        control = Control(school=school, kind=Control.Kind.ATTESTED, order=OWN_ORDER,
                          **fields)
        full_clean_or_error(control)
        control.save()
        if owner is not None:
            setting = ControlSetting(school=school, control=control, owner=owner)
            full_clean_or_error(setting)
            setting.save()
        audit_record(action=ACTION_CREATED, school=school, actor=actor, target=control,
                     target_label=control.title,
                     changes=diff(None, {**fields, "owner": str(owner) if owner else None}))
    _refresh(school, control)
    return control


def current_version(school: School, control: Control) -> int:
    """The version a form of ``control`` carries: the control's own for a school's control;
    for a built-in one the school's setting's (0 before the school has one)."""
    if control.school_id is not None:
        return control.version
    setting = _setting_of(school, control)
    return setting.version if setting is not None else 0


def control_update(*, school: School, actor: Any, control: Control, version: int,
                   owner: Any = None, cadence: str = "", every_days: int | None = None,
                   title: str | None = None, description: str | None = None,
                   evidence_hint: str | None = None) -> Control:
    """Name the owner of any control (None: nobody, its role owns it) and, for an attested
    one, its cadence (blank for a built-in one: its own cadence); for a school's own
    control also its title, description and evidence hint. ``version``: see
    ``current_version``."""
    _require_manager(school, actor)
    control = _usable(school, control)
    own = control.school_id is not None
    attested = control.kind == Control.Kind.ATTESTED
    if attested:
        chosen_cadence, chosen_days = _cadence(cadence, every_days, allow_blank=not own)
    else:
        chosen_cadence, chosen_days = "", None
    wanted: dict[str, Any] = {}
    if own:
        wanted = {
            "title": _line("title", control.title if title is None else title, MAX_TITLE,
                           what="the control's title", required=True),
            "description": _text("description",
                                 control.description if description is None else description,
                                 MAX_DESCRIPTION, what="the description"),
            "evidence_hint": _line("evidence_hint",
                                   control.evidence_hint if evidence_hint is None
                                   else evidence_hint, MAX_HINT, what="what evidence helps"),
            "cadence": chosen_cadence, "every_days": chosen_days}
    with transaction.atomic():
        owner = _member(school, owner)
        locked = Control.objects.select_for_update().get(pk=control.pk)
        setting = _setting_of(school, locked, lock=True)
        read = locked.version if own else (setting.version if setting else 0)
        if read != version:
            raise stale_error(school=school, target=locked, what=f"“{locked.title}”")
        before: dict[str, Any] = {
            "owner": str(setting.owner) if setting and setting.owner else None}
        after: dict[str, Any] = {"owner": str(owner) if owner else None}
        if own:
            before |= {name: getattr(locked, name) for name in OWN_FIELDS}
            after |= wanted
            for name, value in wanted.items():
                setattr(locked, name, value)
        elif attested:
            before |= {"cadence": setting.cadence if setting else "",
                       "every_days": setting.every_days if setting else None}
            after |= {"cadence": chosen_cadence, "every_days": chosen_days}
        changes = diff(before, after)
        owner_changed = (setting.owner_id if setting else None) != (owner.pk if owner else None)
        if owner_changed and "owner" not in changes:  # two members of the same name
            changes["owner"] = {"before": before["owner"], "after": after["owner"]}
        if not changes:
            return locked
        if setting is None:
            setting = ControlSetting(school=school, control=locked, version=0)
        setting.owner = owner
        if not own:
            setting.cadence, setting.every_days = chosen_cadence, chosen_days
        setting.version += 1
        full_clean_or_error(setting)
        setting.save()
        if own:
            locked.version += 1
            full_clean_or_error(locked)
            locked.save()
        audit_record(action=ACTION_CHANGED, school=school, actor=actor, target=locked,
                     target_label=locked.title, changes=changes)
    _refresh(school, locked)
    return locked


def control_archive(*, school: School, actor: Any, control: Control) -> Control:
    """Archive a school's own control: it is no longer confirmed nor shown in the lists.
    Its attestations stay, as a log."""
    _require_manager(school, actor)
    control = _own(school, control)
    with transaction.atomic():
        locked = Control.objects.select_for_update().get(pk=control.pk)
        if locked.archived_at is not None:
            return locked
        locked.archived_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["archived_at", "version"])
        audit_record(action=ACTION_ARCHIVED, school=school, actor=actor, target=locked,
                     target_label=locked.title,
                     changes={"archived": {"before": False, "after": True}})
    _refresh(school, locked)
    return locked


# --------------------------------------------------------------------------- attestations


def _attested_on(value: Any) -> date:
    day = as_date("attested_on", value)
    if day is None:
        raise DomainError("Enter the day it was checked.", field="attested_on")
    if day > timezone.localdate():
        raise DomainError("The day cannot be in the future.", field="attested_on")
    if day < EARLIEST_DAY:
        raise DomainError("The day must be on or after 1 January 2000.", field="attested_on")
    return day


def _evidence(uploaded_file: Any) -> tuple[bytes, str, str]:
    """(content, original name, content type) of an evidence file, checked by its content."""
    content_type = uploads.check_upload(uploaded_file, allowed=EVIDENCE_TYPES,
                                        max_bytes=EVIDENCE_MAX_BYTES, field="evidence")
    uploaded_file.seek(0)
    data = bytes(uploaded_file.read(EVIDENCE_MAX_BYTES + 1))
    if len(data) > EVIDENCE_MAX_BYTES:
        raise DomainError("The file must be smaller than 10 MB.", field="evidence")
    return data, uploads.original_name(uploaded_file, fallback="evidence"), content_type


def control_attest(*, school: School, actor: Any, control: Control, attested_on: Any,
                   outcome: str, note: str = "", uploaded_file: Any = None) -> Attestation:
    """Record that ``control`` was checked on ``attested_on``: done, or not done (the note
    says what was found), with a photo or document as evidence if there is one."""
    control = _usable(school, control)
    if control.kind != Control.Kind.ATTESTED:
        raise DomainError("This control is worked out from the records: nobody confirms it.",
                          field="control")
    # Who may, before what they sent: someone who may not confirm it learns nothing more.
    require_permission(school=school, actor=actor, permission=ATTEST,
                       message="You may not confirm this school's controls.")
    _require_attester(school, actor, control)
    day = _attested_on(attested_on)
    if outcome not in Attestation.Outcome.values:
        raise DomainError("Choose whether it was done.", field="outcome")
    cleaned_note = _text("note", note, MAX_NOTE, what="the note")
    if outcome == Attestation.Outcome.NOT_DONE and not cleaned_note:
        raise DomainError("Say what was found, such as \"the cabinet in the office was left "
                          "unlocked\", and what is being done about it.", field="note")
    data, original, content_type = (b"", "", "")
    if uploaded_file is not None:
        data, original, content_type = _evidence(uploaded_file)
    with uploads.stored_until_failure() as files, transaction.atomic():
        require_permission(school=school, actor=actor, permission=ATTEST,
                           message="You may not confirm this school's controls.")
        _require_attester(school, actor, control)
        attestation = Attestation(
            school=school, control=control, attested_on=day, outcome=outcome,
            note=cleaned_note, attested_by=actor if is_user(actor) else None,
            attested_by_label=actor_label(actor))
        if data:
            stored = files.store(data, folder=EVIDENCE_FOLDER,
                                 suffix=uploads.EXTENSIONS[content_type])
            attestation.evidence_stored_name = stored.name
            attestation.evidence_original_name = original
            attestation.evidence_content_type = content_type
            attestation.evidence_size = len(data)
        full_clean_or_error(attestation)
        attestation.save()
        audit_record(action=ACTION_ATTESTED, school=school, actor=actor, target=attestation,
                     target_label=f"{control.title}, {day:%d/%m/%Y}",
                     changes=diff(None, {"control": control.title, "attested_on": day,
                                         "outcome": outcome, "note": cleaned_note,
                                         "evidence": original or None}))
    _refresh(school, control)
    return attestation


def evidence_open(*, attestation: Attestation, actor: Any) -> BinaryIO:
    """Open an attestation's evidence for reading, and audit who opened it (a photo may
    show people or papers)."""
    name = attestation.evidence_stored_name
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise DomainError("This confirmation has no evidence attached.")
    try:
        handle = (uploads.uploads_dir(EVIDENCE_FOLDER) / name).open("rb")
    except FileNotFoundError:
        raise DomainError("The evidence of this confirmation is missing.") from None
    with transaction.atomic():
        audit_record(action=ACTION_EVIDENCE, school=attestation.school_id, actor=actor,
                     target=attestation, target_label=str(attestation),
                     changes={"evidence": attestation.evidence_original_name})
    return handle


def evidence_content_type(attestation: Attestation) -> str:
    """The type recorded from the content when it arrived (a type we do not know goes out
    as a download no browser runs)."""
    return attestation.evidence_content_type or "application/octet-stream"
