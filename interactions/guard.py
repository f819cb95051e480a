"""The database guard against deleting active interaction log entries.

DOMAIN §6.4: a non-canceled entry is never deleted, whatever the filters. The
services enforce it, and so does the database: a trigger (migration
``0002_entry_delete_guard``) refuses any ``DELETE`` of an entry that is neither
canceled nor postponed, on SQLite and on PostgreSQL.

Maintenance sometimes has to remove everything (Django's test flush and
``manage.py flush`` use plain ``DELETE`` on SQLite). That is the one deliberate
bypass: :func:`allow_active_entry_deletion`, which the overridden ``flush``
command uses. On PostgreSQL it sets the session variable
``crm.allow_active_delete``; on SQLite it flips a flag read by the SQL function
``crm_entry_delete_allowed()`` that every Django connection registers. A
connection that does not register the function (a raw ``sqlite3`` shell)
cannot delete active entries at all: the guard fails closed.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_FUNCTION = "crm_entry_delete_allowed"
PG_SETTING = "crm.allow_active_delete"
FLAG = "crm_allow_active_delete"


def register_sqlite_function(
    sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    """Register the bypass flag reader on each new SQLite connection."""
    if connection.vendor != "sqlite":
        return
    wrapper = connection

    def allowed() -> int:
        return 1 if getattr(wrapper, FLAG, False) else 0

    connection.connection.create_function(SQLITE_FUNCTION, 0, allowed)


@contextmanager
def allow_active_entry_deletion(using: str = "default") -> Iterator[None]:
    """Let this connection delete entries that are neither canceled nor postponed.

    Only for maintenance (flush); never call it from domain code.
    """
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', false)", [PG_SETTING])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', false)", [PG_SETTING])
    else:
        setattr(connection, FLAG, True)
        try:
            yield
        finally:
            setattr(connection, FLAG, False)
