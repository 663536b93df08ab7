# Runs are recorded when they start (end_time empty until they end), with the
# host and process that ran them; the lock table gains an owner and a lease.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("django_cron", "0004_named_indexes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="cronjoblog",
            options={
                "get_latest_by": "start_time",
                "verbose_name": "cron job log",
                "verbose_name_plural": "cron job logs",
            },
        ),
        migrations.AlterModelOptions(
            name="cronjoblock",
            options={"verbose_name": "cron job lock", "verbose_name_plural": "cron job locks"},
        ),
        migrations.AlterField(
            model_name="cronjoblog",
            name="end_time",
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name="cronjoblog",
            name="hostname",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
        migrations.AddField(
            model_name="cronjoblog",
            name="pid",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="cronjoblog",
            name="failure_reported",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="cronjoblock",
            name="owner",
            field=models.CharField(blank=True, default="", max_length=128),
        ),
        migrations.AddField(
            model_name="cronjoblock",
            name="locked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="cronjoblock",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
