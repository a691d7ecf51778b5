"""Writing the destruction log: the one log for the whole product.

``destruction_record`` is called by the record form, the API, equipment disposals (a
disposal company's certificate), housekeeping and Schoolkeep's own erasure. It checks every
value, writes one row and one audit event in one transaction, and never stores the data that
was destroyed: only what it was, how, by whom and when. The description and the people's
names are free text that may name someone, so the audit trail holds them only as "changed".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff
from schoolkeep.lib.dates_text import day_month_year, month_names
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.validation import clean_text
from schoolkeep.lib.values import as_date
from schoolkeep.privacy.destruction.models import Destruction, DestructionMethod, DestructionSource
from schoolkeep.privacy.schedule.models import RecordType
from schoolkeep.tenancy.guards import actor_label, require_permission
from schoolkeep.tenancy.models import School

ACTION_LABELS = {"destructions.recorded": "Destruction recorded"}
EARLIEST = date(1900, 1, 1)  # nothing a school destroys was made before this
MAX_QUANTITY = 10_000_000
# Values that may name a person: kept on the row, "changed" in the audit trail.
_PERSONAL = ("description", "destroyed_by_label", "witnessed_by_label")


def visible_record_types(school: School) -> Any:
    """The record types a school may log against: the shipped ones, its trust's and its
    own (archived ones too: a destruction may follow a type's archiving)."""
    owners = Q(organisation__isnull=True, school__isnull=True) | Q(school=school)
    if school.organisation_id:
        owners |= Q(organisation_id=school.organisation_id)
    return RecordType.objects.filter(owners)


def _date(value: Any, *, field: str, what: str, required: bool = False) -> date | None:
    day = as_date(field, value)
    if day is None:
        if required:
            raise DomainError(f"Enter {what}.", field=field)
        return None
    if day > timezone.localdate():
        raise DomainError(f"{what[0].upper()}{what[1:]} cannot be in the future.", field=field)
    if day < EARLIEST:
        raise DomainError(f"{what[0].upper()}{what[1:]} must be in 1900 or later.", field=field)
    return day


def _required_date(value: Any, *, field: str, what: str) -> date:
    day = _date(value, field=field, what=what, required=True)
    assert day is not None  # _date raised for a missing one  # nosec B101
    return day


def _quantity(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise DomainError("Enter how many as a whole number.", field="quantity")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError("Enter how many as a whole number.", field="quantity") from None
    if isinstance(value, float) and number != value:
        raise DomainError("Enter how many as a whole number.", field="quantity")
    if number < 1 or number > MAX_QUANTITY:
        raise DomainError(f"How many must be between 1 and {MAX_QUANTITY:,}.",
                          field="quantity")
    return number


def _choice(value: Any, choices: Any, *, field: str, message: str) -> str:
    if value in choices.values:
        return str(value)
    raise DomainError(message, field=field)


def _own(model_value: Any, *, school: School, field: str, what: str) -> Any:
    if model_value is not None and getattr(model_value, "school_id", school.pk) != school.pk:
        raise DomainError(f"Choose {what} of this school.", field=field)
    return model_value


def _record_type(value: Any, school: School) -> RecordType | None:
    if value is None:
        return None
    if not isinstance(value, RecordType) or not visible_record_types(school).filter(
            pk=value.pk).exists():
        raise DomainError("Choose a record type of this school's schedule.",
                          field="record_type")
    return value


def audit_label(destruction: Destruction) -> str:
    """The event's label: the kind of record and the day, never a person's name."""
    what = (destruction.record_type.name if destruction.record_type_id
            and destruction.record_type else destruction.get_method_display())
    return f"{what}, destroyed {day_month_year(destruction.destroyed_on, month_names())}"


def destruction_record(*, school: School, actor: Any, description: str, method: str,
                       destroyed_on: date | str | None, destroyed_by_label: str,
                       record_type: RecordType | None = None, asset: Any = None,
                       records_from: date | str | None = None,
                       records_to: date | str | None = None, quantity: Any = None,
                       witnessed_by_label: str = "", disposal: Any = None,
                       certificate_reference: str = "",
                       source: str = DestructionSource.MANUAL) -> Destruction:
    """Record one destruction in the school's log (audited ``destructions.recorded``).

    An entry recorded by hand (``source`` manual) needs ``destructions.record`` of a person
    acting; another part writing its own entry (a disposal's certificate, housekeeping,
    Schoolkeep's erasure) has checked its own permission; the command line and the system are
    trusted. Raises a DomainError naming the field at fault; writes nothing then.
    """
    if not isinstance(school, School):
        raise NotAllowed("A destruction belongs to a school.")
    if source == DestructionSource.MANUAL:
        require_permission(school=school, actor=actor, permission="destructions.record",
                           message="You may not record destructions in this school.")
    row = Destruction(
        school=school,
        description=clean_text(description, field="description",
                               label="what was destroyed", limit=300, required=True),
        method=_choice(method, DestructionMethod, field="method",
                       message="Choose how the records were destroyed."),
        source=_choice(source, DestructionSource, field="source",
                       message="Choose where this entry comes from."),
        destroyed_on=_required_date(destroyed_on, field="destroyed_on",
                                    what="the date of destruction"),
        destroyed_by_label=clean_text(destroyed_by_label, field="destroyed_by_label",
                                      label="who destroyed them", limit=200, required=True),
        witnessed_by_label=clean_text(witnessed_by_label, field="witnessed_by_label",
                                      label="who witnessed it", limit=200),
        certificate_reference=clean_text(certificate_reference,
                                         field="certificate_reference",
                                         label="the certificate's reference", limit=200),
        records_from=_date(records_from, field="records_from",
                           what="the date of the earliest record"),
        records_to=_date(records_to, field="records_to", what="the date of the latest record"),
        quantity=_quantity(quantity),
        record_type=_record_type(record_type, school),
        asset=_own(asset, school=school, field="asset", what="an asset"),
        disposal=_own(disposal, school=school, field="disposal", what="a disposal"),
        recorded_by_label=actor_label(actor),
    )
    if row.records_from and row.records_to and row.records_from > row.records_to:
        raise DomainError("The earliest record's date must be on or before the latest's.",
                          field="records_from")
    if row.records_to and row.records_to > row.destroyed_on:
        raise DomainError("The latest record cannot be dated after its destruction.",
                          field="records_to")
    if row.method == DestructionMethod.DISPOSAL_COMPANY and not (
            row.certificate_reference or row.disposal_id):
        raise DomainError("Enter the disposal company's certificate reference.",
                          field="certificate_reference")
    with transaction.atomic():
        row.save()
        audit_record(action="destructions.recorded", school=school, actor=actor,
                     target=row, target_label=audit_label(row),
                     changes=_changes(row))
    return row


def _changes(row: Destruction) -> dict[str, Any]:
    values = {name: getattr(row, name) or None for name in (
        "method", "source", "destroyed_on", "records_from", "records_to", "quantity",
        "certificate_reference", *_PERSONAL)}
    values["record_type"] = row.record_type.name if row.record_type else None
    values["asset"] = str(row.asset.public_id) if row.asset else None
    values["disposal"] = str(row.disposal.public_id) if row.disposal else None
    return diff(None, values, secret_fields=_PERSONAL)
