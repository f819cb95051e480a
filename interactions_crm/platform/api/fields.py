"""Serializer fields whose OpenAPI description matches what they really send.

The schema is a contract checked by Schemathesis and used to generate clients,
so a field must not promise more than it delivers: an optional e-mail address
is often blank (not a valid ``format: email``), and a clock time is sent as
``14:30:00`` without the time zone that JSON Schema's ``format: time`` needs.

Related rows are referred to by their business key (contact ``no``, template
``code`` …), never by database id: :func:`by_key` for input, :func:`key_of` for
output.
"""

from typing import Any

from django.db.models import Model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import Field


@extend_schema_field(
    {
        "anyOf": [
            {"type": "string", "format": "email"},
            {"type": "string", "maxLength": 0},
        ],
        "description": "An e-mail address, or empty.",
    }
)
class EmailOrBlankField(serializers.EmailField):
    """An e-mail address that may be blank."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$",
        "example": "14:30:00",
        "description": "Local time of day, HH:MM[:SS].",
    }
)
class ClockTimeField(serializers.TimeField):
    """A local time of day (the entry's time column has no time zone)."""


def by_key(model_class: type[Model], key: str, **kwargs: Any) -> Any:
    """A writable reference to ``model_class`` by its business key ``key``.

    ``kwargs`` go to the field (``required``, ``allow_null``, ``many`` …). The
    result is typed ``Any`` because ``many=True`` turns DRF's field into a
    list field at construction.
    """
    return serializers.SlugRelatedField(
        slug_field=key, queryset=model_class._default_manager.all(), **kwargs
    )


def optional_by_key(model_class: type[Model], key: str) -> Any:
    """An optional reference by business key that may be ``null``."""
    return by_key(model_class, key, required=False, allow_null=True)


def key_of(slug_field: str) -> serializers.SlugRelatedField[Any]:
    """A read-only reference shown by its business key; null when not set."""
    return serializers.SlugRelatedField(
        slug_field=slug_field, read_only=True, allow_null=True
    )


def keys_of(slug_field: str) -> Any:
    """A read-only list of related rows shown by their business keys."""
    return serializers.SlugRelatedField(
        slug_field=slug_field, many=True, read_only=True
    )


class FixedKeyMixin(serializers.Serializer[Any]):
    """The business key is chosen on create and then fixed: it is the URL.

    Integrators keep references by key (``/salespeople/KH/``), so a PUT or
    PATCH does not rename; a key in the body of an update is ignored.
    """

    key_field = "code"

    def get_fields(self) -> dict[str, Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        if getattr(self, "instance", None) is not None:
            fields[self.key_field].read_only = True
        return fields
