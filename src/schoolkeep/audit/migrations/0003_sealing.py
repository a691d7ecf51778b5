# Sealing personal values (issue 20): the subjects' keys, the sealed values, and each event's
# digest of its sealed values. Adding the column writes no row on PostgreSQL (a constant
# default), so the append-only trigger is not involved.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='sealed_digest',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.CreateModel(
            name='AuditSubjectKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subject_type', models.CharField(max_length=100)),
                ('subject_id', models.CharField(max_length=64)),
                ('key', models.TextField(blank=True)),
                ('name', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('erased_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('subject_type', 'subject_id'), name='audit_subject_key_unique')],
            },
        ),
        migrations.CreateModel(
            name='AuditSealedValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_public_id', models.UUIDField(unique=True)),
                ('ciphertext', models.TextField()),
                ('subject_key', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='audit.auditsubjectkey')),
            ],
        ),
    ]
