"""Document events in the API: ``document-events/`` (DOMAIN §4.6).

An ERP reports a document it printed or sent (invoice, quote …); the entry is
recorded with the template set up for the document type
(``interaction-template-setup/``), once per document version and occurrence.
"""

from typing import Any, ClassVar

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts.models import Contact, Salesperson
from interactions.api.common import ADD_ENTRY
from interactions.api.entries.serializers import (
    InteractionLogEntrySerializer,
    entry_data,
)
from interactions.models import Campaign, DocumentType
from interactions.services import record_document
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.api.errors import UNPROCESSABLE
from interactions_crm.platform.api.fields import optional_by_key
from interactions_crm.platform.api.idempotency import idempotent
from interactions_crm.platform.api.responses import created

INT_MAX = 2**31 - 1


class RecordDocumentSerializer(serializers.Serializer[Any]):
    """Input of ``interactions.services.record_document``.

    Name the contact with exactly one of ``contact_no``, ``customer_no`` or
    ``vendor_no`` (the latter two through the contact's business relation).
    """

    document_type = serializers.ChoiceField(choices=DocumentType.choices)
    document_no = serializers.CharField(max_length=40)
    contact_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    customer_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    vendor_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    salesperson = optional_by_key(Salesperson, "code")
    description = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    date = serializers.DateField(required=False, allow_null=True)
    version_no = serializers.IntegerField(
        min_value=0, max_value=INT_MAX, required=False
    )
    doc_occurrence = serializers.IntegerField(
        min_value=0, max_value=INT_MAX, required=False
    )
    campaign = optional_by_key(Campaign, "no")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        named = [attrs.get(name) for name in ("contact_no", "customer_no", "vendor_no")]
        if sum(bool(value) for value in named) != 1:
            raise serializers.ValidationError(
                {
                    "contact_no": [
                        _("Give exactly one of: contact_no, customer_no or vendor_no.")
                    ]
                },
                code=UNPROCESSABLE,  # across fields: the schema cannot say it (422)
            )
        return attrs


class DocumentEventResultSerializer(serializers.Serializer[Any]):
    """What happened to a document event.

    ``recorded`` false: nothing was recorded, ``reason`` says why (no template
    set up for the document type, no contact found). ``created`` false with an
    entry: the same document had been recorded before; this is that entry.
    """

    recorded = serializers.BooleanField()
    created = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    entry = InteractionLogEntrySerializer(allow_null=True)


class DocumentEventView(APIView):
    """Report a document (printed invoice, quote …) to have it recorded (§4.6)."""

    required_permissions: ClassVar[dict[str, list[str]]] = {"POST": [ADD_ENTRY]}

    @extend_schema(
        request=RecordDocumentSerializer,
        responses={
            201: OpenApiResponse(
                DocumentEventResultSerializer, description="Recorded: a new entry."
            ),
            200: OpenApiResponse(
                DocumentEventResultSerializer,
                description="Not recorded (recorded=false, with the reason), or "
                "recorded before (created=false, with that entry).",
            ),
        },
    )
    @idempotent
    def post(self, request: Request) -> Response:
        """Record the document with the template set up for its type.

        The contact is named by ``contact_no``, or found through its business
        relation by ``customer_no``/``vendor_no``. Reporting the same (type,
        number, version, occurrence) again returns the same entry.
        """
        serializer = RecordDocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(serializer.validated_data)
        contact_no = values.pop("contact_no", "")
        contact = Contact.objects.filter(no=contact_no).first() if contact_no else None
        if contact_no and contact is None:
            reason = _("No contact has the number %(no)s.") % {"no": contact_no}
            return Response(
                {"recorded": False, "created": False, "reason": reason, "entry": None}
            )
        result = record_document(
            actor=user_or_none(request.user), contact=contact, **values
        )
        body = {
            "recorded": result.recorded,
            "created": result.created,
            "reason": str(result.reason),
            "entry": entry_data(result.entry) if result.entry else None,
        }
        if result.created and result.entry is not None:
            return created(
                self,
                body,
                location=reverse(
                    "api:interaction-detail",
                    kwargs={"entry_no": result.entry.entry_no},
                ),
            )
        return Response(body, status=status.HTTP_200_OK)
