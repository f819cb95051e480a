"""OpenAPI schema generation: every error an operation can answer is documented.

drf-spectacular documents the success responses; the error responses come from
the same few places for every operation (authentication, permissions,
throttling, the exception handler in ``api_errors``), so they are added here
once instead of on each view. Clients generated from the schema, and
Schemathesis' conformance checks, then know every status code the API can
return.
"""

import contextvars
import re
from typing import Any

from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django_filters import ModelChoiceFilter
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import Direction, OpenApiParameter
from rest_framework import serializers

from interactions_crm.platform.api.contract import REQUEST_SERIALIZERS
from interactions_crm.platform.api.filters import SCHEMA_RANGE, StrictIntegerFilter
from interactions_crm.platform.api.key_filters import KeyFilter, names_a_key
from interactions_crm.platform.keys import NOT_BLANK_PATTERN

IDEMPOTENCY_HEADER = "Idempotency-Key"
# Set on every 201 by ``interactions_crm.platform.api.responses.created``.
LOCATION_HEADER = "Location"

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "An error that concerns the request as a whole.",
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "additionalProperties": {},
    "description": (
        'Messages by field: {"field": ["message", …]}. Messages that belong '
        'to no field are under "non_field_errors"; errors of the request as a '
        'whole under "detail".'
    ),
}


# A code filter (``?business_relation=CUST``) accepts only the codes that
# exist, which a plain "string" does not say. The schema served at
# /api/v1/schema/ (``interactions_crm.api.LiveSchemaView``) enumerates the
# existing codes while the table is small, so clients, Swagger UI and
# Schemathesis know exactly which values the server accepts; larger tables
# stay "string" (an unknown code is a 400 naming the parameter). The schema
# written offline (``manage.py spectacular``: the stored contract, generated
# clients) and the contract check (contract.py, which lives as long as the
# process) do not freeze today's codes. Body fields are never enumerated: a
# client generated from the schema would refuse a code added after it was
# generated.
MAX_ENUMERATED_KEYS = 500
enumerate_keys = contextvars.ContextVar("enumerate_keys", default=False)


def existing_keys(queryset: QuerySet[Any] | None, field: str) -> list[str] | None:
    """The keys of ``queryset``'s rows, or None (none, too many, or off)."""
    if queryset is None or not enumerate_keys.get():
        return None
    values = list(
        queryset.order_by(field).values_list(field, flat=True)[
            : MAX_ENUMERATED_KEYS + 1
        ]
    )
    if not values or len(values) > MAX_ENUMERATED_KEYS:
        return None
    return [str(value) for value in values]


def _blank_in_the_pattern(schema: dict[str, Any]) -> dict[str, Any]:
    """One schema where the pattern already allows ``""``.

    For a field that may be blank and has a pattern, drf-spectacular writes
    ``oneOf: [{pattern}, {maxLength: 0}]``; when the pattern matches ``""``
    too, ``""`` matches both and ``oneOf`` (exactly one) refuses it.
    """
    one_of = schema.get("oneOf")
    if (
        isinstance(one_of, list)
        and len(one_of) == 2
        and one_of[1] == {"type": "string", "maxLength": 0}
        and "pattern" in one_of[0]
        and re.search(one_of[0]["pattern"], "")
    ):
        rest = {key: value for key, value in schema.items() if key != "oneOf"}
        return {**rest, **one_of[0]}
    return schema


def _trimmed_to_blank_is_refused(field: Any) -> bool:
    """A text field that refuses what is blank once trimmed, with no pattern."""
    return (
        type(field) is serializers.CharField
        and field.trim_whitespace
        and not field.allow_blank
        and not any(isinstance(v, RegexValidator) for v in field.validators)
    )


def decimal_pattern(field: serializers.DecimalField) -> str:
    """A decimal of the field's size, unsigned when it cannot be negative."""
    places = field.decimal_places or 0
    whole = (field.max_digits or 30) - places
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    if not places:
        return rf"^{sign}\d{{1,{whole}}}$"
    return rf"^{sign}(?:\d{{1,{whole}}}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}})$"


def refuses_unprocessable[F](handler: F) -> F:
    """Mark a handler without a body that may answer 422 (documented).

    For query parameters with a rule across them (a statistics date range
    whose end lies before its start); operations with a body are documented
    with 422 anyway.
    """
    handler.unprocessable = True  # type: ignore[attr-defined]
    return handler


def _handler(view: Any, method: str) -> Any:
    action = getattr(view, "action", None) or method.lower()
    return getattr(view, action, None)


def is_idempotent(view: Any, method: str) -> bool:
    """Whether the view's handler for ``method`` honours ``Idempotency-Key``."""
    return bool(getattr(_handler(view, method), "idempotent", False))


