"""The segment criteria vocabulary (DOMAIN §5), shared by services, API and forms.

One FilterSet over ``Contact`` defines every criterion a segment's criteria
actions (add, reduce, refine) can use. Criteria are stored on the segment's
criteria actions and in saved criteria as a plain dict of strings, so they can
be replayed later; :func:`clean_criteria` validates and normalises such a dict
and :func:`matching_contacts` turns it into a queryset.

Interaction-history criteria select contacts that have *at least one* entry
(not canceled, not postponed) matching *all* given history criteria together,
so they are combined into one ``EXISTS`` subquery rather than one per filter.
"""

import datetime as dt
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, ContactBusinessRelation, ContactQuerySet
from interactions.models import Evaluation, InteractionLogEntry
from interactions_crm.platform.validation import FieldErrors

# History criterion -> lookup on InteractionLogEntry (one EXISTS for all).
HISTORY_LOOKUPS: dict[str, str] = {
    "interaction_template": "template__code__iexact",
    "interaction_group": "group__code__iexact",
    "interaction_date_from": "date__gte",
    "interaction_date_to": "date__lte",
    "evaluation": "evaluation",
    "campaign": "campaign__no__iexact",
    "interaction_salesperson": "salesperson__code__iexact",
    "segment_no": "segment_no__iexact",
}


def _has_classification(through: type[Model], code_lookup: str, value: str) -> Exists:
    """EXISTS (a row of ``through`` for this contact with the given code)."""
    return Exists(
        through._default_manager.filter(
            contact_id=OuterRef("pk"), **{code_lookup: value}
        )
    )


def _company_has_classification(
    through: type[Model], code_lookup: str, value: str
) -> Q:
    """The contact or its company has the code (DOMAIN §5, NAV report 5198).

    Business relations and industry groups belong to companies: a person
    matches when its company has the code, or when it has it itself.
    """
    own = _has_classification(through, code_lookup, value)
    by_company = Exists(
        through._default_manager.filter(
            contact_id=OuterRef("company_id"), **{code_lookup: value}
        )
    )
    return Q(own) | Q(by_company)


