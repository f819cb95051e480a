"""The statistics pages' date-range filter."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interactions.selectors.statistics import date_range_error


class DateRangeForm(forms.Form):
    """``date_from`` / ``date_to`` (both optional, both included)."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        error = date_range_error(cleaned.get("date_from"), cleaned.get("date_to"))
        if error:
            self.add_error("date_to", error)
        return cleaned
