"""Writing DPIAs: start, screen, write the assessment and its risks, record the DPO's advice
and the ICO's prior consultation, sign off, archive.

Each write runs in one transaction, checks the actor's permission in the school (the
command line and the demo are trusted), the version the form or the API read, stores the
derived state (``selectors.state_of``) and writes one audit event targeting the DPIA,
labelled "DPIA: <what it is about>". Free text is recorded in the audit trail only as
"changed": it may describe people.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.validation import clean_text
from schoolkeep.privacy.dpias import description, screening, selectors
from schoolkeep.privacy.dpias.models import Dpia, DpiaRisk
from schoolkeep.tenancy.guards import actor_label, is_user, require_permission

ACTION_LABELS = {
    "dpias.started": "DPIA started",
    "dpias.screened": "DPIA screening recorded",
    "dpias.updated": "DPIA assessment changed",
    "dpias.risk-added": "DPIA risk added",
    "dpias.risk-changed": "DPIA risk changed",
    "dpias.risk-removed": "DPIA risk removed",
    "dpias.advised": "DPO's advice on a DPIA recorded",
    "dpias.ico-recorded": "ICO prior consultation recorded",
    "dpias.signed-off": "DPIA signed off",
    "dpias.archived": "DPIA archived",
}

TEXT_LIMIT = 20_000
NOTE_LIMIT = 2_000
# The assessment's free text that ``dpia_update`` may change (and ``review_on``).
TEXT_FIELDS = ("processing_notes", "necessity", "consultation_views",
               "consultation_not_sought_reason")
TEXT_LABELS = {"processing_notes": "the nature, scope and context",
               "necessity": "the necessity and proportionality",
               "consultation_views": "the views of the people affected",
               "consultation_not_sought_reason": "why their views were not sought"}
RISK_FIELDS = ("description", "likelihood", "severity", "measures", "residual_likelihood",
               "residual_severity", "measures_approved")
# Fields of the audit trail's changes recorded only as "changed".
SECRET = frozenset({*TEXT_FIELDS, "description", "measures", "dpo_advice",
                    "dpo_advice_not_followed_reason", "ico_response", "screening_notes"})


# ---------------------------------------------------------------------------- shared


def _lock(dpia: Dpia, *, actor: Any, version: int | None, permission: str,
          message: str) -> Dpia:
    require_permission(school=dpia.school_id, actor=actor, permission=permission,
                       message=message)
    # Only the DPIA's row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of
    # the outer joins to its asset and system.
    current = Dpia.objects.select_for_update(of=("self",)).select_related(
        "asset", "system").get(pk=dpia.pk)
    if version is not None and current.version != version:
        raise stale_error(school=current.school_id, target=current, what="this DPIA")
    if current.archived_at is not None:
        raise DomainError("This DPIA is archived: start a new one to change it.")
    return current


def _save(dpia: Dpia, fields: list[str]) -> None:
    dpia.state = selectors.state_of(dpia, list(dpia.risks.all()))
    dpia.version += 1
    dpia.save(update_fields=[*fields, "state", "version", "updated_at"])


def _audit(dpia: Dpia, *, action: str, actor: Any, changes: dict[str, Any]) -> None:
    audit_record(action=action, school=dpia.school_id, actor=actor, target=dpia,
                 target_label=label_of(dpia), changes=changes)


def label_of(dpia: Dpia) -> str:
    """"DPIA: <asset or system>": registers name things, never people. A project's name is
    free text (it may name someone), so its label is "DPIA: a new project (<short id>)"."""
    if dpia.asset_id or dpia.system_id:
        return f"DPIA: {selectors.subject_name(dpia)}"[:200]
    return f"DPIA: a new project ({str(dpia.public_id)[:8]})"


def _day(value: Any, *, field: str, label: str, required: bool = True,
         not_future: bool = False) -> date | None:
    if value is None or value == "":
        if required:
            raise DomainError(f"Enter {label}.", field=field)
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise DomainError(f"Enter {label} as a date.", field=field)
    if not_future and value > timezone.localdate():
        raise DomainError(f"{label[0].upper()}{label[1:]} cannot be in the future.",
                          field=field)
    return value


def _required_day(value: Any, *, field: str, label: str, not_future: bool = False) -> date:
    day = _day(value, field=field, label=label, not_future=not_future)
    if day is None:  # _day refuses a missing required date; this tells the type checker
        raise DomainError(f"Enter {label}.", field=field)
    return day


def _score(value: Any, *, field: str, label: str, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise DomainError(f"Choose {label}.", field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3:
        raise DomainError(f"Choose {label}: 1, 2 or 3.", field=field)
    return value


def _editable(dpia: Dpia) -> None:
    if dpia.signed_off_on is not None:
        raise DomainError("This DPIA is signed off. To change it, archive it and start a "
                          "new one (the signed-off one stays in the history).")


# ---------------------------------------------------------------------------- start


@transaction.atomic
def dpia_start(*, school: Any, actor: Any, asset: Any = None, system: Any = None,
               project_name: str = "") -> Dpia:
    """A new DPIA for an asset, a system or a new project, its description filled from the
    register. One current DPIA per asset and per system."""
    require_permission(school=school, actor=actor, permission="dpias.manage",
                       message="You may not start a DPIA in this school.")
    if asset is not None and system is not None:
        raise DomainError("Choose an asset or a system, not both.", field="system")
    project_name = clean_text(project_name, field="project_name", label="the project's name",
                              limit=300)
    for field, subject in (("asset", asset), ("system", system)):
        if subject is None:
            continue
        if subject.school_id != school.pk or subject.archived_at is not None:
            raise DomainError(f"Choose a current {field} of this school.", field=field)
        if Dpia.objects.filter(**{field: subject}, archived_at__isnull=True).exists():
            raise DomainError(f"This {field} already has a DPIA: open it from the list.",
                              field=field)
    if asset is None and system is None and not project_name:
        raise DomainError("Enter the project's name (or start from an asset or a system).",
                          field="project_name")
    notes = (description.from_asset(asset) if asset is not None
             else description.from_system(system) if system is not None
             else description.blank())
    dpia = Dpia(school=school, asset=asset, system=system,
                project_name="" if asset or system else project_name, description=notes)
    dpia.state = selectors.state_of(dpia, [])
    try:
        with transaction.atomic():  # a savepoint: a start racing another stays one
            dpia.save()
    except IntegrityError:
        field = "asset" if asset is not None else "system"
        raise DomainError(f"This {field} already has a DPIA: open it from the list.",
                          field=field) from None
    _audit(dpia, action="dpias.started", actor=actor, changes={
        "subject": {"before": None, "after": "asset" if asset else "system" if system
                    else "project"}})
    return dpia


# ---------------------------------------------------------------------------- screening


@transaction.atomic
def dpia_screen(dpia: Dpia, *, actor: Any, version: int | None,
                answers: dict[str, tuple[bool, str]], screened_on: date | None = None) -> Dpia:
    """Record every screening answer (yes or no, with a note) and the decision, dated today
    unless ``screened_on`` says when an earlier screening was done (never in the future)."""
    current = _lock(dpia, actor=actor, version=version, permission="dpias.manage",
                    message="You may not screen DPIAs in this school.")
    _editable(current)
    screened_day = _day(screened_on, field="screened_on", label="the date of the screening",
                        required=False, not_future=True) or timezone.localdate()
    stored: dict[str, dict[str, Any]] = {}
    for key in answers:
        if key not in screening.BY_KEY:
            raise DomainError("This is not one of the screening questions.", field=key)
    for question in screening.QUESTIONS:
        answer = answers.get(question.key)
        if (not isinstance(answer, tuple | list) or len(answer) != 2
                or not isinstance(answer[0], bool)):
            raise DomainError("Answer yes or no.", field=question.key)
        note = clean_text(answer[1], field=question.key, label="the note",
                          limit=NOTE_LIMIT)
        stored[question.key] = {"answer": answer[0], "note": note}
    decision = screening.decide({key: value["answer"] for key, value in stored.items()})
    before = {"screening_required": current.screening_required,
              "screened_on": current.screened_on}
    current.screening = stored
    current.screening_required = decision.required
    current.screening_reasons = "\n".join(decision.reasons)
    current.screened_on = screened_day
    current.screened_by_label = actor_label(actor)
    _save(current, ["screening", "screening_required", "screening_reasons", "screened_on",
                    "screened_by_label"])
    _audit(current, action="dpias.screened", actor=actor, changes={
        **diff(before, {"screening_required": current.screening_required,
                        "screened_on": current.screened_on}),
        "yes_answers": {"before": None,
                        "after": sum(1 for value in stored.values() if value["answer"])}})
    return current


# ---------------------------------------------------------------------------- assessment


@transaction.atomic
def dpia_update(dpia: Dpia, *, actor: Any, version: int | None, **fields: Any) -> Dpia:
    """Change the assessment's text (``description`` notes by heading, the text fields)
    and ``review_on``."""
    current = _lock(dpia, actor=actor, version=version, permission="dpias.manage",
                    message="You may not change DPIAs in this school.")
    allowed = {*TEXT_FIELDS, "description", "review_on"}
    for name in fields:
        if name not in allowed:
            raise DomainError("This cannot be changed here.", field=name)
    if set(fields) - {"review_on"}:
        _editable(current)
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in fields:
            values[name] = clean_text(fields[name], field=name, label=TEXT_LABELS[name],
                                      limit=TEXT_LIMIT)
    if "description" in fields:
        notes = fields["description"]
        if not isinstance(notes, dict):
            raise DomainError("Give the description as notes by heading.",
                              field="description")
        for key in notes:
            if key not in description.KEYS:
                raise DomainError("This is not one of the description's headings.",
                                  field=f"description.{key}")
        cleaned = {**description.blank(), **(current.description or {}),
                   **description.clean_notes({**(current.description or {}), **notes})}
        for key, label in description.HEADINGS:
            clean_text(cleaned[key], field=f"description_{key}", label=label.lower(),
                       limit=description.NOTE_LIMIT)
        values["description"] = cleaned
    if "review_on" in fields:
        signed = current.signed_off_on
        review = _day(fields["review_on"], field="review_on", label="the review date",
                      required=signed is not None)
        if signed is not None and review is not None and review <= signed:
            raise DomainError("The review date must be after the sign-off.",
                              field="review_on")
        values["review_on"] = review
    before = {name: getattr(current, name) for name in values}
    for name, value in values.items():
        setattr(current, name, value)
    changes = diff(before, values, secret_fields=SECRET | {"description"})
    if not changes:
        return current
    _save(current, list(values))
    _audit(current, action="dpias.updated", actor=actor, changes=changes)
    return current


def _risk_values(fields: dict[str, Any], current: DpiaRisk | None) -> dict[str, Any]:
    for name in fields:
        if name not in RISK_FIELDS:
            raise DomainError("This cannot be changed here.", field=name)
    merged = {name: fields.get(name, getattr(current, name, None)) for name in RISK_FIELDS}
    values = {
        "description": clean_text(merged["description"], field="description",
                                  label="the risk", limit=NOTE_LIMIT, required=True),
        "likelihood": _score(merged["likelihood"], field="likelihood", label="the likelihood"),
        "severity": _score(merged["severity"], field="severity", label="the severity"),
        "measures": clean_text(merged["measures"], field="measures",
                               label="the measures", limit=TEXT_LIMIT),
        "residual_likelihood": _score(merged["residual_likelihood"],
                                      field="residual_likelihood",
                                      label="the likelihood after the measures",
                                      required=False),
        "residual_severity": _score(merged["residual_severity"], field="residual_severity",
                                    label="the severity after the measures", required=False),
        "measures_approved": bool(merged["measures_approved"]),
    }
    if (values["residual_likelihood"] is None) != (values["residual_severity"] is None):
        missing = ("residual_severity" if values["residual_severity"] is None
                   else "residual_likelihood")
        raise DomainError("Score both the likelihood and the severity after the measures, "
                          "or neither.", field=missing)
    return values


def _risk_of(dpia: Dpia, risk: DpiaRisk) -> DpiaRisk:
    if risk.dpia_id != dpia.pk:
        raise NotAllowed("This risk belongs to another DPIA.")
    return DpiaRisk.objects.get(pk=risk.pk)


@transaction.atomic
def risk_add(dpia: Dpia, *, actor: Any, version: int | None, **fields: Any) -> DpiaRisk:
    current = _lock(dpia, actor=actor, version=version, permission="dpias.manage",
                    message="You may not change DPIAs in this school.")
    _editable(current)
    values = _risk_values(fields, None)
    position = current.risks.count() + 1
    risk = DpiaRisk.objects.create(dpia=current, position=position, **values)
    _save(current, [])
    _audit(current, action="dpias.risk-added", actor=actor,
           changes=diff(None, {**values, "position": position}, secret_fields=SECRET))
    return risk


@transaction.atomic
def risk_update(risk: DpiaRisk, *, actor: Any, version: int | None,
                **fields: Any) -> DpiaRisk:
    current = _lock(risk.dpia, actor=actor, version=version, permission="dpias.manage",
                    message="You may not change DPIAs in this school.")
    _editable(current)
    row = _risk_of(current, risk)
    values = _risk_values(fields, row)
    before = {name: getattr(row, name) for name in RISK_FIELDS}
    changes = diff(before, values, secret_fields=SECRET)
    if not changes:
        return row
    for name, value in values.items():
        setattr(row, name, value)
    row.save(update_fields=list(RISK_FIELDS))
    _save(current, [])
    _audit(current, action="dpias.risk-changed", actor=actor,
           changes={"position": {"before": row.position, "after": row.position}, **changes})
    return row


@transaction.atomic
def risk_remove(risk: DpiaRisk, *, actor: Any, version: int | None) -> Dpia:
    current = _lock(risk.dpia, actor=actor, version=version, permission="dpias.manage",
                    message="You may not change DPIAs in this school.")
    _editable(current)
    row = _risk_of(current, risk)
    position = row.position
    row.delete()
    _save(current, [])
    _audit(current, action="dpias.risk-removed", actor=actor,
           changes={"position": {"before": position, "after": None}})
    return current


# ---------------------------------------------------------------------------- outcomes


@transaction.atomic
def dpia_record_advice(dpia: Dpia, *, actor: Any, version: int | None, advice: str,
                       advised_on: date, followed: bool,
                       not_followed_reason: str = "") -> Dpia:
    """The DPO's advice (UK GDPR Article 35(2)), and whether it was followed and why not."""
    current = _lock(dpia, actor=actor, version=version, permission="dpias.advise",
                    message="Only the DPO records their advice on a DPIA.")
    _editable(current)
    if current.screening_required is None:
        raise DomainError("Finish the screening before recording the DPO's advice.",
                          field="advice")
    risks = list(current.risks.all())
    if not any(selectors.residual_result(risk) for risk in risks):
        raise DomainError("Record at least one risk, scored before and after its measures, "
                          "before the DPO's advice: the advice is on the assessment.",
                          field="advice")
    advice = clean_text(advice, field="advice", label="the DPO's advice", limit=TEXT_LIMIT,
                        required=True)
    advised_on_day = _required_day(advised_on, field="advised_on", label="the date of the advice",
                                   not_future=True)
    floor = current.screened_on or timezone.localtime(current.created_at).date()
    if advised_on_day < floor:
        raise DomainError("The advice cannot come before the screening "
                          f"({floor.strftime('%d/%m/%Y')}).", field="advised_on")
    if not isinstance(followed, bool):
        raise DomainError("Say whether the advice was followed.", field="followed")
    reason = clean_text(not_followed_reason, field="not_followed_reason",
                        label="why the advice was not followed", limit=TEXT_LIMIT,
                        required=not followed)
    before = {"dpo_advice_on": current.dpo_advice_on,
              "dpo_advice_followed": current.dpo_advice_followed,
              "dpo_advice": current.dpo_advice,
              "dpo_advice_not_followed_reason": current.dpo_advice_not_followed_reason}
    current.dpo_advice = advice
    current.dpo_advice_on = advised_on_day
    current.dpo_advice_by_label = actor_label(actor)
    current.dpo_advice_followed = followed
    current.dpo_advice_not_followed_reason = "" if followed else reason
    current.dpo_advice_digest = selectors.assessment_digest(current, risks)
    after = {name: getattr(current, name) for name in before}
    _save(current, [*before, "dpo_advice_by_label", "dpo_advice_digest"])
    _audit(current, action="dpias.advised", actor=actor,
           changes=diff(before, after, secret_fields=SECRET))
    return current


