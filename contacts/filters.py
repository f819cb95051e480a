"""Contact filters shared by the contact list page and the REST API."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from contacts.models import (
    BusinessRelation,
    Contact,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
    Salesperson,
)
from interactions_crm.platform.api.filters import StrictBooleanFilter


class ContactFilterSet(django_filters.FilterSet):
    """Search and filter contacts (DOMAIN §2).

    Code tables are chosen by their business key (salesperson ``code``,
    business relation ``code`` …), so ``?salesperson=JO`` means the same on the
    page and in the API. Each classification filter matches one row per
    contact at most, so the joins never duplicate contacts.
    """

    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("No., name, e-mail or city")}
        ),
    )
    type = django_filters.ChoiceFilter(
        choices=Contact.Type.choices, label=_("Type"), empty_label=_("All")
    )
    salesperson = django_filters.ModelChoiceFilter(
        queryset=Salesperson.objects.all(),
        to_field_name="code",
        label=_("Salesperson"),
        empty_label=_("All"),
    )
    company = django_filters.CharFilter(
        field_name="company__no", lookup_expr="iexact", label=_("Company no.")
    )
    city = django_filters.CharFilter(lookup_expr="istartswith", label=_("City"))
    post_code = django_filters.CharFilter(
        lookup_expr="istartswith", label=_("Post code")
    )
    country = django_filters.CharFilter(
        lookup_expr="iexact", label=_("Country/region code")
    )
    business_relation = django_filters.ModelChoiceFilter(
        field_name="business_relations__business_relation",
        queryset=BusinessRelation.objects.all(),
        to_field_name="code",
        label=_("Business relation"),
        empty_label=_("All"),
    )
    job_responsibility = django_filters.ModelChoiceFilter(
        field_name="job_responsibilities",
        queryset=JobResponsibility.objects.all(),
        to_field_name="code",
        label=_("Job responsibility"),
        empty_label=_("All"),
    )
    industry_group = django_filters.ModelChoiceFilter(
        field_name="industry_groups",
        queryset=IndustryGroup.objects.all(),
        to_field_name="code",
        label=_("Industry group"),
        empty_label=_("All"),
    )
    mailing_group = django_filters.ModelChoiceFilter(
        field_name="mailing_groups",
        queryset=MailingGroup.objects.all(),
        to_field_name="code",
        label=_("Mailing group"),
        empty_label=_("All"),
    )
    privacy_blocked = StrictBooleanFilter(label=_("Privacy blocked"))

    class Meta:
        model = Contact
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[Contact], name: str, value: str
    ) -> QuerySet[Contact]:
        """Contacts whose number, name, e-mail or city contains ``value``."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(no__icontains=value)
            | Q(name__icontains=value)
            | Q(email__icontains=value)
            | Q(city__icontains=value)
        )
