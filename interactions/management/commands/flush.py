"""``flush`` that passes the entry-deletion guard on purpose.

Django's ``flush`` (also used between ``TransactionTestCase`` tests) empties
every table. On SQLite it does so with plain ``DELETE`` statements, which the
guard trigger would refuse for active interaction log entries. Emptying the
whole database is a maintenance act, so it runs inside the guard's explicit
bypass; nothing else does.
"""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from interactions.guard import allow_active_entry_deletion


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with allow_active_entry_deletion(options["database"]):
            super().handle(**options)
