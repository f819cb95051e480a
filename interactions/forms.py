"""Forms of the staff pages: shape and field validation only (STYLE.md).

Domain rules live in the services; a form turns request data into the typed
values a service takes, and the views put a service's ``ValidationError`` back
on the form field it names.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, CorrespondenceType, Salesperson
from interactions.models import (
    Campaign,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from interactions.services import CanceledEntryFilter

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MONEY_FIELD = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0)}
# Largest file the wizard imports (the web server may set a lower limit).
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MINUTES_FIELD = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal(0)}


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


def blank_as_dash(choices) -> list[tuple[str, Any]]:
    """Model choices with the blank option shown as a dash instead of "(blank)"."""
    return [("", "—"), *[choice for choice in choices if choice[0] != ""]]


def code_choice(queryset, *, field: str = "code", required: bool = False, **kwargs):
    """A select of rows identified by their business key (code or number)."""
    return forms.ModelChoiceField(
        queryset=queryset, to_field_name=field, required=required, **kwargs
    )


# --- Interaction log entries page -----------------------------------------------------


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
        error_messages={"required": _("Select at least one entry.")},
    )
    evaluation = forms.ChoiceField(
        label=_("Evaluation"), choices=Evaluation.choices[1:], required=False
    )
    reason = forms.CharField(
        label=_("Reason for canceling"), max_length=200, required=False
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
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


class PostponedDeleteForm(forms.Form):
    entries = forms.ModelMultipleChoiceField(
        queryset=InteractionLogEntry.objects.postponed(),
        to_field_name="entry_no",
        error_messages={"required": _("Select at least one postponed interaction.")},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


# --- Delete canceled interaction log entries ------------------------------------------


class DeleteCanceledForm(forms.Form):
    """The filters of the batch job (DOMAIN §6.4); all optional."""

    entry_no_from = forms.IntegerField(
        label=_("Entry no. from"), min_value=1, required=False
    )
    entry_no_to = forms.IntegerField(
        label=_("Entry no. to"), min_value=1, required=False
    )
    contact = ContactField(label=_("Contact"), required=False)
    date_from = forms.DateField(label=_("Date from"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Date to"), required=False, widget=DATE_INPUT)
    campaign = code_choice(
        Campaign.objects.all(), field="no", label=_("Campaign"), empty_label=_("All")
    )
    group = code_choice(
        InteractionGroup.objects.all(),
        label=_("Interaction group"),
        empty_label=_("All"),
    )
    template = code_choice(
        InteractionTemplate.objects.all(),
        label=_("Interaction template"),
        empty_label=_("All"),
    )
    salesperson = code_choice(
        Salesperson.objects.all(), label=_("Salesperson"), empty_label=_("All")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("entry_no_from"), data.get("entry_no_to")
        if low and high and low > high:
            self.add_error(
                "entry_no_to", _("The last entry no. must not be below the first.")
            )
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start."))
        return data

    def to_filter(self) -> CanceledEntryFilter:
        """The service's filter object from the cleaned data."""
        data = self.cleaned_data
        return CanceledEntryFilter(
            entry_no_from=data.get("entry_no_from"),
            entry_no_to=data.get("entry_no_to"),
            contact=data.get("contact"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            campaign=data.get("campaign"),
            group=data.get("group"),
            template=data.get("template"),
            salesperson=data.get("salesperson"),
        )

    def has_filters(self) -> bool:
        return any(value not in (None, "") for value in self.cleaned_data.values())


# --- Create interaction wizard (DOMAIN §4.3) ------------------------------------------


class ContactStepForm(forms.Form):
    """Step 1: who, which template, and the interaction details."""

    contact = ContactField(
        label=_("Contact"),
        help_text=_("Contact no., or part of the name."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
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
