"""REST API of contacts (DESIGN.md §4.3): contacts, salespeople, code tables.

Thin views: parse the input with a serializer named after the service, call
the service, answer with the output serializer. A contact's classification
(business relations with their account links, job responsibilities, industry
groups, mailing groups) is read and set on the contact itself; the code tables
of that classification and the salespeople are master data
(``interactions_crm.platform.api.masterdata``). The contact's timeline
(``contacts/{no}/interactions/``) lives in ``interactions.api``, because
contacts must not depend on the interactions app.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from contacts.filters import ContactFilterSet
from contacts.models import (
    BusinessRelation,
    Contact,
    ContactBusinessRelation,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
    Salesperson,
)
from contacts.serializers import (
    BusinessRelationSerializer,
    ContactSerializer,
    CreateContactSerializer,
    IndustryGroupSerializer,
    JobResponsibilitySerializer,
    MailingGroupSerializer,
    SalespersonSerializer,
    UpdateContactSerializer,
)
from contacts.services import (
    MASTER_DATA_WRITES,
    create_contact,
    delete_contact,
    update_contact,
)
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.api.errors import conflict_on_refusal
from interactions_crm.platform.api.idempotency import idempotent
from interactions_crm.platform.api.masterdata import DeletableMasterDataViewSet
from interactions_crm.platform.api.pagination import KeysetPagination
from interactions_crm.platform.api.responses import created


class ContactViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Contact]
):
    """Contacts (companies and persons) by their number."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet
    pagination_class = KeysetPagination
    keyset_orderings = {"no": ("no",), "name": ("name", "no")}
    lookup_field = "no"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Contact]:
        return Contact.objects.select_related(
            "company", "salesperson"
        ).prefetch_related(
            Prefetch(
                "business_relations",
                queryset=ContactBusinessRelation.objects.select_related(
                    "business_relation"
                ).order_by("business_relation__code"),
            ),
            "job_responsibilities",
            "industry_groups",
            "mailing_groups",
        )

    def _read(self, contact: Contact) -> dict[str, Any]:
        """The contact as answered: fetched again with its classification."""
        return ContactSerializer(self.get_queryset().get(pk=contact.pk)).data

    @extend_schema(request=CreateContactSerializer, responses={201: ContactSerializer})
    @idempotent
    def create(self, request: Request) -> Response:
        """Create a contact; ``no`` comes from the number series unless given."""
        serializer = CreateContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = create_contact(
            actor=user_or_none(request.user), **serializer.service_kwargs()
        )
        return created(self, self._read(contact))

    def _update(self, request: Request, *, partial: bool) -> Response:
        contact = self.get_object()
        serializer = UpdateContactSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        update_contact(
            actor=user_or_none(request.user),
            contact=contact,
            **serializer.service_kwargs(),
        )
        return Response(self._read(contact))

    @extend_schema(request=UpdateContactSerializer, responses=ContactSerializer)
    def update(self, request: Request, no: str) -> Response:
        """Replace a contact's fields and classification (omitted: blank/none)."""
        return self._update(request, partial=False)

    @extend_schema(request=UpdateContactSerializer, responses=ContactSerializer)
    def partial_update(self, request: Request, no: str) -> Response:
        """Change the given fields; classification lists replace when given."""
        return self._update(request, partial=True)

    def destroy(self, request: Request, no: str) -> Response:
        """Delete a contact nothing refers to (409 names what still does)."""
        contact = self.get_object()
        with conflict_on_refusal():
            delete_contact(actor=user_or_none(request.user), contact=contact)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Master data: salespeople and the classification code tables --------------
# Written through ``contacts.services.MASTER_DATA_WRITES``: deleting one that
# interaction log entries use is refused (409).


class SalespersonViewSet(DeletableMasterDataViewSet):
    """Salespeople by code."""

    queryset = Salesperson.objects.all()
    serializer_class = SalespersonSerializer
    lookup_field = "code"
    writes = MASTER_DATA_WRITES


class BusinessRelationViewSet(DeletableMasterDataViewSet):
    """Business relation codes (CUST, VEND, PROS …)."""

    queryset = BusinessRelation.objects.all()
    serializer_class = BusinessRelationSerializer
    lookup_field = "code"
    writes = MASTER_DATA_WRITES


class JobResponsibilityViewSet(DeletableMasterDataViewSet):
    queryset = JobResponsibility.objects.all()
    serializer_class = JobResponsibilitySerializer
    lookup_field = "code"
    writes = MASTER_DATA_WRITES


class IndustryGroupViewSet(DeletableMasterDataViewSet):
    queryset = IndustryGroup.objects.all()
    serializer_class = IndustryGroupSerializer
    lookup_field = "code"
    writes = MASTER_DATA_WRITES


class MailingGroupViewSet(DeletableMasterDataViewSet):
    queryset = MailingGroup.objects.all()
    serializer_class = MailingGroupSerializer
    lookup_field = "code"
    writes = MASTER_DATA_WRITES


MASTER_DATA_VIEWSETS: tuple[type[DeletableMasterDataViewSet], ...] = (
    SalespersonViewSet,
    BusinessRelationViewSet,
    JobResponsibilityViewSet,
    IndustryGroupViewSet,
    MailingGroupViewSet,
)
