"""Filters shared by the staff pages and the REST API."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from contacts.models import CorrespondenceType
from interactions.models import (
    DeliveryStatus,
    DocumentType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionLogEntry,
)
from interactions_crm.platform.api.filters import (
    StrictBooleanFilter,
    StrictIntegerFilter,
)
from interactions_crm.platform.api.key_filters import KeyFilter


class EntryFilterSet(django_filters.FilterSet):
    """Every filter of the Interaction Log Entries page (DOMAIN §6.1).

    Related records are filtered by their business key (contact ``no``,
    template ``code`` …): contacts through the join, the small code tables by
    their id (:class:`KeyFilter`, one tiny query each).
    """

    contact = django_filters.CharFilter(
        field_name="contact__no", label=_("Contact no."), lookup_expr="iexact"
    )
    company = django_filters.CharFilter(
        field_name="contact_company__no", label=_("Company no."), lookup_expr="iexact"
    )
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("Date from")
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("Date to")
    )
    template = KeyFilter(
        field_name="template__code",
        label=_("Interaction template"),
        lookup_expr="iexact",
    )
    group = KeyFilter(
        field_name="group__code", label=_("Interaction group"), lookup_expr="iexact"
    )
    salesperson = KeyFilter(
        field_name="salesperson__code", label=_("Salesperson"), lookup_expr="iexact"
    )
    campaign = KeyFilter(
        field_name="campaign__no", label=_("Campaign no."), lookup_expr="iexact"
    )
    segment_no = django_filters.CharFilter(label=_("Segment no."), lookup_expr="iexact")
    logged_segment = StrictIntegerFilter(
        field_name="logged_segment_id", label=_("Logged segment")
    )
    document_type = django_filters.ChoiceFilter(
        choices=DocumentType.choices, label=_("Document type")
    )
    document_no = django_filters.CharFilter(label=_("Document no."))
    evaluation = django_filters.ChoiceFilter(
        choices=Evaluation.choices[1:], label=_("Evaluation")
    )
    information_flow = django_filters.ChoiceFilter(
        choices=InformationFlow.choices[1:], label=_("Information flow")
    )
    initiated_by = django_filters.ChoiceFilter(
        choices=InitiatedBy.choices[1:], label=_("Initiated by")
    )
    correspondence_type = django_filters.ChoiceFilter(
        choices=CorrespondenceType.choices[1:], label=_("Correspondence type")
    )
    delivery_status = django_filters.ChoiceFilter(
        choices=DeliveryStatus.choices[1:], label=_("Delivery status")
    )
    canceled = StrictBooleanFilter(label=_("Canceled"))
    attempt_failed = StrictBooleanFilter(label=_("Attempt failed"))
    entry_no_from = StrictIntegerFilter(
        field_name="entry_no", lookup_expr="gte", label=_("Entry no. from")
    )
    entry_no_to = StrictIntegerFilter(
        field_name="entry_no", lookup_expr="lte", label=_("Entry no. to")
    )
    q = django_filters.CharFilter(
        method="search", label=_("Search description and subject")
    )

    class Meta:
        model = InteractionLogEntry
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[InteractionLogEntry], name: str, value: str
    ) -> QuerySet[InteractionLogEntry]:
        """Entries whose description or subject contains ``value``."""
        return queryset.filter(
            Q(description__icontains=value) | Q(subject__icontains=value)
        )