@transaction.atomic
def dpia_record_ico(dpia: Dpia, *, actor: Any, version: int | None, consulted_on: date,
                    reference: str = "", response_on: date | None = None,
                    response: str = "") -> Dpia:
    """The ICO's prior consultation (UK GDPR Article 36): when it was asked, its
    reference, and its response when it comes."""
    current = _lock(dpia, actor=actor, version=version, permission="dpias.manage",
                    message="You may not record the ICO's consultation in this school.")
    _editable(current)
    consulted = _required_day(consulted_on, field="consulted_on",
                     label="the date the ICO was consulted", not_future=True)
    answered = _day(response_on, field="response_on", label="the date of the ICO's response",
                    required=False, not_future=True)
    if answered is not None and answered < consulted:
        raise DomainError("The ICO's response cannot come before it was consulted.",
                          field="response_on")
    text = clean_text(response, field="response", label="the ICO's response",
                      limit=TEXT_LIMIT, required=answered is not None)
    if text and answered is None:
        raise DomainError("Enter the date of the ICO's response.", field="response_on")
    values = {"ico_consulted_on": consulted,
              "ico_reference": clean_text(reference, field="reference",
                                          label="the ICO's reference", limit=100),
              "ico_response_on": answered, "ico_response": text}
    before = {name: getattr(current, name) for name in values}
    for name, value in values.items():
        setattr(current, name, value)
    # The risks the response answers: a risk changed after it means consulting again.
    current.ico_response_digest = ("" if answered is None
                                   else selectors.risks_digest(current.risks.all()))
    _save(current, [*values, "ico_response_digest"])
    _audit(current, action="dpias.ico-recorded", actor=actor,
           changes=diff(before, values, secret_fields=SECRET))
    return current


