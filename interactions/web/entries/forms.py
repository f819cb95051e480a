"""Forms of the log pages: bulk actions, a comment, a cancel reason, the filters.

Shape and field validation only (STYLE.md): the services own every rule.
"""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from contacts.lookups import ContactLookupField, SalespersonLookupField
from interactions.models import (
    Evaluation,
    InteractionGroup,
    InteractionLogEntry,
)
from interactions.web.lookups import CampaignLookupField, TemplateLookupField
from interactions_crm.platform.lookups import LookupField


class BulkActionForm(forms.Form):
    """One POST for the list's bulk actions (django-oscar style)."""

    SWITCH_CANCELED = "switch_canceled"
    EVALUATE = "evaluate"

    action = forms.ChoiceField(
        choices=[
            (SWITCH_CANCELED, _("Switch checkmark in Canceled")),
            (EVALUATE, _("Evaluate")),
        ]
    )
    entries = forms.ModelMultipleChoiceField(
        queryset=InteractionLogEntry.objects.visible(),
        to_field_name="entry_no",
        required=False,
    )
    evaluation = forms.ChoiceField(
        label=_("Evaluation"), choices=Evaluation.choices[1:], required=False
    )
    reason = forms.CharField(
        label=_("Reason for canceling"), max_length=200, required=False
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    #: What the switch confirmation showed (``SwitchIntent``, signed); when
    #: present it is the selection, so a vanished entry is named by the service.
    intent = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        confirming = (
            data.get("confirmed") and data.get("action") == self.SWITCH_CANCELED
        )
        if not confirming and not data.get("entries") and "entries" not in self.errors:
            self.add_error("entries", _("Select at least one entry."))
        if data.get("action") == self.EVALUATE and not data.get("evaluation"):
            self.add_error("evaluation", _("Choose an evaluation."))
        return data

    def selected_entry_nos(self) -> list[int]:
        """The selected entry numbers in the order they were submitted."""
        raw = self.data.getlist("entries") if hasattr(self.data, "getlist") else []
        numbers = []
        for value in raw:
            try:
                numbers.append(int(value))
            except (TypeError, ValueError):
                continue
        return numbers


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=500)
    code = forms.CharField(label=_("Code"), max_length=20, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for canceling"), max_length=200, required=False
    )


def _all_choice(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", _("All")), *[c for c in choices if c[0] != ""]]


def decorate_filter_form(form: forms.Form) -> forms.Form:
    """Friendlier widgets for the shared FilterSet's form (no other changes).

    Contact, template, campaign and salesperson become lookups
    (:func:`lookup_filters`), groups a select, yes/no filters get an
    "All" choice and dates a date picker. Costs one small query. Call it
    before validating: bound fields copy their label when first made.
    """
    code_tables: dict[str, Iterable[Any]] = {
        "group": InteractionGroup.objects.only("code", "description"),
    }
    lookup_filters(form)
    for name, rows in code_tables.items():
        choices = [(row.code, str(row)) for row in rows]
        form.fields[name].widget = forms.Select(choices=_all_choice(choices))
    for name, form_field in form.fields.items():
        widget = form_field.widget
        if isinstance(form_field, forms.NullBooleanField):
            form_field.widget = forms.Select(
                choices=[
                    ("", _("All")),
                    ("true", _("Yes")),
                    ("false", _("No")),
                ]
            )
        elif isinstance(form_field, forms.DateField):
            form_field.widget = forms.DateInput(attrs={"type": "date"})
        elif isinstance(widget, forms.Select) and name not in code_tables:
            widget.choices = _all_choice(widget.choices)
    form.fields["q"].label = _("Search")
    form.fields["q"].widget.attrs.update(
        {"type": "search", "placeholder": _("Description or subject")}
    )
    return form


def lookup_keys(params: QueryDict) -> tuple[QueryDict, list[str]]:
    """``params`` with each looked-up filter replaced by the key it names.

    For pages that hand the raw parameters to the FilterSet (the CSV export):
    they then select what the list shows. The second item holds the messages
    of values that name no single record (the caller refuses to go on).
    """
    resolved = params.copy()
    problems: list[str] = []
    form = forms.Form()
    lookup_filters(form)
    for name, field in form.fields.items():
        text = params.get(name, "")
        if not text:
            continue
        try:
            resolved[name] = field.clean(text)
        except forms.ValidationError as error:
            problems.extend(f"{field.label}: {message}" for message in error.messages)
    return resolved, problems


def lookup_filters(form: forms.Form) -> None:
    """Contact, template, campaign and salesperson typed or chosen from a list.

    Each cleans to its business key, which the FilterSet compares; an
    ambiguous or unknown value is a message on the field (then the list shows
    nothing and says why), never a silent first match.
    """
    lookups: dict[str, LookupField] = {
        "contact": ContactLookupField(label=_("Contact"), required=False, to_key=True),
        "template": TemplateLookupField(
            label=_("Template"), required=False, to_key=True
        ),
        "campaign": CampaignLookupField(
            label=_("Campaign"), required=False, to_key=True
        ),
        "salesperson": SalespersonLookupField(
            label=_("Salesperson"), required=False, to_key=True
        ),
    }
    for name, field in lookups.items():
        form.fields[name] = field
