"""Request bodies are checked against the OpenAPI contract before the view.

The schema (drf-spectacular, ``/api/v1/schema/``) is what clients are
generated from and what Schemathesis tests against, so what the server accepts
must be exactly what it says. DRF's fields are lenient where the schema is not
— a ``CharField`` turns ``5`` into ``"5"``, a ``BooleanField`` takes ``"yes"``
and ``1``, a relation takes ``""`` as null, a decimal sent as a JSON number
passes a ``type: string`` — so instead of a strict copy of every field class,
one step validates the parsed body against the operation's request schema:

* every operation of every view is covered, including those added later;
* the refusal is a 400 with messages by field, worded like DRF's own (so
  DRF's translations apply);
* a ``PUT`` (and any operation whose body the schema marks required) without
  a body is refused instead of being read as ``{}``.

It runs as the last permission check (:class:`MatchesContract`): after
authentication and the permission check, so an anonymous or unauthorised
caller still gets 401/403 first, and before the view touches anything.
"""

import copy
import functools
import re
import threading
from typing import Any

from django.utils.translation import gettext_lazy as _
from jsonschema import Draft4Validator
from jsonschema.exceptions import ValidationError as SchemaError
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.settings import api_settings

from interactions_crm.platform.keys import (
    KEY_MESSAGE,
    KEY_SCHEMA_PATTERN,
    NOT_BLANK_PATTERN,
    OPTIONAL_KEY_SCHEMA_PATTERN,
)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

# The input serializer of each operation, by (OpenAPI path, method), noted by
# ``CrmAutoSchema`` while the schema is generated.
REQUEST_SERIALIZERS: dict[tuple[str, str], Any] = {}


def _nullable_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema (``null`` allowed)."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_to_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "enum" in node:
            node["enum"] = [*node["enum"], None]
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        else:
            return {"anyOf": [node, {"type": "null"}]}
    return node


class Contract:
    """The request schemas of every operation, by path and method."""

    def __init__(self, document: dict[str, Any]) -> None:
        document = _nullable_to_json_schema(copy.deepcopy(document))
        self.components = document.get("components", {})
        routes = []
        for template, operations in document.get("paths", {}).items():
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            routes.append((template, re.compile(rf"\A{pattern}\Z"), operations))
        # Literal segments first: /interactions/delete-canceled/ before
        # /interactions/{entry_no}/.
        routes.sort(key=lambda route: route[0].count("{"))
        self.routes = routes

    def operation(self, path: str, method: str) -> tuple[str, dict[str, Any]]:
        """The path template and operation ``path`` and ``method`` address."""
        for template, pattern, operations in self.routes:
            if pattern.match(path):
                return template, operations.get(method.lower()) or {}
        return "", {}

    def validator(self, schema: dict[str, Any]) -> Draft4Validator:
        return Draft4Validator({**schema, "components": self.components})


#: drf-spectacular's generation is not thread-safe (it sets attributes on the
#: shared view classes while it walks them): two threads generating at once —
#: the first requests of a threaded server, or one of them serving
#: /api/v1/schema/ — answered 500. Every generation holds this lock.
SCHEMA_GENERATION = threading.RLock()


@functools.cache
def _generated_contract() -> Contract:
    # Imported here: the generator imports DRF's views, which import the
    # permission classes from settings — this module among them.
    from drf_spectacular.generators import SchemaGenerator

    # drf-spectacular leaves its generator unannotated.
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    document = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return Contract(document)


def contract() -> Contract:
    """The contract of this process's URLconf, generated once."""
    with SCHEMA_GENERATION:
        return _generated_contract()