@transaction.atomic
def dpia_sign_off(dpia: Dpia, *, actor: Any, version: int | None, signed_off_on: date,
                  review_on: date) -> Dpia:
    """The SIRO's sign-off: never before the DPO's advice, nor while a high risk remains
    after the measures without the ICO's prior consultation and its response."""
    current = _lock(dpia, actor=actor, version=version, permission="dpias.signoff",
                    message="Only the SIRO signs off a DPIA.")
    risks = list(current.risks.all())
    blockers = selectors.sign_off_blockers(current, risks)
    if blockers:
        raise DomainError(" ".join(blockers), field="signed_off_on")
    signed = _required_day(signed_off_on, field="signed_off_on",
                           label="the date of the sign-off", not_future=True)
    review = _required_day(review_on, field="review_on", label="the review date")
    if current.dpo_advice_on is not None and signed < current.dpo_advice_on:
        raise DomainError("The sign-off cannot come before the DPO's advice.",
                          field="signed_off_on")
    if (selectors.ico_consultation_needed(current, risks) and current.ico_response_on
            is not None and signed < current.ico_response_on):
        raise DomainError("The sign-off cannot come before the ICO's response.",
                          field="signed_off_on")
    if review <= signed:
        raise DomainError("The review date must be after the sign-off.", field="review_on")
    current.signed_off_on = signed
    current.review_on = review
    current.signed_off_by = actor if is_user(actor) else None
    current.signed_off_by_label = actor_label(actor)
    _save(current, ["signed_off_on", "review_on", "signed_off_by", "signed_off_by_label"])
    _audit(current, action="dpias.signed-off", actor=actor, changes={
        "signed_off_on": {"before": None, "after": signed.isoformat()},
        "review_on": {"before": None, "after": review.isoformat()}})
    return current


@transaction.atomic
def dpia_archive(dpia: Dpia, *, actor: Any, version: int | None) -> Dpia:
    """Archive a DPIA (kept, read-only): the asset or system may then have a new one."""
    current = _lock(dpia, actor=actor, version=version, permission="dpias.manage",
                    message="You may not archive DPIAs in this school.")
    current.archived_at = timezone.now()
    current.version += 1
    current.save(update_fields=["archived_at", "version", "updated_at"])
    _audit(current, action="dpias.archived", actor=actor,
           changes={"archived": {"before": False, "after": True}})
    return current
