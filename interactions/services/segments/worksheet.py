"""The segment as a worksheet: locking it, and the field names callers may set.

Shared by every step of :mod:`interactions.services.segments`: each service
locks the segment first (:func:`lock_segment`), so criteria actions and
logging of one segment run one after the other.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from interactions.models import Segment
from interactions_crm.platform.changes import jsonable


def lock_segment(segment: Segment) -> Segment:
    """Re-read the segment, locked until the end of the transaction.

    Criteria actions and logging of one segment run one after the other; that
    is what makes the "lines inserted by an action" id range exact.
    """
    try:
        return (
            Segment.objects.select_for_update(of=("self",))
            .select_related("template", "salesperson", "campaign")
            .get(pk=segment.pk)
        )
    except Segment.DoesNotExist:
        raise ValidationError(
            {"segment": [_("The segment no longer exists; it may have been logged.")]}
        ) from None


def check_fields(fields: Iterable[str], allowed: frozenset[str], what: str) -> None:
    """Refuse field names a service does not take (a programming error)."""
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(f"Unknown {what} fields: {', '.join(unknown)}")


def field_changes(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """``fields``' values on ``instance`` for an audit event (rows by name)."""
    changes = {}
    for name in fields:
        value = getattr(instance, name)
        changes[name] = jsonable(
            str(value) if isinstance(value, models.Model) else value
        )
    return changes
