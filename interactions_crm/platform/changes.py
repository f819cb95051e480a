"""Field values as plain JSON, for the "what changed" part of audit events.

Shared by ``contacts.services`` and ``interactions.services`` (which must not
import each other's internals the wrong way round, see DESIGN.md §2).
"""

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models


def jsonable(value: Any) -> Any:
    """``value`` as something ``json.dumps`` accepts (dates, decimals → str)."""
    if isinstance(value, dt.date | dt.time | Decimal | uuid.UUID):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def _as_stored_decimal(value: Any, places: int) -> Any:
    """As stored ("12.50"), not as a form or default gave it (12.5, 0)."""
    try:
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    except (InvalidOperation, ValueError):
        return value


def field_values(
    instance: models.Model, names: list[str] | None = None
) -> dict[str, Any]:
    """The concrete field values of ``instance`` (by attname: FKs as ids).

    ``names`` limits the fields; names that are not concrete fields (m2m,
    form-only fields) are left out.
    """
    values = {}
    for field in instance._meta.concrete_fields:
        if names is not None and field.name not in names and field.attname not in names:
            continue
        value = field.value_from_object(instance)
        if isinstance(field, models.DecimalField):
            value = _as_stored_decimal(value, field.decimal_places)
        values[field.name] = jsonable(value)
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
