"""On PostgreSQL, an entry's comments and outbox messages go with it in the
database too (issue #12).

Django declares these foreign keys ``on_delete=CASCADE`` and creates them as
``DEFERRABLE INITIALLY DEFERRED … NO ACTION``: every deleted entry then
queues two checks that run at commit, each one a lookup of the entry key and
one of the dependent table (measured: ~30 µs an entry, 80 % of deleting
500,000 canceled entries). With ``ON DELETE CASCADE`` the database runs one
lookup per dependent table at the end of the statement instead (~15 µs an
entry, measured on 50,000). The model state does not change: Django still
deletes the dependents itself wherever it deletes an entry, and so does
``delete_canceled_entries`` in its own SQL; the cascade then finds nothing
left, and an entry deleted by hand in SQL no longer fails on its comments.

SQLite keeps Django's constraint (changing it rebuilds the tables; the
embedded database has no performance budget).
``tests/interactions/test_delete_cascade.py`` pins the constraint on PostgreSQL:
an ``AlterField`` of either field would recreate it without the cascade.
"""

from django.db import migrations

#: (model, foreign-key column) of the entry's dependents.
DEPENDENTS = (("EntryComment", "entry_id"), ("OutboxMessage", "entry_id"))


def _alter(apps, schema_editor, *, cascade: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    entry = apps.get_model("interactions", "InteractionLogEntry")
    on_delete = " ON DELETE CASCADE" if cascade else ""
    for model_name, column in DEPENDENTS:
        model = apps.get_model("interactions", model_name)
        (name,) = schema_editor._constraint_names(model, [column], foreign_key=True)
        table = quote(model._meta.db_table)
        schema_editor.execute(
            f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}, "
            f"ADD CONSTRAINT {quote(name)} FOREIGN KEY ({quote(column)}) "
            f"REFERENCES {quote(entry._meta.db_table)} "
            f"({quote(entry._meta.pk.column)}){on_delete} "
            "DEFERRABLE INITIALLY DEFERRED"
        )


def cascade(apps, schema_editor):
    _alter(apps, schema_editor, cascade=True)


def no_action(apps, schema_editor):
    _alter(apps, schema_editor, cascade=False)


class Migration(migrations.Migration):
    dependencies = [("interactions", "0015_contactfigures")]

    operations = [migrations.RunPython(cascade, no_action, elidable=False)]
