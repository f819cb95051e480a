"""A service's refusal on a form: the one ``ValidationError`` → form errors adapter.

Services own the rules and refuse with ``django.core.exceptions.ValidationError``
(DESIGN §3), keyed by the field a message is about when there is one. Every
form-based interface — the staff pages, the admin, the wizard — shows such a
refusal with :func:`add_service_errors`, so a message always lands in the same
place: on the field the form has, else above the form with the field's label in
front, so it still says what it is about. Nothing is ever dropped.

This module imports neither app (the platform layer, DESIGN §2).
"""

import contextlib
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.forms import BaseForm


def add_service_errors(
    form: BaseForm,
    error: ValidationError,
    *,
    aliases: Mapping[str, str] | None = None,
) -> None:
    """Put a service's ``ValidationError`` on ``form``.

    A message keyed by a field the form has goes on that field; ``aliases``
    maps a service's name to the form's (``{"company": "company_no"}``). A
    message without a key (or keyed ``__all__``) becomes a non-field error, as
    does one keyed by a field the form does not show — prefixed with that
    field's label.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    aliases = aliases or {}
    for key, errors in error.error_dict.items():
        name = aliases.get(key, key)
        if name in form.fields:
            form.add_error(name, errors)
        elif name == NON_FIELD_ERRORS:
            form.add_error(None, errors)
        else:
            label = field_label(form, name)
            form.add_error(
                None,
                [f"{label}: {message}" for item in errors for message in item.messages],
            )


def field_label(form: BaseForm, name: str) -> str:
    """The label of ``name`` for a message: the model field's, else from the name."""
    meta = getattr(form, "_meta", None)
    model = getattr(meta, "model", None)
    if model is not None:
        with contextlib.suppress(FieldDoesNotExist):
            return str(model._meta.get_field(name).verbose_name).capitalize()
    return name.replace("_", " ").capitalize()
