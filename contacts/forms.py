"""Forms of the contact pages: shape and field validation only.

None of these forms saves anything: the views hand ``cleaned_data`` to the
services (``contacts.services``, ``interactions.services``), which own the
domain rules and report violations per field.
"""

import copy
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contacts.models import BusinessRelation, Contact
from interactions.models import Segment

#: Contact fields a person edits on the contact form, in form order.
CONTACT_FORM_FIELDS = [
    "type",
    "name",
    "job_title",
    "email",
    "phone",
    "mobile_phone",
    "address",
    "post_code",
    "city",
    "country",
    "language",
    "salesperson",
    "correspondence_type",
    "exclude_from_segment",
    "privacy_blocked",
    "job_responsibilities",
    "industry_groups",
    "mailing_groups",
]


class ContactForm(forms.ModelForm):
    """Create or edit a contact.

    The company is typed as a contact number (a select of every company would
    not scale); ``clean_company_no`` turns it into ``cleaned_data["company"]``.
    The form works on a copy of the contact so that validating it never
    changes the instance the view passes to ``update_contact``.
    """

    company_no = forms.CharField(
        label=_("Company no."),
        required=False,
        max_length=20,
        help_text=_("For persons: the number of the company the person works for."),
    )
    business_relations = forms.ModelMultipleChoiceField(
        label=_("Business relations"),
        queryset=BusinessRelation.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Contact
        fields = CONTACT_FORM_FIELDS
        widgets = {
            "job_responsibilities": forms.CheckboxSelectMultiple,
            "industry_groups": forms.CheckboxSelectMultiple,
            "mailing_groups": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, instance: Contact | None = None, **kwargs: Any):
        if instance is not None:
            kwargs.setdefault("initial", {})
            if instance.company_id:
                kwargs["initial"].setdefault("company_no", instance.company.no)
            kwargs["initial"].setdefault(
                "business_relations",
                list(
                    instance.business_relations.values_list(
                        "business_relation__code", flat=True
                    )
                ),
            )
            instance = copy.copy(instance)
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["salesperson"].queryset = self.fields[
            "salesperson"
        ].queryset.filter(blocked=False)
        # Classification codes are posted by code, like the list filters.
        for name in ("job_responsibilities", "industry_groups", "mailing_groups"):
            self.fields[name].to_field_name = "code"

    def clean_company_no(self) -> str:
        no = self.cleaned_data["company_no"].strip()
        self.cleaned_data["company"] = None
        if not no:
            return ""
        company = Contact.objects.companies().filter(no__iexact=no).first()
        if company is None:
            raise forms.ValidationError(
                _("There is no company contact with the number %(no)s."),
                code="unknown_company",
                params={"no": no},
            )
        self.cleaned_data["company"] = company
        return company.no

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments for the contact services.

        Business relations are passed as ``(code, link_type, link_no)``; a
        relation the contact keeps keeps its account link (edited in admin).
        """
        values = {name: self.cleaned_data[name] for name in CONTACT_FORM_FIELDS}
        values["company"] = self.cleaned_data.get("company")
        links = {}
        if self.instance.pk:
            links = {
                link.business_relation.code: (link.link_type, link.link_no)
                for link in self.instance.business_relations.select_related(
                    "business_relation"
                )
            }
        values["business_relations"] = [
            (relation.code, *links.get(relation.code, ("", "")))
            for relation in self.cleaned_data["business_relations"]
        ]
        return values


def add_service_errors(
    form: forms.BaseForm,
    error: ValidationError,
    aliases: dict[str, str] | None = None,
) -> None:
    """Show a service's ``ValidationError`` on the form's fields.

    Messages for fields the form does not have (or ``__all__``) become
    non-field errors; ``aliases`` maps a service field to a form field
    (``{"company": "company_no"}``).
    """
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = aliases.get(name, name)
        form.add_error(name if name in form.fields else None, errors)


class PhoneCallForm(forms.Form):
    """Make phone call: records an outgoing-call interaction (DOMAIN §4.6)."""

    successful = forms.TypedChoiceField(
        label=_("Was the call successful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=100,
        required=False,
        help_text=_("Leave blank to use the template's description."),
    )

    prefix = "call"


class EmailForm(forms.Form):
    """Send e-mail: sends the message and records an e-mail interaction."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))

    prefix = "email"


class AddToSegmentForm(forms.Form):
    """Add the contact to one of the segments that are not logged yet."""

    segment = forms.ModelChoiceField(
        label=_("Segment"),
        queryset=Segment.objects.order_by("-no"),
        to_field_name="no",
        empty_label=_("Choose a segment…"),
    )

    prefix = "segment"
