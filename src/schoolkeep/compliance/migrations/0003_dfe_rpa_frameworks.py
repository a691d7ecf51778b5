"""The DfE's cyber security standards for schools and colleges (the seven standards of May
2024) and the RPA's conditions for its cyber cover (from April 2022), loaded as built-in
frameworks from ``catalogue/data/`` with their requirements mapped to the built-in controls.

Reversible: unloading deletes these two framework versions and their published
requirements (a school's own rows go with them only when no other version of the framework
is left). A later version of either arrives as a new data file and a new migration."""

from django.db import migrations

from schoolkeep.compliance.catalogue.loader import migration_loader

FILES = ("dfe-cyber-2024-05.json", "rpa-cyber-2022-04.json")

load_frameworks, unload_frameworks = migration_loader(*FILES)


class Migration(migrations.Migration):

    dependencies = [
        ("compliance", "0002_builtin_catalogue"),
    ]

    operations = [
        migrations.RunPython(load_frameworks, unload_frameworks),
    ]
