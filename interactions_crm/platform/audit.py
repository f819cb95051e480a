"""Audit events (DOMAIN §9): one row per state change, written in its transaction."""

from typing import Any

from django.db import models

from interactions_crm.platform.actors import Actor, actor_name, user_or_none
from interactions_crm.platform.models import AuditEvent


def record_audit(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    count: int = 1,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit event. Bulk operations pass their ``count`` once.

    ``obj`` fills ``object_type``/``object_id`` from a model instance. Call it
    inside the service's transaction so the event and the change commit together.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEvent.objects.create(
        actor=user_or_none(actor),
        actor_repr=actor_name(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        count=count,
        changes=changes or {},
    )
