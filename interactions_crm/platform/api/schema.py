"""OpenAPI schema generation: every error an operation can answer is documented.

drf-spectacular documents the success responses; the error responses come from
the same few places for every operation (authentication, permissions,
throttling, the exception handler in ``api_errors``), so they are added here
once instead of on each view. Clients generated from the schema, and
Schemathesis' conformance checks, then know every status code the API can
return.
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import Direction, OpenApiParameter

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


def is_idempotent(view: Any, method: str) -> bool:
    """Whether the view's handler for ``method`` honours ``Idempotency-Key``."""
    action = getattr(view, "action", None) or method.lower()
    handler = getattr(view, action, None)
    return bool(getattr(handler, "idempotent", False))


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

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if is_idempotent(self.view, self.method):
            parameters.append(
                OpenApiParameter(
                    IDEMPOTENCY_HEADER,
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
        if is_idempotent(self.view, self.method):
            errors["422"] = self._error(
                "The Idempotency-Key was already used with a different request.",
                name="FieldErrors",
            )
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
