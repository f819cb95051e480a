"""Forms of the contact pages: shape and field validation only.

None of these forms saves anything: the views hand ``cleaned_data`` to
``contacts.services``, which own the domain rules and report violations per
field. The contact card's interaction actions have their forms in the
interactions app (``interactions.web.contact_card.forms``).
"""

import copy
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.models import BusinessRelation, Contact, Salesperson

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


class ContactForm(forms.ModelForm[Contact]):
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

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        instance: Contact | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            kwargs.setdefault("initial", {})
            if instance.company_id and instance.company is not None:
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
        super().__init__(data, files, instance=instance, **kwargs)
        salesperson = cast(
            forms.ModelChoiceField[Salesperson], self.fields["salesperson"]
        )
        salesperson.queryset = Salesperson.objects.filter(blocked=False)
        # Classification codes are posted by code, like the list filters.
        for name in ("job_responsibilities", "industry_groups", "mailing_groups"):
            cast(forms.ModelChoiceField[Any], self.fields[name]).to_field_name = "code"

    def clean_company_no(self) -> str:
        no = self.cleaned_data["company_no"].strip()
        self.cleaned_data["company"] = None
        if not no:
            return ""
        company: Contact | None = (
            Contact.objects.companies().filter(no__iexact=no).first()
        )
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