class CrmAutoSchema(AutoSchema):
    """AutoSchema that adds the documented error responses to every operation."""

    def _component(self, name: str, schema: dict[str, Any]) -> dict[str, Any]:
        # drf-spectacular leaves ResolvedComponent.__init__ unannotated.
        component = ResolvedComponent(  # type: ignore[no-untyped-call]
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        ref: dict[str, Any] = component.ref
        return ref

    def _error(self, description: str, name: str = "Error") -> dict[str, Any]:
        schema = ERROR_SCHEMA if name == "Error" else FIELD_ERRORS_SCHEMA
        return {
            "description": description,
            "content": {"application/json": {"schema": self._component(name, schema)}},
        }

    def get_operation_id(self) -> str:
        """``{basename}_{action}`` for viewsets (``interaction_cancel``): names
        that read well as methods of a generated client."""
        action = getattr(self.view, "action", None)
        basename = getattr(self.view, "basename", None)
        if action and basename:
            return f"{basename}_{action}".replace("-", "_")
        return super().get_operation_id()

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        """Filter parameters, with the range a strict integer filter accepts."""
        # drf-spectacular leaves AutoSchema's helpers unannotated.
        parameters: list[dict[str, Any]] = super()._get_filter_parameters()  # type: ignore[no-untyped-call]
        filterset = getattr(self.view, "filterset_class", None)
        filters = getattr(filterset, "base_filters", {})
        for parameter in parameters:
            filter_ = filters.get(parameter.get("name"))
            if isinstance(filter_, StrictIntegerFilter):
                parameter["schema"] = {"type": "integer", **SCHEMA_RANGE}
            elif isinstance(filter_, KeyFilter):
                # Any key may be sent (an unknown one is 422); never "" (400).
                parameter["schema"] = {**parameter["schema"], "minLength": 1}
            elif isinstance(filter_, ModelChoiceFilter):
                to_field = filter_.extra.get("to_field_name") or "pk"
                keys = existing_keys(filter_.queryset, to_field)
                if keys:
                    parameter["schema"] = {**parameter["schema"], "enum": keys}
        return parameters

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)  # type: ignore[no-untyped-call]
        collapsed = _blank_in_the_pattern(schema)
        if collapsed is not schema:
            schema.clear()
            schema.update(collapsed)

    def _map_serializer_field(
        self, field: Any, direction: Direction, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        """A decimal's pattern says exactly what the field accepts.

        drf-spectacular's pattern for a decimal sent as a string allows a sign
        whatever ``min_value`` says, and ``""`` or ``"."``, which are not
        numbers; the contract check would let those through to the field.
        """
        # drf-spectacular leaves AutoSchema's helpers unannotated.
        result: dict[str, Any] = super()._map_serializer_field(  # type: ignore[no-untyped-call]
            field, direction, bypass_extensions
        )
        if isinstance(field, serializers.DecimalField) and "pattern" in result:
            result = {**result, "pattern": decimal_pattern(field)}
        if (
            direction == "request"
            and _trimmed_to_blank_is_refused(field)
            and "pattern" not in result
        ):
            # DRF strips the text before the blank check: " ", "\u0085" and
            # "\x1e" are refused like "" (400), which minLength alone does not say.
            result = {**result, "pattern": NOT_BLANK_PATTERN}
        return result

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if is_idempotent(self.view, self.method):
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
                    # What idempotency.py accepts: 1 to 255 characters, not all blank.
                    type={
                        "type": "string",
                        "minLength": 1,
                        "maxLength": 255,
                        "pattern": r"\S",
                    },
                    location=OpenApiParameter.HEADER,
                    required=False,
                    description=(
                        "Any unique string (≤ 255 characters, e.g. a UUID). A retry "
                        "with the same key and body returns the first response "
                        "instead of repeating the change; the same key with a "
                        "different body is refused with 422. Keys are kept 24 hours."
                    ),
                )
            )
        return parameters

    def _get_request_body(self, direction: Direction = "request") -> Any:
        """A PUT replaces the resource: its body is required (else 400).

        Also notes the operation's input serializer for the contract check
        (:mod:`.contract`), which adds its messages to a refusal.
        """
        REQUEST_SERIALIZERS[(self.path, self.method)] = self.get_request_serializer()
        body = super()._get_request_body(direction)  # type: ignore[no-untyped-call]
        if body is not None and self.method == "PUT":
            body["required"] = True
        return body

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        unsafe = self.method in {"POST", "PUT", "PATCH", "DELETE"}
        has_body = self.method in {"POST", "PUT", "PATCH"}
        errors = {
            # Also for a key or query value the database cannot search for.
            "400": self._error("Invalid input: messages by field.", name="FieldErrors"),
            "401": self._error("No or invalid credentials (token or session)."),
            "403": self._error("The user lacks the permission for this operation."),
        }
        if "{" in self.path:
            errors["404"] = self._error("No such object.")
        if unsafe:
            errors["409"] = self._error(
                "The request conflicts with the current state of the object.",
                name="FieldErrors",
            )
        if has_body:
            errors["415"] = self._error("Unsupported media type of the request body.")
        idempotent = is_idempotent(self.view, self.method)
        filters = getattr(
            getattr(self.view, "filterset_class", None), "base_filters", {}
        )
        unprocessable = (
            has_body
            or bool(getattr(_handler(self.view, self.method), "unprocessable", False))
            # A code filter naming a key that does not exist (filters.py).
            or (
                self.method == "GET"
                and self._is_list_view()
                and any(names_a_key(f) for f in filters.values())
            )
        )
        if unprocessable or idempotent:
            reasons = []
            if unprocessable:
                reasons.append(
                    "The request matches the schema, but a rule the schema "
                    "cannot state refuses it: a key in the body or in a code "
                    "filter that does not exist, or a rule across fields. "
                    "Messages by field."
                )
            if idempotent:
                reasons.append(
                    "The Idempotency-Key was already used with a different request."
                )
            errors["422"] = self._error(" ".join(reasons), name="FieldErrors")
        # Answered by the HTTP server (gunicorn) before the application runs,
        # so without a JSON body: a request line over its limit (4094 bytes).
        errors["414"] = {"description": "The URL (request line) is too long."}
        errors["429"] = self._error("Too many requests; retry after Retry-After.")
        for code, response in errors.items():
            responses.setdefault(code, response)
        if "201" in responses:
            responses["201"].setdefault("headers", {})[LOCATION_HEADER] = {
                "schema": {"type": "string", "format": "uri"},
                "description": "The URL of the created resource.",
                "required": True,
            }
        return dict(sorted(responses.items()))
