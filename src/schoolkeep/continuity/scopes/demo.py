"""The demo's scopes and backup sets at Larkspur (step 400), from its online security
policy, through the scopes' services:

- the usual scopes (the admin network, the curriculum network and Schoolkeep, with
  Schoolkeep's own nightly backup from ``ensure_install_sets``), and CPOMS as a cloud system
  when the register has it;
- "Backup tapes": tapes kept in the locked server room, password protected, offline, for
  both networks;
- "JKCloud off-site backup": encrypted copies of both networks off site with JKCloud, for
  disaster recovery;
- "RedStor backups": RedStor's cloud backup of the admin network and CPOMS (the policy's
  "other backups").

The school runs Schoolkeep on a server on its admin network, so the admin network's three
sets protect the Schoolkeep scope too. CPOMS (when the register has it) has RedStor, the
supplier's own backups of its service (off site) and a monthly export of its records on an
encrypted drive kept in the school safe (offline).

So the admin network, Schoolkeep and CPOMS each have three copies (one off site, one
offline), and the curriculum network two: it alone fails the 3-2-1 rule ("only 2 copies on
separate devices"). The sets count once the checks step (405) records their recent checks.
Owned by Grace Adeyemi, the business manager (the demo has no IT technician among its
people). Running the step again changes nothing: a set of the same name is left as it is.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.continuity.models import BackupSet, Scope
from schoolkeep.continuity.scopes.services import (
    ADMIN_NETWORK,
    CURRICULUM_NETWORK,
    scope_update,
    scopes_start,
    set_create,
)
from schoolkeep.demo.builder import DemoContext
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System

SCHOOL = "larkspur"
OWNER = "Grace Adeyemi"
TAPES, JKCLOUD, REDSTOR = "Backup tapes", "JKCloud off-site backup", "RedStor backups"
CPOMS_SUPPLIER, CPOMS_EXPORT = "CPOMS supplier's backups", "CPOMS monthly export"


def build_demo_scopes(ctx: DemoContext) -> None:
    school = ctx.schools.get(SCHOOL)
    if school is None:
        return
    systems = {system.catalogue_key: system for system in System.objects.filter(
        school=school, archived_at__isnull=True, catalogue_key__in=["cpoms", "jkcloud"])}
    cloud = [systems["cpoms"]] if "cpoms" in systems else []
    scopes_start(school=school, actor=None, systems=cloud)
    scopes = {scope.name_key: scope for scope in Scope.objects.filter(
        school=school, archived_at__isnull=True)}
    owner = Person.objects.filter(school=school, name_key=fold(OWNER)).first()
    admin, curriculum = scopes[fold(ADMIN_NETWORK)], scopes[fold(CURRICULUM_NETWORK)]
    # Schoolkeep's server sits on the admin network: its backups hold Schoolkeep too.
    server = [scope for scope in scopes.values() if scope.kind == Scope.Kind.SCHOOLKEEP]
    # The order to restore them in is the recovery plan's (its demo step, 410).
    for scope, without in ((admin, Scope.ManageWithout.DAY),
                           (curriculum, Scope.ManageWithout.DAYS)):
        if scope.owner_id is None and scope.version == 1:
            scope_update(scope=scope, actor=None, version=1, owner=owner,
                         manage_without=without)
    cpoms = [scopes[fold(system.name)] for system in cloud if fold(system.name) in scopes]
    existing = set(BackupSet.objects.filter(school=school).values_list("name", flat=True))
    wanted: list[dict[str, Any]] = [
        {"name": TAPES, "medium": BackupSet.Medium.TAPE, "location": "Locked server room",
         "password_protected": True, "offline": True, "scopes": [admin, curriculum, *server],  # nosec B105: a flag, not a password
         "schedule": BackupSet.Schedule.DAILY,
         "notes": "Tapes are changed each evening and kept in the locked server room."},
        {"name": JKCLOUD, "medium": BackupSet.Medium.CLOUD,
         "location": "JKCloud data centre", "encrypted": True, "password_protected": True,  # nosec B105: a flag, not a password
         "off_site": True, "scopes": [admin, curriculum, *server],
         "schedule": BackupSet.Schedule.DAILY,
         "provider_system": systems.get("jkcloud"),
         "provider_name": "" if "jkcloud" in systems else "JKCloud",
         "notes": "Disaster recovery of the admin and curriculum networks."},
        {"name": REDSTOR, "medium": BackupSet.Medium.CLOUD, "location": "RedStor cloud",
         "encrypted": True, "off_site": True, "scopes": [admin, *server, *cpoms],
         "schedule": BackupSet.Schedule.DAILY, "provider_name": "RedStor"},
    ]
    if cpoms:
        wanted += [
            {"name": CPOMS_SUPPLIER, "medium": BackupSet.Medium.CLOUD,
             "location": "CPOMS's data centres", "encrypted": True, "off_site": True,
             "scopes": cpoms, "schedule": BackupSet.Schedule.DAILY,
             "provider_system": systems["cpoms"],
             "notes": "CPOMS backs up its service itself. The check is reading the "
                      "supplier's backup report."},
            {"name": CPOMS_EXPORT, "medium": BackupSet.Medium.DISK,
             "location": "School safe", "encrypted": True, "password_protected": True,  # nosec B105: a flag, not a password
             "offline": True, "scopes": cpoms, "schedule": BackupSet.Schedule.MONTHLY,
             "notes": "The safeguarding lead exports every pupil's record each month to an "
                      "encrypted drive, which is then unplugged and kept in the school safe."},
        ]
    for values in wanted:
        if values["name"] not in existing:
            set_create(school=school, actor=None, owner=owner, **values)
