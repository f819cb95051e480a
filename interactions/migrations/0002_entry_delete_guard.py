"""Database guard: an active interaction log entry cannot be deleted (DOMAIN §6.4).

A DELETE of an entry that is neither canceled nor postponed fails in the
database itself. The deliberate maintenance bypass is described in
``interactions/guard.py``. PostgreSQL uses a statement-level trigger over the
transition table, so a batched delete of many canceled rows pays one check per
statement; TRUNCATE (PostgreSQL's test flush) is not a row delete and is not
guarded.
"""

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION interactions_entry_delete_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('crm.allow_active_delete', true), 'off') <> 'on'
       AND EXISTS (SELECT 1 FROM deleted_rows WHERE NOT canceled AND NOT postponed)
    THEN
        RAISE EXCEPTION 'Only canceled or postponed interaction log entries can be deleted.'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER interactions_entry_delete_guard
    AFTER DELETE ON interactions_interactionlogentry
    REFERENCING OLD TABLE AS deleted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION interactions_entry_delete_guard();
"""

PG_REVERSE = """
DROP TRIGGER IF EXISTS interactions_entry_delete_guard ON interactions_interactionlogentry;
DROP FUNCTION IF EXISTS interactions_entry_delete_guard();
"""

SQLITE_FORWARD = """
CREATE TRIGGER interactions_entry_delete_guard
BEFORE DELETE ON interactions_interactionlogentry
FOR EACH ROW WHEN OLD.canceled = 0 AND OLD.postponed = 0
BEGIN
    SELECT RAISE(ABORT, 'Only canceled or postponed interaction log entries can be deleted.')
    WHERE crm_entry_delete_allowed() = 0;
END;
"""

SQLITE_REVERSE = "DROP TRIGGER IF EXISTS interactions_entry_delete_guard;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)
    else:
        raise NotImplementedError(f"No entry delete guard for {vendor}")


def reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(PG_REVERSE if vendor == "postgresql" else SQLITE_REVERSE)


class Migration(migrations.Migration):
    dependencies = [("interactions", "0001_initial")]

    operations = [migrations.RunPython(forward, reverse)]
