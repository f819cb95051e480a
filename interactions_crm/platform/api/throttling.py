"""Rate limits beyond DRF's per-user ones: the "bulk" scope.

Actions that may touch thousands of rows (delete canceled entries, log a
segment) share the ``bulk`` rate (setting ``API_BULK_THROTTLE_RATE``), so one
client cannot start them in a tight loop; every other action has only the
per-user rate.
"""

from typing import ClassVar

BULK_SCOPE = "bulk"


class BulkThrottleMixin:
    """Rate-limit the long-running actions named in ``bulk_actions`` ("bulk")."""

    bulk_actions: ClassVar[frozenset[str]] = frozenset()

    @property
    def throttle_scope(self) -> str | None:
        return (
            BULK_SCOPE if getattr(self, "action", None) in self.bulk_actions else None
        )