# django-filter ships no type information, so its FilterSet is Any to mypy;
# where subclassing Any is not flagged, the ignore is unused (hence both codes).
class ContactCriteriaFilterSet(django_filters.FilterSet):  # type: ignore[misc, unused-ignore]
    """Every criterion a segment can select contacts by (DOMAIN §5)."""

    # Contact fields.
    contact_no = django_filters.CharFilter(
        field_name="no", lookup_expr="iexact", label=_("Contact no.")
    )
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name"))
    contact_type = django_filters.ChoiceFilter(
        field_name="type", choices=Contact.Type.choices, label=_("Contact type")
    )
    company = django_filters.CharFilter(method="filter_company", label=_("Company no."))
    salesperson = django_filters.CharFilter(
        field_name="salesperson__code", lookup_expr="iexact", label=_("Salesperson")
    )
    post_code = django_filters.CharFilter(lookup_expr="iexact", label=_("Post code"))
    city = django_filters.CharFilter(lookup_expr="iexact", label=_("City"))
    country = django_filters.CharFilter(
        lookup_expr="iexact", label=_("Country/region code")
    )
    language = django_filters.CharFilter(lookup_expr="iexact", label=_("Language code"))
    # Classification (codes).
    # Business relation and industry group match a person through its company.
    business_relation = django_filters.CharFilter(
        method="filter_business_relation", label=_("Business relation")
    )
    job_responsibility = django_filters.CharFilter(
        method="filter_job_responsibility", label=_("Job responsibility")
    )
    industry_group = django_filters.CharFilter(
        method="filter_industry_group", label=_("Industry group")
    )
    mailing_group = django_filters.CharFilter(
        method="filter_mailing_group", label=_("Mailing group")
    )
    # Interaction history: applied together in filter_queryset().
    interaction_template = django_filters.CharFilter(
        method="defer_to_history", label=_("Had interaction with template")
    )
    interaction_group = django_filters.CharFilter(
        method="defer_to_history", label=_("Had interaction in group")
    )
    interaction_date_from = django_filters.DateFilter(
        method="defer_to_history", label=_("Interaction date from")
    )
    interaction_date_to = django_filters.DateFilter(
        method="defer_to_history", label=_("Interaction date to")
    )
    evaluation = django_filters.ChoiceFilter(
        method="defer_to_history",
        choices=Evaluation.choices[1:],
        label=_("Interaction evaluation"),
    )
    campaign = django_filters.CharFilter(
        method="defer_to_history", label=_("Interaction campaign no.")
    )
    interaction_salesperson = django_filters.CharFilter(
        method="defer_to_history", label=_("Interaction salesperson")
    )
    segment_no = django_filters.CharFilter(
        method="defer_to_history", label=_("Interaction segment no.")
    )

    class Meta:
        model = Contact
        fields: list[str] = []

    def filter_company(
        self, queryset: QuerySet[Contact], name: str, value: str
    ) -> QuerySet[Contact]:
        """Persons of the company and the company itself (its company is itself)."""
        return queryset.filter(
            Q(company__no__iexact=value)
            | Q(type=Contact.Type.COMPANY, no__iexact=value)
        )

    def filter_business_relation(
        self, queryset: QuerySet[Contact], name: str, value: str
    ) -> QuerySet[Contact]:
        return queryset.filter(
            _company_has_classification(
                ContactBusinessRelation, "business_relation__code__iexact", value
            )
        )

    def filter_job_responsibility(
        self, queryset: QuerySet[Contact], name: str, value: str
    ) -> QuerySet[Contact]:
        return queryset.filter(
            _has_classification(
                Contact.job_responsibilities.through,
                "jobresponsibility__code__iexact",
                value,
            )
        )

    def filter_industry_group(
        self, queryset: QuerySet[Contact], name: str, value: str
    ) -> QuerySet[Contact]:
        return queryset.filter(
            _company_has_classification(
                Contact.industry_groups.through, "industrygroup__code__iexact", value
            )
        )

    def filter_mailing_group(
        self, queryset: QuerySet[Contact], name: str, value: str
    ) -> QuerySet[Contact]:
        return queryset.filter(
            _has_classification(
                Contact.mailing_groups.through, "mailinggroup__code__iexact", value
            )
        )

    def defer_to_history(
        self, queryset: QuerySet[Contact], name: str, value: Any
    ) -> QuerySet[Contact]:
        """History criteria are combined into one EXISTS by filter_queryset()."""
        return queryset

    def filter_queryset(self, queryset: QuerySet[Contact]) -> QuerySet[Contact]:
        queryset = super().filter_queryset(queryset)
        lookups = {
            lookup: self.form.cleaned_data[name]
            for name, lookup in HISTORY_LOOKUPS.items()
            if self.form.cleaned_data.get(name) not in (None, "")
        }
        if not lookups:
            return queryset
        return queryset.filter(
            Exists(
                InteractionLogEntry.objects.filter(
                    contact_id=OuterRef("pk"),
                    canceled=False,
                    postponed=False,
                    **lookups,
                )
            )
        )


def clean_criteria(criteria: dict[str, Any]) -> dict[str, str]:
    """Validate criteria and return them as a JSON-safe dict of non-empty strings.

    Raises ``ValidationError`` with a message per criterion for unknown names
    and invalid values, so a typo never silently selects every contact.
    """
    known = ContactCriteriaFilterSet.base_filters
    errors: FieldErrors = {
        name: [_("Unknown criterion.")] for name in criteria if name not in known
    }
    if errors:
        raise ValidationError(errors)
    data = {
        name: value.isoformat() if isinstance(value, dt.date) else str(value)
        for name, value in criteria.items()
        if value not in (None, "")
    }
    filterset = ContactCriteriaFilterSet(data=data, queryset=Contact.objects.none())
    if not filterset.is_valid():
        raise ValidationError(
            {name: list(messages) for name, messages in filterset.errors.items()}
        )
    return data


def matching_contacts(
    criteria: dict[str, Any], queryset: ContactQuerySet | None = None
) -> ContactQuerySet:
    """The contacts (of ``queryset``, default all) that match ``criteria``."""
    data = clean_criteria(criteria)
    base = Contact.objects.all() if queryset is None else queryset
    matches: ContactQuerySet = ContactCriteriaFilterSet(data=data, queryset=base).qs
    return matches
