"""Service refusals: the shape of their messages, and the command adapter.

Services refuse bad input with ``django.core.exceptions.ValidationError``
keyed by field (:data:`FieldErrors`). Each interface turns that into its own
form: forms and serializers put the messages on their fields; management
commands raise :func:`command_error`, one line per field.
"""

from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import CommandError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: Messages per field, as a service collects them before raising. A message
#: may be a ``ValidationError`` with a ``code`` that tells the API which status
#: to answer (``interactions_crm.platform.api.errors``: 409 or 422, not 400).
type FieldErrors = dict[str, list[StrOrPromise | ValidationError]]


def command_error(error: ValidationError, heading: str = "") -> CommandError:
    """A ``CommandError`` for a service's refusal: one line per field.

    Each line is ``field: message message …`` (messages not tied to a field
    have no prefix); ``heading``, when given, is the first line.
    """
    if hasattr(error, "error_dict"):
        by_field = error.message_dict
    else:
        by_field = {NON_FIELD_ERRORS: error.messages}
    lines = [
        " ".join(messages)
        if field == NON_FIELD_ERRORS
        else f"{field}: {' '.join(messages)}"
        for field, messages in by_field.items()
    ]
    return CommandError("\n".join([heading, *lines] if heading else lines))
