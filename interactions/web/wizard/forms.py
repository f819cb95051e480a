"""The wizard's step forms, and its raw-data round trip (DOMAIN §4.3).

Each step is a plain form: shape and field validation only. The wizard keeps
every step as the strings a browser posts (:func:`to_raw`), so a step shows
again after "Back" and is validated once more on *Finish*, exactly as typed.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contacts.lookups import ContactLookupField
from contacts.models import Contact, CorrespondenceType, Salesperson
from interactions.models import (
    Campaign,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionTemplate,
)
from interactions.services.creation import check_contact_choice
from interactions.web.fields import (
    DATE_INPUT,
    MINUTES_FIELD,
    MONEY_FIELD,
    TIME_INPUT,
    blank_as_dash,
    code_choice,
)
from interactions_crm.platform.forms import add_service_errors

# Largest file the wizard imports (the web server may set a lower limit).
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ContactStepForm(forms.Form):
    """Step 1: who, which template, and the interaction details.

    The contact is looked up (never a guessed first match) and checked here,
    where it is chosen: a privacy-blocked contact, or e-mail for a contact
    without an address, is refused on this step, not at *Finish*.
    """

    contact = ContactLookupField(
        label=_("Contact"),
        help_text=_("Contact no. or name; choose from the list as you type."),
    )
    template = code_choice(
        InteractionTemplate.objects.select_related("group"),
        required=True,
        label=_("Interaction template"),
    )
    description = forms.CharField(
        label=_("Description"), max_length=100, required=False
    )
    salesperson = code_choice(Salesperson.objects.all(), label=_("Salesperson"))
    language = forms.CharField(label=_("Language code"), max_length=10, required=False)
    date = forms.DateField(label=_("Date of interaction"), widget=DATE_INPUT)
    time = forms.TimeField(
        label=_("Time of interaction"), required=False, widget=TIME_INPUT
    )
    correspondence_type = forms.ChoiceField(
        label=_("Correspondence type"),
        choices=blank_as_dash(CorrespondenceType.choices),
        required=False,
    )
    information_flow = forms.ChoiceField(
        label=_("Information flow"),
        choices=blank_as_dash(InformationFlow.choices),
        required=False,
    )
    initiated_by = forms.ChoiceField(
        label=_("Initiated by"),
        choices=blank_as_dash(InitiatedBy.choices),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact = data.get("contact")
        if contact is not None:
            try:
                check_contact_choice(
                    contact, correspondence_type=data.get("correspondence_type", "")
                )
            except ValidationError as error:
                add_service_errors(self, error)
        return data


class ContentStepForm(forms.Form):
    """Step 2: the content: edit the merged text or import a file."""

    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Body"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    attachment_file = forms.FileField(label=_("Import a file"), required=False)
    send = forms.BooleanField(
        label=_("Send the e-mail when finishing"),
        required=False,
        help_text=_("Only for correspondence type e-mail."),
    )

    def clean_attachment_file(self) -> Any:
        upload = self.cleaned_data.get("attachment_file")
        if upload and upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(size)s MB)."),
                params={"size": MAX_IMPORT_BYTES // (1024 * 1024)},
            )
        return upload


class RelatedStepForm(forms.Form):
    """Step 3: what the interaction is related to."""

    campaign = code_choice(
        Campaign.objects.all(),
        field="no",
        label=_("Campaign"),
        empty_label=_("(none)"),
    )
    campaign_target = forms.BooleanField(
        label=_("This contact is being targeted as part of the campaign"),
        required=False,
    )
    campaign_response = forms.BooleanField(
        label=_("This interaction is a response to the campaign"), required=False
    )
    opportunity_ref = forms.CharField(
        label=_("Opportunity"), max_length=40, required=False
    )


class ResultStepForm(forms.Form):
    """Step 4: the result of the interaction."""

    evaluation = forms.ChoiceField(
        label=_("Evaluation"),
        choices=blank_as_dash(Evaluation.choices),
        required=False,
    )
    was_successful = forms.BooleanField(label=_("Was successful"), required=False)
    cost = forms.DecimalField(label=_("Cost (LCY)"), **MONEY_FIELD)
    duration = forms.DecimalField(label=_("Duration (min.)"), **MINUTES_FIELD)
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One comment per line."),
    )

    def clean_comments(self) -> list[str]:
        text = self.cleaned_data.get("comments") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


def to_raw(form_class: type[forms.Form], values: dict[str, Any]) -> dict[str, str]:
    """Values as the strings a browser would post for ``form_class``.

    The wizard keeps every step as raw form data (JSON-serialisable, in the
    session), so a step can be shown again, and re-validated at the end,
    exactly as if the user had typed the values.
    """
    raw: dict[str, str] = {}
    for name, field in form_class.base_fields.items():
        if name not in values or isinstance(field, forms.FileField):
            continue
        value = values[name]
        if isinstance(field, forms.BooleanField):
            if value:
                raw[name] = "on"
            continue
        if isinstance(field, forms.ModelChoiceField):
            if value is not None and hasattr(value, "pk"):
                value = getattr(value, field.to_field_name or "pk")
        elif isinstance(value, Contact):
            value = value.no
        elif isinstance(value, Decimal):
            # 15.00 minutes reads better as 15; 12.50 stays as it is.
            value = value.quantize(1) if value == value.to_integral_value() else value
        elif isinstance(value, dt.time):
            value = value.strftime("%H:%M")
        elif isinstance(value, dt.date):
            value = value.isoformat()
        raw[name] = "" if value is None else str(value)
    return raw


def initial_from_raw(
    form_class: type[forms.Form], raw: dict[str, str]
) -> dict[str, Any]:
    """The initial values that show ``raw`` in an unbound form."""
    return {
        name: field.widget.value_from_datadict(raw, {}, name)
        for name, field in form_class.base_fields.items()
        if not isinstance(field, forms.FileField)
    }
