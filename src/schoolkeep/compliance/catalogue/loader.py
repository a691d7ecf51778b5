"""The built-in catalogue as data: the versioned JSON files in ``catalogue/data/`` become the
built-in controls (``school`` NULL) and the published frameworks with their requirements.
Migrations call it, so that every database holds the same catalogue at the same migration.

``load_catalogue(apps, names)`` is a migration's RunPython helper (``apps`` gives the
historical models); ``unload_catalogue(apps, names)`` is its reverse. Both take the file
names, in the order they are loaded (``["controls-1.json", "school-policy-2022.json"]``).

Two kinds of file, told apart by their keys.

A controls file, ``controls-<n>.json``::

    {"controls": [
      {"code": "aup-staff-signed",            # stable, unique among built-in controls
       "kind": "computed",                     # or "attested"
       "title": "...", "description": "...",  # plain English: what is done, and why
       "measures": ["aups.signed-staff"],      # computed: overview measure keys
       "duty_kinds": [],                        # computed: duty kinds whose overdue duties fail it
       "when_empty": "not_assessed",           # computed: "met" or "not_assessed"
       "owner_role": "siro",                   # tenancy.roles.Role value
       "cadence": "",                          # attested: "termly", "yearly", "every_n_days"
       "every_days": null,                     # attested, with "every_n_days"
       "evidence_hint": "",                    # attested: what to attach
       "order": 10}]}

Each control is upserted by code: a new code is created, a known one is updated to the
file's wording (its ``version`` goes up when anything changed, so that a form open on it
is refused as stale). A school's own controls and its settings are never touched.

A framework file, ``<framework code>-<version>.json``::

    {"code": "school-policy", "version": "2022", "title": "...", "short_title": "...",
     "publisher": "...", "source_url": "https://...", "summary": "...", "order": 1,
     "requirements": [
       {"code": "school-policy.passwords-changed",   # "<framework code>.<words>"
        "section": "Passwords", "title": "...",
        "text": "...",              # the clause or standard, quoted
        "met_means": "...",         # in our words: what "met" means
        "advice": "", "advice_source": "",   # where the clause is out of date, and who says so
        "controls": ["password-changes-current"],   # built-in control codes (may be empty)
        "order": 10}]}              # optional: ten times the position in the file

It creates that version of the framework with its requirements and their controls. Other
versions of the code stop being current first, then the new one is created current, so
that "one current version per code" holds at every step. Loading a version that is
already there changes nothing. A school's rows (its edits, withdrawals and added clauses)
belong to the framework's code, not to a version, and are left as they are: the school's
edit stands in for the published code in the new version while that version keeps the code.

A new version arrives as a NEW file (the old one is never edited: a migration already
applied must keep meaning what it did) and a new migration that loads it, for example
``0007_dfe_cyber_2026`` calling ``load_catalogue(apps, ["dfe-cyber-2026-09.json"])``
with ``unload_catalogue`` as its reverse. Each file loads in one transaction: a file
that is refused (an unknown key or control code, a broken rule) leaves nothing behind.
Changed or new built-in controls arrive the same way, as ``controls-<n+1>.json`` holding
every control whose wording changed or is new.

Unloading a framework file deletes that version's published requirements and the version
itself; when it was the current one, the newest remaining version of the code becomes
current again. The school's
rows that pointed at the deleted version move to it (with no version left, they go with
the framework). Unloading a controls file restores each control to the wording of the
latest earlier controls file that has it and deletes the controls no earlier file has; a
control someone has already confirmed (attestations) is not deleted: the reverse stops
with an error naming it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.db import transaction

DATA = Path(__file__).resolve().parent / "data"

CONTROL_FIELDS = ("kind", "title", "description", "measures", "duty_kinds", "when_empty",
                  "owner_role", "cadence", "every_days", "evidence_hint", "order")
CONTROL_DEFAULTS: dict[str, Any] = {
    "description": "", "measures": [], "duty_kinds": [], "when_empty": "not_assessed",
    "cadence": "", "every_days": None, "evidence_hint": "", "order": 0}
FRAMEWORK_FIELDS = ("code", "version", "title", "short_title", "publisher", "source_url",
                    "summary", "order", "requirements")
FRAMEWORK_REQUIRED = ("code", "version", "title", "short_title", "publisher", "order",
                      "requirements")
REQUIREMENT_FIELDS = ("code", "section", "title", "text", "met_means", "advice",
                      "advice_source", "controls", "order")
_CONTROLS_FILE = re.compile(r"^controls-(\d+)\.json$")


class CatalogueError(ValueError):
    """A catalogue file that cannot be loaded as it stands (its name and what is wrong)."""


def read(name: str) -> dict[str, Any]:
    """One data file, parsed; ``name`` is a bare file name inside ``catalogue/data/``."""
    if Path(name).name != name:
        raise CatalogueError(f"{name}: give a file name inside catalogue/data, not a path")
    with (DATA / name).open(encoding="utf-8") as handle:
        content = json.load(handle)
    if not isinstance(content, dict):
        raise CatalogueError(f"{name}: expected a JSON object")
    return content


def is_controls_file(content: dict[str, Any]) -> bool:
    return set(content) == {"controls"}


def load_catalogue(apps: Any, names: list[str]) -> None:
    """Load these data files, in order, into the historical models of ``apps``."""
    for name in names:
        content = read(name)
        with transaction.atomic():
            if is_controls_file(content):
                _upsert_controls(apps, name, content["controls"])
            else:
                _load_framework(apps, name, content)


def unload_catalogue(apps: Any, names: list[str]) -> None:
    """Undo ``load_catalogue(apps, names)``, last file first."""
    for name in reversed(names):
        content = read(name)
        with transaction.atomic():
            if is_controls_file(content):
                _unload_controls(apps, name, content["controls"])
            else:
                _unload_framework(apps, content)


def released_names() -> list[str]:
    """Every data file, in the order the migrations load them: the controls files by number,
    then each framework's versions in the order they sort as text (versions are written as
    dates, "2022" or "2024-05", so that the newest sorts last and ends current)."""
    controls: list[tuple[int, str]] = []
    frameworks: list[tuple[str, str, str]] = []
    for path in DATA.glob("*.json"):
        found = _CONTROLS_FILE.match(path.name)
        if found:
            controls.append((int(found.group(1)), path.name))
        else:
            content = read(path.name)
            frameworks.append((str(content["code"]), str(content["version"]), path.name))
    return [name for _, name in sorted(controls)] + [name for *_, name in sorted(frameworks)]


def load_all(apps: Any) -> None:
    """Load every released file: what the migrations load, in their order. Loading is
    idempotent, so this only fills in what is missing (tests call it after a flush, which
    empties the tables a data migration filled)."""
    load_catalogue(apps, released_names())


def migration_loader(*names: str) -> tuple[Any, Any]:
    """(forward, reverse) functions for ``migrations.RunPython`` loading these files."""

    def forward(apps: Any, schema_editor: Any) -> None:
        load_catalogue(apps, list(names))

    def reverse(apps: Any, schema_editor: Any) -> None:
        unload_catalogue(apps, list(names))

    return forward, reverse


# Controls ---------------------------------------------------------------------------------

def _control_values(name: str, row: dict[str, Any]) -> dict[str, Any]:
    unknown = set(row) - {"code", *CONTROL_FIELDS}
    if unknown:
        raise CatalogueError(f"{name}: control {row.get('code')!r} has unknown keys "
                             f"{sorted(unknown)}")
    missing = {"code", "kind", "title", "owner_role"} - set(row)
    if missing:
        raise CatalogueError(f"{name}: control {row.get('code')!r} lacks {sorted(missing)}")
    values = {**CONTROL_DEFAULTS, **{key: row[key] for key in CONTROL_FIELDS if key in row}}
    if values["kind"] == "computed" and (values["cadence"] or values["every_days"]):
        raise CatalogueError(f"{name}: computed control {row['code']!r} has a cadence")
    if values["kind"] == "attested" and (values["measures"] or values["duty_kinds"]
                                         or not values["cadence"]):
        raise CatalogueError(f"{name}: attested control {row['code']!r} needs a cadence and "
                             "no measures or duty kinds")
    if (values["cadence"] == "every_n_days") != (values["every_days"] is not None):
        raise CatalogueError(f"{name}: control {row['code']!r}: every_days goes with "
                             "every_n_days, and only with it")
    return values


def _upsert_controls(apps: Any, name: str, rows: list[dict[str, Any]]) -> None:
    Control = apps.get_model("compliance", "Control")
    codes = [row.get("code") for row in rows]
    if len(set(codes)) != len(codes):
        raise CatalogueError(f"{name}: a control code is listed twice")
    checked = [(row, _control_values(name, row)) for row in rows]
    existing = {control.code: control
                for control in Control.objects.filter(school__isnull=True, code__in=codes)}
    for row, values in checked:
        control = existing.get(row["code"])
        if control is None:
            control = Control(school=None, code=row["code"], **values)
        elif all(getattr(control, key) == value for key, value in values.items()):
            continue
        else:
            for key, value in values.items():
                setattr(control, key, value)
            control.version += 1
        control.full_clean()
        control.save()


def _earlier_controls(name: str) -> dict[str, dict[str, Any]]:
    """{code: its row in the latest controls file numbered before ``name``}."""
    match = _CONTROLS_FILE.match(name)
    if match is None:
        raise CatalogueError(f"{name}: a controls file is named controls-<number>.json")
    number = int(match.group(1))
    earlier = sorted(
        (int(found.group(1)), path.name) for path in DATA.glob("controls-*.json")
        if (found := _CONTROLS_FILE.match(path.name)) and int(found.group(1)) < number)
    rows: dict[str, dict[str, Any]] = {}
    for _, earlier_name in earlier:
        rows.update({row["code"]: row for row in read(earlier_name)["controls"]})
    return rows


def _unload_controls(apps: Any, name: str, rows: list[dict[str, Any]]) -> None:
    Control = apps.get_model("compliance", "Control")
    Attestation = apps.get_model("compliance", "Attestation")
    earlier = _earlier_controls(name)
    codes = [row["code"] for row in rows]
    restore = [earlier[code] for code in codes if code in earlier]
    _upsert_controls(apps, name, restore)
    gone = Control.objects.filter(school__isnull=True, code__in=[
        code for code in codes if code not in earlier])
    # A control schools have confirmed is kept with its confirmations (they are the schools'
    # records); going further back, the migration that made the table drops them all alike.
    gone.exclude(pk__in=Attestation.objects.values("control_id")).delete()


# Frameworks -------------------------------------------------------------------------------

def _check_framework(name: str, content: dict[str, Any]) -> None:
    unknown = set(content) - set(FRAMEWORK_FIELDS)
    missing = set(FRAMEWORK_REQUIRED) - set(content)
    if unknown or missing:
        raise CatalogueError(f"{name}: unknown keys {sorted(unknown)}, "
                             f"missing keys {sorted(missing)}")
    codes = [row.get("code") for row in content["requirements"]]
    if len(set(codes)) != len(codes):
        raise CatalogueError(f"{name}: a requirement code is listed twice")
    for row in content["requirements"]:
        unknown = set(row) - set(REQUIREMENT_FIELDS)
        if unknown or not row.get("code") or not row.get("title"):
            raise CatalogueError(f"{name}: requirement {row.get('code')!r} needs a code and "
                                 f"a title, and has unknown keys {sorted(unknown)}")
        if not str(row["code"]).startswith(f"{content['code']}."):
            raise CatalogueError(f"{name}: requirement {row['code']!r} must start with "
                                 f"{content['code']!r} and a dot")


def _load_framework(apps: Any, name: str, content: dict[str, Any]) -> None:
    Framework = apps.get_model("compliance", "Framework")
    Requirement = apps.get_model("compliance", "Requirement")
    Control = apps.get_model("compliance", "Control")
    _check_framework(name, content)
    if Framework.objects.filter(code=content["code"], version=content["version"]).exists():
        return
    named = {code for row in content["requirements"] for code in row.get("controls", [])}
    controls = {control.code: control for control in
                Control.objects.filter(school__isnull=True, code__in=named)}
    unknown = sorted(named - set(controls))
    if unknown:
        raise CatalogueError(f"{name}: no built-in control has the codes {unknown}")
    Framework.objects.filter(code=content["code"], is_current=True).update(is_current=False)
    framework = Framework(
        code=content["code"], version=content["version"], title=content["title"],
        short_title=content["short_title"], publisher=content["publisher"],
        source_url=content.get("source_url", ""), summary=content.get("summary", ""),
        order=content["order"], is_current=True)
    framework.full_clean()
    framework.save()
    for position, row in enumerate(content["requirements"], start=1):
        requirement = Requirement(
            framework=framework, school=None, code=row["code"],
            section=row.get("section", ""), title=row["title"], text=row.get("text", ""),
            met_means=row.get("met_means", ""), advice=row.get("advice", ""),
            advice_source=row.get("advice_source", ""), order=row.get("order", position * 10))
        requirement.full_clean()
        requirement.save()
        requirement.controls.set([controls[code] for code in row.get("controls", [])])


def _unload_framework(apps: Any, content: dict[str, Any]) -> None:
    Framework = apps.get_model("compliance", "Framework")
    Requirement = apps.get_model("compliance", "Requirement")
    framework = Framework.objects.filter(code=content["code"],
                                         version=content["version"]).first()
    if framework is None:
        return
    previous = (Framework.objects.filter(code=framework.code).exclude(pk=framework.pk)
                .order_by("-loaded_at", "-pk").first())
    Requirement.objects.filter(framework=framework, school__isnull=True).delete()
    own = Requirement.objects.filter(framework=framework, school__isnull=False)
    if previous is None:
        own.delete()
    else:
        own.update(framework=previous)
    was_current = framework.is_current
    framework.delete()
    if previous is not None and was_current:
        Framework.objects.filter(pk=previous.pk).update(is_current=True)
