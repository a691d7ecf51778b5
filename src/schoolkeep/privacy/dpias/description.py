"""The description of the processing, filled from the registers when a DPIA starts.

The DPIA keeps its own copy (``Dpia.description``: one note per heading) so that the
assessment says what was assessed even after the register changes; the assessment page
shows the notes and lets them be edited.
"""

from __future__ import annotations

from typing import Any

# The headings of "Describe the processing", in the order the page shows them.
HEADINGS: list[tuple[str, str]] = [
    ("purpose", "Purpose"),
    ("lawful_basis", "Lawful basis"),
    ("categories", "Categories of people and of personal data"),
    ("recipients", "Who receives the data"),
    ("retention", "How long it is kept"),
    ("systems", "Systems that hold it"),
    ("transfers", "Transfers outside the UK"),
]
NOTE_LIMIT = 5000


def _join(values: Any) -> str:
    return "; ".join(str(value) for value in values if value)


def from_asset(asset: Any) -> dict[str, str]:
    """The notes from an asset of the register (3 queries: systems and record types)."""
    from schoolkeep.assets.models import Article9Condition, DataSubject, LawfulBasis

    subjects = dict(DataSubject.choices)
    people = _join(subjects.get(value, value) for value in asset.data_subjects or [])
    basis = dict(LawfulBasis.choices).get(asset.lawful_basis, "")
    condition = dict(Article9Condition.choices).get(asset.article9_condition, "")
    record_types = asset.record_type_links.select_related("record_type").order_by(
        "record_type__name")
    transfers = _join([asset.transfers_outside_uk, asset.transfer_safeguards])
    return {
        "purpose": asset.purpose,
        "lawful_basis": _join([basis, f"Article 9 condition: {condition}" if condition
                               else ""]),
        "categories": _join([f"People: {people}" if people else "",
                             f"Data: {asset.personal_data}" if asset.personal_data else "",
                             "Includes special category data"
                             if asset.special_category_data else "",
                             "Includes children's data" if asset.children_data else ""]),
        "recipients": asset.recipients,
        "retention": _join(link.record_type.name for link in record_types),
        "systems": _join(system.name for system in asset.systems.order_by("name")),
        "transfers": transfers,
    }


def from_system(system: Any) -> dict[str, str]:
    """The notes from a system of the register and the assets it holds."""
    assets = list(system.assets.filter(archived_at__isnull=True).order_by("name"))
    return {
        "purpose": system.description,
        "lawful_basis": "",
        "categories": _join(asset.personal_data for asset in assets),
        "recipients": _join([f"Supplier: {system.supplier}" if system.supplier else ""]),
        "retention": "",
        "systems": _join([system.name, f"hosted: {system.hosting}" if system.hosting
                          else ""]),
        "transfers": _join(asset.transfers_outside_uk for asset in assets),
    }


def blank() -> dict[str, str]:
    return {key: "" for key, _ in HEADINGS}


def clean_notes(notes: dict[str, Any]) -> dict[str, str]:
    """Only the known headings, each trimmed and bounded (the service checks the limit)."""
    return {key: str(notes.get(key) or "").strip() for key, _ in HEADINGS}
