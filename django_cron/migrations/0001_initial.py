# The schema of the first migration of the old django-cron, unchanged, so a
# database created by it continues from here.
from django.db import migrations, models


class CreateIndexTogether(migrations.AlterIndexTogether):
    """The old package's index_together, with a backward step that does nothing.

    Going back past this migration drops the table anyway, and on SQLite under
    Django >= 5.1 a table rebuild (0002) has already dropped these indexes, so
    looking for them would fail.
    """

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="CronJobLog",
            fields=[
                (
                    "id",
                    models.AutoField(
                        verbose_name="ID", serialize=False, auto_created=True, primary_key=True
                    ),
                ),
                ("code", models.CharField(max_length=64, db_index=True)),
                ("start_time", models.DateTimeField(db_index=True)),
                ("end_time", models.DateTimeField(db_index=True)),
                ("is_success", models.BooleanField(default=False)),
                ("message", models.TextField(max_length=1000, blank=True)),
                (
                    "ran_at_time",
                    models.TimeField(db_index=True, null=True, editable=False, blank=True),
                ),
            ],
        ),
        CreateIndexTogether(
            name="cronjoblog",
            index_together={
                ("code", "is_success", "ran_at_time"),
                ("code", "start_time", "ran_at_time"),
                ("code", "start_time"),
            },
        ),
    ]
