"""Records the systems tests share: people of the home school, and assets held in systems
(made directly: the asset register stands above systems)."""

from __future__ import annotations

from typing import Any

from tests.personas import Personas

from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person
from schoolkeep.systems import services
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School


def make_person(school: School, full_name: str) -> Person:
    return Person.objects.create(school=school, full_name=full_name, name_key=fold(full_name),
                                 kind="support")


def make_system(personas: Personas, name: str = "SIMS", **fields: Any) -> System:
    return services.system_create(school=personas.school, actor=personas.it_lead, name=name,
                                  **fields)


def make_asset(school: School, name: str, *systems: System, group: str = "Pupil data (MIS)",
               **fields: Any) -> Asset:
    asset_group, _ = AssetGroup.objects.get_or_create(school=school, name_key=fold(group),
                                                      defaults={"name": group})
    asset = Asset.objects.create(school=school, group=asset_group, name=name,
                                 name_key=fold(name), **fields)
    asset.systems.set(systems)
    return asset
