from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_check_override_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='agency_confirmation_missing',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='person',
            name='checks_missing',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(condition=models.Q(('checks_missing', True), ('agency_confirmation_missing', True), _connector='OR'), fields=['school', 'start_date'], name='person_missing_checks'),
        ),
    ]
