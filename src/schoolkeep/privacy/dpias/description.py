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
KEYS = frozenset(key for key, _ in HEADINGS)
NOTE_LIMIT = 5000


def _join(values: Any) -> str:
    return "; ".join(str(value) for value in values if value)


def _lawful_basis(asset: Any) -> str:
    from schoolkeep.assets.models import Article9Condition, LawfulBasis

    basis = dict(LawfulBasis.choices).get(asset.lawful_basis, "")
    condition = dict(Article9Condition.choices).get(asset.article9_condition, "")
    return _join([basis, f"Article 9 condition: {condition}" if condition else ""])


def _retention(asset: Any, in_force: dict[str, Any]) -> str:
    """Each record type linked with the period in force for the school (its own or its
    trust's adjustment of a shipped type); with none linked, the text from before the
    schedule, marked as such."""
    from schoolkeep.privacy.legacy import LEGACY_NOTE
    from schoolkeep.privacy.schedule.models import LegacyRetentionText
    from schoolkeep.privacy.schedule.rules import describe_period

    links = sorted((link.record_type for link in asset.record_type_links.all()),
                   key=lambda row: row.name.lower())
    if links:
        return _join(f"{row.name}: {describe_period(in_force.get(row.key, row))}"
                     for row in links)
    try:
        text = asset.legacy_retention.text
    except LegacyRetentionText.DoesNotExist:
        return ""
    return f"{LEGACY_NOTE}: {text}" if text else ""


def _in_force(school: Any) -> dict[str, Any]:
    from schoolkeep.privacy.schedule.selectors import effective_by_key

    return effective_by_key(school)


def _with_links(assets: Any) -> Any:
    return assets.select_related("legacy_retention").prefetch_related(
        "record_type_links__record_type")


def from_asset(asset: Any) -> dict[str, str]:
    """The notes from an asset of the register (a few queries: systems, record types and
    the schedule in force)."""
    from schoolkeep.assets.models import Asset, DataSubject

    asset = _with_links(Asset.objects.filter(pk=asset.pk)).get()
    subjects = dict(DataSubject.choices)
    people = _join(subjects.get(value, value) for value in asset.data_subjects or [])
    transfers = _join([asset.transfers_outside_uk, asset.transfer_safeguards])
    return {
        "purpose": asset.purpose,
        "lawful_basis": _lawful_basis(asset),
        "categories": _join([f"People: {people}" if people else "",
                             f"Data: {asset.personal_data}" if asset.personal_data else "",
                             "Includes special category data"
                             if asset.special_category_data else "",
                             "Includes children's data" if asset.children_data else ""]),
        "recipients": asset.recipients,
        "retention": _retention(asset, _in_force(asset.school)),
        "systems": _join(system.name for system in asset.systems.order_by("name")),
        "transfers": transfers,
    }


def _per_asset(assets: list[Any], value: Any) -> str:
    """"<asset>: <value>" for each asset with something to say."""
    return _join(f"{asset.name}: {text}" for asset in assets if (text := value(asset)))


def from_system(system: Any) -> dict[str, str]:
    """The notes from a system of the register and the assets it holds: each asset's lawful
    basis and retention, by asset."""
    assets = list(_with_links(system.assets.filter(archived_at__isnull=True)).order_by("name"))
    in_force = _in_force(system.school) if assets else {}
    return {
        "purpose": system.description,
        "lawful_basis": _per_asset(assets, _lawful_basis),
        "categories": _join(asset.personal_data for asset in assets),
        "recipients": _join([f"Supplier: {system.supplier}" if system.supplier else ""]),
        "retention": _per_asset(assets, lambda asset: _retention(asset, in_force)),
        "systems": _join([system.name, f"hosted: {system.hosting}" if system.hosting
                          else ""]),
        "transfers": _join(asset.transfers_outside_uk for asset in assets),
    }


def blank() -> dict[str, str]:
    return {key: "" for key, _ in HEADINGS}


def clean_notes(notes: dict[str, Any]) -> dict[str, str]:
    """Only the known headings, each trimmed and bounded (the service checks the limit)."""
    return {key: str(notes.get(key) or "").strip() for key, _ in HEADINGS}
