"""The overview's own areas: one per part of the school's policy that Schoolkeep keeps.

Later work adds its own areas (``registry.register_area``) with an ``order`` of its choice.
"""

from __future__ import annotations

from schoolkeep.overview.registry import register_area
from schoolkeep.overview.types import Area

CORE_AREAS = [
    Area("record", "Single Central Record", 10,
         "Whether every person working at the school has the checks the school requires."),
    Area("aups", "Acceptable use", 20,
         "Whether everyone who must sign an acceptable use policy has signed it."),
    Area("policies", "Policies", 30,
         "Whether the school's policies are approved and reviewed on time."),
    Area("assets", "Information assets", 40,
         "Whether every information asset has an owner and is reviewed on time."),
    Area("incidents", "Breaches", 50,
         "Whether possible personal data breaches were reported to the ICO, or decided not to"
         " be, within the legal 72 hours."),
    Area("requests", "Requests", 52,
         "Whether requests with a legal clock (subject access and the other rights, freedom of"
         " information, the educational record) were answered in time."),
    Area("privacy", "DPIAs and suppliers", 53,
         "Whether every asset that needs a DPIA has a completed one, and every organisation"
         " that processes the school's data has an agreement in date."),
    Area("access", "Accounts and passwords", 55,
         "Whether every account belongs to someone who should have it, administrators are"
         " DBS checked and use two-factor, and passwords are changed when the school says."),
    Area("transfers", "Sending data and equipment", 57,
         "Whether data is sent only by approved channels, devices holding personal data are"
         " encrypted, loans come back, and every drive disposed of has its certificate."),
    Area("training", "Training and housekeeping", 58,
         "Whether staff with network access and governors have had their cyber security"
         " training, and everyone has done this year's digital housekeeping."),
    Area("backups", "Backups and recovery", 60,
         "Whether the school's data and Schoolkeep's own records are backed up by the 3-2-1"
         " rule, restores are tested each term, and the recovery plan was tested this year."),
    Area("governance", "Governance", 70,
         "Whether the governing body received this term's governor pack."),
]


def register_core_areas() -> None:
    for area in CORE_AREAS:
        register_area(area)
