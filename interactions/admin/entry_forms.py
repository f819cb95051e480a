"""Forms of the admin's log entry pages that no staff form serves.

The staff pages create an interaction with the four-step wizard and evaluate
entries from the list's bulk form; the admin does both on one page each, so
these forms are the admin's own (named ``…AdminForm``). Input shape only:
defaults, the required salesperson, non-negative cost … are the services'
rules, and their ``ValidationError`` is shown on these forms' fields.
"""

from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.utils.translation import gettext_lazy as _

from contacts.models import CorrespondenceType
from interactions.models import (
    MINUTES,
    MONEY,
    Evaluation,
    InteractionLogEntry,
)

FROM_TEMPLATE = _("(from the template)")
TEMPLATE_YES_NO = [("unknown", FROM_TEMPLATE), ("true", _("Yes")), ("false", _("No"))]


class CreateInteractionAdminForm(forms.ModelForm[InteractionLogEntry]):
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
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
    )
    duration = forms.DecimalField(
        label=_("Duration (min.)"),
        required=False,
        help_text=_("Blank: the template's unit duration."),
        max_digits=MINUTES["max_digits"],
        decimal_places=MINUTES["decimal_places"],
    )
    campaign_target = forms.NullBooleanField(
        label=_("Campaign target"),
        required=False,
        widget=forms.Select(choices=TEMPLATE_YES_NO),
    )
    campaign_response = forms.NullBooleanField(
        label=_("Campaign response"),
        required=False,
        widget=forms.Select(choices=TEMPLATE_YES_NO),
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


class EvaluateAdminForm(forms.Form):
    """The intermediate page of the "Evaluate" action (NAV: Evaluate Interaction)."""

    evaluation = forms.ChoiceField(
        label=_("Evaluation"),
        choices=Evaluation.choices[1:],
        widget=forms.RadioSelect,
    )
