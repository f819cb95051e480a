"""Forms of the interactions admin: input shape only, the services decide.

Rules (defaults, required salesperson, non-negative cost …) live in the
services; these forms only turn POST data into the services' arguments, and
show the services' ``ValidationError`` on their fields.
"""

from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, CorrespondenceType, Salesperson
from interactions.models import (
    MINUTES,
    MONEY,
    Campaign,
    Evaluation,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from interactions.services.ledger import CanceledEntryFilter

FROM_TEMPLATE = _("(from the template)")


class AddInteractionForm(forms.ModelForm):
    """The admin's "create interaction": what the wizard asks, in one form.

    Values left blank get their DOMAIN §4.1 default from ``create_interaction``
    (date today, cost and duration from the template, …).
    """

    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=AdminDateWidget,
        help_text=_("Blank: today."),
    )
    cost = forms.DecimalField(
        label=_("Cost (LCY)"),
        required=False,
        help_text=_("Blank: the template's unit cost."),
        **MONEY,
    )
    duration = forms.DecimalField(
        label=_("Duration (min.)"),
        required=False,
        help_text=_("Blank: the template's unit duration."),
        **MINUTES,
    )
    campaign_target = forms.NullBooleanField(
        label=_("Campaign target"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", FROM_TEMPLATE), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    campaign_response = forms.NullBooleanField(
        label=_("Campaign response"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", FROM_TEMPLATE), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    correspondence_type = forms.ChoiceField(
        label=_("Correspondence type"),
        required=False,
        choices=[("", _("(from the template and the contact)"))]
        + CorrespondenceType.choices[1:],
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    postpone = forms.BooleanField(
        label=_("Finish later"),
        required=False,
        help_text=_(
            "Save as a postponed interaction: it is not in the log until resumed."
        ),
    )

    class Meta:
        model = InteractionLogEntry
        fields = [
            "contact",
            "template",
            "date",
            "time",
            "description",
            "subject",
            "salesperson",
            "campaign",
            "campaign_target",
            "campaign_response",
            "opportunity_ref",
            "evaluation",
            "attempt_failed",
            "cost",
            "duration",
            "correspondence_type",
            "contact_via",
        ]

    def _post_clean(self) -> None:
        """No model validation here: ``create_interaction`` validates (§4.2)."""

    def service_arguments(self) -> dict[str, Any]:
        """``cleaned_data`` as ``create_interaction`` keyword arguments.

        Blank optional values become ``None`` so that the service applies its
        default instead of storing a blank.
        """
        data = dict(self.cleaned_data)
        comment = (data.pop("comment", "") or "").strip()
        arguments: dict[str, Any] = {
            name: value
            for name, value in data.items()
            if name in self.Meta.fields or name == "postpone"
        }
        for name in ("subject", "correspondence_type"):
            if arguments.get(name) == "":
                arguments[name] = None
        arguments["comments"] = [comment] if comment else []
        return arguments


class EvaluateForm(forms.Form):
    """The intermediate page of the "Evaluate" action (NAV: Evaluate Interaction)."""

    evaluation = forms.ChoiceField(
        label=_("Evaluation"),
        choices=Evaluation.choices[1:],
        widget=forms.RadioSelect,
    )


# Filter name -> (label, model); the widget searches through the admin.
RELATED_FILTERS: dict[str, tuple[str, type]] = {
    "contact": (_("Contact"), Contact),
    "campaign": (_("Campaign"), Campaign),
    "group": (_("Interaction group"), InteractionGroup),
    "template": (_("Interaction template"), InteractionTemplate),
    "salesperson": (_("Salesperson"), Salesperson),
}


class DeleteCanceledForm(forms.Form):
    """The filters of "Delete canceled interaction log entries" (DOMAIN §6.4)."""

    entry_no_from = forms.IntegerField(
        label=_("Entry no. from"), required=False, min_value=1
    )
    entry_no_to = forms.IntegerField(
        label=_("Entry no. to"), required=False, min_value=1
    )
    date_from = forms.DateField(
        label=_("Date from"), required=False, widget=AdminDateWidget
    )
    date_to = forms.DateField(
        label=_("Date to"), required=False, widget=AdminDateWidget
    )

    def __init__(self, *args: Any, admin_site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, model) in RELATED_FILTERS.items():
            field = forms.ModelChoiceField(
                label=label, queryset=model._default_manager.all(), required=False
            )
            field.widget = AutocompleteSelect(
                InteractionLogEntry._meta.get_field(name), admin_site
            )
            field.widget.choices = field.choices
            self.fields[name] = field
        self.order_fields(
            [
                "entry_no_from",
                "entry_no_to",
                "contact",
                "date_from",
                "date_to",
                "campaign",
                "group",
                "template",
                "salesperson",
            ]
        )

    def filters(self) -> CanceledEntryFilter:
        """The valid form as the service's filter object."""
        return CanceledEntryFilter(**self.cleaned_data)

    def described(self) -> list[tuple[str, Any]]:
        """(label, value) of every filter that is set, for the confirmation page."""
        return [
            (self.fields[name].label, value)
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        ]
