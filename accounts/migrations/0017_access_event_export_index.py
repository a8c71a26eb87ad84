"""An index of export events by object, for the card page's 閲覧・印刷・出力の記録 panel: the
newest exports of the card's book and of its station, each read as one short index range.

Built CONCURRENTLY on PostgreSQL: every request appends to the access log, and a plain
CREATE INDEX would hold every writer (every page) for the whole build over millions of rows.
The index covers only exports, so it is small and costs nothing on other inserts; the hash
chain (accounts.audit.chain) covers the rows, not the indexes, and is untouched. On SQLite
(the embedded run) a plain CREATE INDEX."""

from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    """AddIndex, built without blocking writers where the database can (PostgreSQL)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("accounts", "0016_user_grants_stamp"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="accessevent",
            index=models.Index(
                condition=models.Q(("action", "export")),
                fields=["object_type", "object_id", "-occurred_at"],
                name="accounts_ae_export_time",
            ),
        ),
    ]
