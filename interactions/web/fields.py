"""Form fields and widgets that several staff pages share.

A contact is typed as its number or name, resolved by
:class:`contacts.lookups.ContactLookupField` (a select of every contact would
not scale); small code tables become selects of their business keys (code or
number), as in the API.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Model, QuerySet

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
