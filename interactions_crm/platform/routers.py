"""The database router: lag-tolerant reads to the replica, everything else primary.

With ``DATABASE_REPLICA_URL`` set (setting ``CRM_READ_REPLICA``), a read goes
to the ``replica`` alias only when all of these hold:

* it happens while a web request is served
  (:class:`~interactions_crm.platform.middleware.ReplicaReadsMiddleware`), so
  background jobs, management commands and the shell read the primary;
* the request is a safe one (GET, HEAD, OPTIONS): a write request reads what
  it checks on the primary;
* no transaction is open on the primary (``transaction.atomic`` — a service
  reading before it writes);
* the request's user has not sent a write request within
  ``CRM_READ_YOUR_WRITES_SECONDS`` (read-your-writes);
* the model is not one of the :data:`PRIMARY_ONLY_APPS` /
  :data:`PRIMARY_ONLY_MODELS`, state read right after it was written: sessions,
  API tokens (a revoked token stops at once), the cache (throttle counters are
  read-modify-write), task queue rows and idempotency keys.

Writes always go to the primary, and only the primary is migrated. Without the
setting the router decides nothing and Django uses ``default`` as always.
"""

from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model

from interactions_crm.platform.middleware import replica_allowed

PRIMARY = "default"
REPLICA = "replica"

# App labels (django-tasks-db's models are in "django_tasks_database"; the
# database cache's pseudo-model in "django_cache").
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "authtoken", "django_cache", "django_tasks_database"}
)
PRIMARY_ONLY_MODELS = frozenset({"platform.idempotencykey", "platform.apitoken"})


def in_transaction_on_primary() -> bool:
    """Whether code is inside ``transaction.atomic`` on the primary.

    The atomic blocks a test case wraps each test in do not count: they stand
    for autocommit.
    """
    connection = connections[PRIMARY]
    return any(
        not getattr(block, "_from_testcase", False)
        for block in connection.atomic_blocks
    )


def primary_only(model: type[Model]) -> bool:
    meta = model._meta
    return (
        meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY_MODELS
    )


class ReplicaRouter:
    """Django database router (``DATABASE_ROUTERS``); see the module docstring."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not settings.CRM_READ_REPLICA:
            return None
        if primary_only(model) or in_transaction_on_primary() or not replica_allowed():
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return PRIMARY if settings.CRM_READ_REPLICA else None

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # Both aliases hold the same data: an object read from the replica may
        # refer to one read from the primary.
        return True if settings.CRM_READ_REPLICA else None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        # The replica is a copy of the primary: it receives the schema by
        # replication, never by `migrate`.
        return False if db == REPLICA else None
