"""Form fields and widgets that several staff pages share.

A contact is typed as its number or part of its name (a select of every
contact would not scale); small code tables become selects of their business
keys (code or number), as in the log's filters and the API.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
#: Costs and durations: two decimals, never negative.
AMOUNT_INPUT = forms.NumberInput(attrs={"step": "0.01", "min": "0"})
MONEY_FIELD: dict[str, Any] = {
    "max_digits": 14,
    "decimal_places": 2,
    "min_value": Decimal(0),
}
MINUTES_FIELD: dict[str, Any] = {
    "max_digits": 10,
    "decimal_places": 2,
    "min_value": Decimal(0),
}


def find_contact(text: str) -> Contact | None:
    """The contact with number ``text``, else the first whose name contains it.

    NAV's Create Interaction does the same: typing part of a name finds the
    first contact whose name contains the text.
    """
    text = text.strip()
    if not text:
        return None
    contacts = Contact.objects.select_related("company")
    return (
        contacts.filter(no__iexact=text).first()
        or contacts.filter(name__icontains=text).order_by("name", "no").first()
    )


class ContactField(forms.CharField):
    """A contact typed as its number (or part of its name), cleaned to a Contact."""

    default_error_messages = {
        "not_found": _("There is no contact matching “%(value)s”."),
    }

    def prepare_value(self, value: Any) -> Any:
        return value.no if isinstance(value, Contact) else value

    def clean(self, value: Any) -> Contact | None:
        text = super().clean(value)
        if not text:
            return None
        contact = find_contact(text)
        if contact is None:
            raise forms.ValidationError(
                self.error_messages["not_found"],
                code="not_found",
                params={"value": text},
            )
        return contact


def blank_as_dash(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Model choices with the blank option shown as a dash instead of "(blank)"."""
    return [("", "—"), *[choice for choice in choices if choice[0] != ""]]


def code_choice(
    queryset: QuerySet[Model],
    *,
    field: str = "code",
    required: bool = False,
    **kwargs: Any,
) -> forms.ModelChoiceField[Model]:
    """A select of rows identified by their business key (code or number)."""
    return forms.ModelChoiceField(
        queryset=queryset, to_field_name=field, required=required, **kwargs
    )
