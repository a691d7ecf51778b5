"""Look-alike names (``assets.look_alike``): each asset's and group's ``match_key``, filled
for the register as it is, 2,000 rows at a time; and aliases chosen on an import's preview.

The fill uses the live rule, not a copy: the stored keys must equal what the live code
works out for new names, so a later change of the rule needs a new fill anyway."""

import django.db.models.deletion
import uuid
from django.db import migrations, models

from schoolkeep.assets.look_alike import match_key

CHUNK = 2000


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model_name in ("AssetGroup", "Asset"):
        model = apps.get_model("assets", model_name)
        last_pk = 0
        while True:
            chunk = [model(pk=pk, match_key=match_key(name)) for pk, name in
                     model.objects.filter(pk__gt=last_pk).order_by("pk")
                     .values_list("pk", "name")[:CHUNK]]
            if not chunk:
                break
            model.objects.bulk_update(chunk, ["match_key"], batch_size=500)
            last_pk = chunk[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0007_duty_counts_index'),
        ('people', '0008_person_audience_index'),
        ('systems', '0001_systems'),
        ('tenancy', '0002_membership_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='AssetAlias',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('group_key', models.CharField(max_length=200)),
                ('name_key', models.CharField(blank=True, max_length=300)),
                ('name', models.CharField(max_length=300)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.AddField(
            model_name='asset',
            name='match_key',
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.AddField(
            model_name='assetgroup',
            name='match_key',
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
        migrations.AddIndex(
            model_name='asset',
            index=models.Index(fields=['school', 'match_key'], name='asset_look_alike'),
        ),
        migrations.AddIndex(
            model_name='assetgroup',
            index=models.Index(fields=['school', 'match_key'], name='asset_group_look_alike'),
        ),
        migrations.AddField(
            model_name='assetalias',
            name='asset',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='aliases', to='assets.asset'),
        ),
        migrations.AddField(
            model_name='assetalias',
            name='group',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='aliases', to='assets.assetgroup'),
        ),
        migrations.AddField(
            model_name='assetalias',
            name='school',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='asset_aliases', to='tenancy.school'),
        ),
        migrations.AddConstraint(
            model_name='assetalias',
            constraint=models.UniqueConstraint(fields=('school', 'group_key', 'name_key'), name='asset_alias_unique'),
        ),
        migrations.AddConstraint(
            model_name='assetalias',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('asset__isnull', True), ('group__isnull', False), ('name_key', '')), models.Q(models.Q(('name_key', ''), _negated=True), ('asset__isnull', False), ('group__isnull', True)), _connector='OR'), name='asset_alias_of_one'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
