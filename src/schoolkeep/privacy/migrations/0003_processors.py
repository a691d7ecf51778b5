"""The suppliers' slot: the systems register's "a data processing agreement is on file" tick
becomes a record. For each system ticked, a processor named after its supplier (or the system,
when no supplier is recorded) is made, marked as recorded before Schoolkeep tracked it, with its
agreement on file and linked to the system; the systems of one supplier share one processor,
which is linked to the register's outside organisation of the same name when there is one.
A processor whose systems are all archived is archived too. Nothing is lost: going back ticks
the systems again and removes these processors. ``systems.0006`` then removes the tick."""

import uuid

from django.db import migrations
from django.utils import timezone

from schoolkeep.lib.text import fold, tidy


def processors_from_ticks(apps, schema_editor):
    system_model = apps.get_model("systems", "System")
    processor_model = apps.get_model("privacy", "Processor")
    organisation_model = apps.get_model("assets", "OutsideOrganisation")
    groups: dict[tuple[int, str], list] = {}
    names: dict[tuple[int, str], str] = {}
    for system in system_model.objects.filter(dpa_on_file=True).order_by("school_id", "pk"):
        name = tidy(system.supplier) or tidy(system.name)
        key = (system.school_id, fold(name))
        groups.setdefault(key, []).append(system)
        names.setdefault(key, name[:200])
    if not groups:
        return
    organisations = {(org.school_id, org.name_key): org.pk
                     for org in organisation_model.objects.filter(
                         school_id__in={school_id for school_id, _ in groups})}
    now = timezone.now()
    for key, systems in groups.items():
        school_id, name_key = key
        taken = processor_model.objects.filter(school_id=school_id, name_key=name_key[:200],
                                               archived_at__isnull=True).first()
        if taken is not None:  # already recorded by hand: its agreement is on file then
            processor = taken
            processor.agreement_on_file = True
            processor.save(update_fields=["agreement_on_file"])
        else:
            archived = all(system.archived_at is not None for system in systems)
            processor = processor_model.objects.create(
                public_id=uuid.uuid4(), school_id=school_id, name=names[key],
                name_key=name_key[:200], legacy=True, agreement_on_file=True,
                outside_organisation_id=organisations.get(key),
                archived_at=now if archived else None)
        processor.systems.add(*systems)


def ticks_from_processors(apps, schema_editor):
    system_model = apps.get_model("systems", "System")
    processor_model = apps.get_model("privacy", "Processor")
    legacy = processor_model.objects.filter(legacy=True)
    system_model.objects.filter(processors__in=legacy).update(dpa_on_file=True)
    legacy.delete()


class Migration(migrations.Migration):
    # 0001_initial follows systems.0005, where the tick is; systems.0006 follows this one.
    dependencies = [("privacy", "0002_dpias")]

    operations = [migrations.RunPython(processors_from_ticks, ticks_from_processors)]
