# Replaces the old index_together entries with named Meta.indexes that match
# the queries runcrons and the admin run. The (code, start_time) index is
# renamed in place, so large tables keep it without a rebuild.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("django_cron", "0003_cronjoblock"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="cronjoblog",
            new_name="django_cron_code_start_idx",
            old_fields=("code", "start_time"),
        ),
        migrations.AlterIndexTogether(
            name="cronjoblog",
            index_together=set(),
        ),
        migrations.AddIndex(
            model_name="cronjoblog",
            index=models.Index(
                fields=["code", "is_success", "ran_at_time", "start_time"],
                name="django_cron_code_slot_idx",
            ),
        ),
    ]
