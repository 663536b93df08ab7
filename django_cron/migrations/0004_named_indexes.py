# Replaces the old index_together entries with named Meta.indexes that match
# the queries runcrons and the admin run.
#
# Whether the old indexes exist depends on the database's past: a database
# built by the old package under Django < 5.1 has them, while on SQLite under
# Django >= 5.1 the table rebuild of 0002 drops them. The database side
# therefore looks at what is there: the (code, start_time) index is renamed in
# place when present (no rebuild of a large table), the two others are dropped,
# and whatever is missing is created.
from django.db import migrations, models

OLD_INDEX_TOGETHER = [
    ("code", "is_success", "ran_at_time"),
    ("code", "start_time", "ran_at_time"),
    ("code", "start_time"),
]
CODE_START = models.Index(fields=["code", "start_time"], name="django_cron_code_start_idx")
CODE_SLOT = models.Index(
    fields=["code", "is_success", "ran_at_time", "start_time"],
    name="django_cron_code_slot_idx",
)


class ReplaceIndexTogether(migrations.operations.base.Operation):
    """Database side of the move from index_together to named indexes."""

    reduces_to_sql = False
    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, "cronjoblog")
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        renamed = False
        for fields in OLD_INDEX_TOGETHER:
            columns = [model._meta.get_field(name).column for name in fields]
            for name in schema_editor._constraint_names(
                model, columns, index=True, unique=False, primary_key=False
            ):
                if tuple(fields) == ("code", "start_time") and not renamed:
                    old = models.Index(fields=list(fields), name=name)
                    schema_editor.rename_index(model, old, CODE_START)
                    renamed = True
                else:
                    schema_editor.execute(schema_editor._delete_index_sql(model, name))
        if not renamed:
            schema_editor.add_index(model, CODE_START)
        schema_editor.add_index(model, CODE_SLOT)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, "cronjoblog")
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        schema_editor.remove_index(model, CODE_SLOT)
        schema_editor.remove_index(model, CODE_START)
        for fields in OLD_INDEX_TOGETHER:
            columns = [model._meta.get_field(name).column for name in fields]
            schema_editor.execute(
                schema_editor._create_index_sql(
                    model,
                    fields=[model._meta.get_field(name) for name in fields],
                    name=schema_editor._create_index_name(model._meta.db_table, columns, "_idx"),
                )
            )

    def describe(self):
        return "Replace the old index_together indexes with named indexes"


class Migration(migrations.Migration):
    dependencies = [
        ("django_cron", "0003_cronjoblock"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[ReplaceIndexTogether()],
            state_operations=[
                migrations.AlterIndexTogether(name="cronjoblog", index_together=set()),
                migrations.AddIndex(model_name="cronjoblog", index=CODE_START),
                migrations.AddIndex(model_name="cronjoblog", index=CODE_SLOT),
            ],
        ),
    ]