def _message(error: SchemaError) -> str:
    """A DRF-worded message for one schema violation."""
    value, expected = error.instance, error.validator_value
    kind = error.validator
    if kind == "type":
        if value is None:
            return str(_("This field may not be null."))
        expected = expected if isinstance(expected, str) else expected[0]
        return str(
            {
                "string": _("Not a valid string."),
                "integer": _("A valid integer is required."),
                "number": _("A valid number is required."),
                "boolean": _("Must be a valid boolean."),
                "array": _('Expected a list of items but got type "{input_type}".'),
                "object": _("Invalid data. Expected a dictionary, but got {datatype}."),
            }.get(expected, _("Enter a valid value."))
        ).format(input_type=type(value).__name__, datatype=type(value).__name__)
    if kind == "minLength":
        if value == "":
            return str(_("This field may not be blank."))
        return str(_("Ensure this field has at least {min_length} characters.")).format(
            min_length=expected
        )
    simple = {
        "maxLength": (
            _("Ensure this field has no more than {max_length} characters."),
            "max_length",
        ),
        "minimum": (
            _("Ensure this value is greater than or equal to {min_value}."),
            "min_value",
        ),
        "maximum": (
            _("Ensure this value is less than or equal to {max_value}."),
            "max_value",
        ),
        "minItems": (
            _("Ensure this field has at least {min_length} elements."),
            "min_length",
        ),
        "maxItems": (
            _("Ensure this field has no more than {max_length} elements."),
            "max_length",
        ),
    }
    if kind in simple:
        message, name = simple[kind]
        return str(message).format(**{name: expected})
    if kind == "enum":
        return str(_('"{input}" is not a valid choice.')).format(input=value)
    if kind == "pattern":
        if expected in (KEY_SCHEMA_PATTERN, OPTIONAL_KEY_SCHEMA_PATTERN):
            return str(KEY_MESSAGE)
        if expected == NOT_BLANK_PATTERN:  # blank once trimmed
            return str(_("This field may not be blank."))
        return str(_("This value does not match the required pattern."))
    if kind == "required":
        return str(_("This field is required."))
    return str(_("Enter a valid value."))


def _field(error: SchemaError) -> str:
    """The top-level field an error is about (the missing one for ``required``)."""
    path = list(error.absolute_path)
    if error.validator == "required" and not path:
        match = re.match(r"'(.+?)' is a required property", error.message)
        if match:
            return match.group(1)
    if path and isinstance(path[0], str):
        return path[0]
    return str(api_settings.NON_FIELD_ERRORS_KEY)


def _serializer_errors(
    serializer_class: Any, view: Any, request: Request
) -> dict[str, list[str]]:
    """The messages of the operation's input serializer (nothing is saved)."""
    if isinstance(serializer_class, serializers.BaseSerializer):
        serializer_class = type(serializer_class)
    if not (
        isinstance(serializer_class, type)
        and issubclass(serializer_class, serializers.BaseSerializer)
        and isinstance(request.data, dict)
    ):
        return {}
    get_context = getattr(view, "get_serializer_context", None)
    context = get_context() if get_context is not None else {"request": request}
    serializer = serializer_class(
        data=request.data, partial=request.method == "PATCH", context=context
    )
    if serializer.is_valid():
        return {}
    errors: dict[str, Any] = dict(serializer.errors)
    return {
        field: [str(message) for message in messages]
        for field, messages in errors.items()
        if isinstance(messages, list)
    }


def check_request(request: Request, view: Any = None) -> None:
    """Refuse (400) a body the operation's request schema does not allow.

    The refusal also carries the serializer's messages on the other fields
    (a code that does not exist, an invalid e-mail address …), so one answer
    lists every problem; the contract's message wins on a field both name.
    """
    method = request.method or ""
    if method not in BODY_METHODS:
        return
    api = contract()
    template, operation = api.operation(request.path_info, method)
    body = operation.get("requestBody")
    if body is None:
        return
    content = body.get("content", {}).get("application/json")
    has_body = bool(request.stream is not None and request.content_type)
    if not has_body:
        if body.get("required"):
            raise exceptions.ParseError(_("This operation needs a JSON body."))
        return
    if content is None or "schema" not in content:
        return
    errors: dict[str, list[str]] = {}
    validator = api.validator(content["schema"])
    for error in sorted(validator.iter_errors(request.data), key=str):
        messages = errors.setdefault(_field(error), [])
        message = _message(error)
        if message not in messages:
            messages.append(message)
    if errors:
        raise exceptions.ValidationError(
            {
                **_serializer_errors(
                    REQUEST_SERIALIZERS.get((template, method)), view, request
                ),
                **errors,
            }
        )


class MatchesContract(BasePermission):
    """The last permission check: the body matches the operation's schema.

    A refusal raises 400 (it never answers 403): the caller may make the
    request, but not with this body.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        check_request(request, view)
        return True
