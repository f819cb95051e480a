"""A person's data through the API (issue #10 item 6).

* ``GET /api/v1/contacts/{no}/personal-data/`` — the export as
  ``application/zip``; each GET writes one audit event (who exported whose
  data) and nothing else. ``HEAD`` answers the headers without building the
  archive and writes nothing.
* ``POST /api/v1/contacts/{no}/erase/`` with ``{"confirm": "<no>"}`` (and
  optionally ``"expected"``: the counts a confirmation showed) — erases and
  answers 200 with the counts; erasing an erased contact again answers 200
  with ``already_erased`` and changes nothing. 400 when ``confirm`` is not the
  contact's number; 409 for a company that still has persons, or when the
  ``expected`` counts are stale.

Access: staff status plus model permissions (no custom permission; see
:mod:`interactions.services.privacy`), else 401/403.
"""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contacts.models import Contact
from interactions.services.privacy import (
    ERASE_REFUSED,
    EXPORT_REFUSED,
    archive_name,
    erase_contact,
    export_contact_data,
    may_erase_personal_data,
    may_export_personal_data,
)
from interactions_crm.platform.api.errors import UNPROCESSABLE


class MayExportPersonalData(BasePermission):
    message = EXPORT_REFUSED

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_export_personal_data(request.user)


class MayErasePersonalData(BasePermission):
    message = ERASE_REFUSED

    def has_permission(self, request: Request, view: APIView) -> bool:
        return may_erase_personal_data(request.user)


def _contact(no: str) -> Contact:
    return get_object_or_404(Contact.objects.select_related("company"), no=no)


class PersonalDataView(APIView):
    """The export of everything held about one contact."""

    permission_classes = [IsAuthenticated, MayExportPersonalData]

    @extend_schema(
        operation_id="contacts_personal_data_retrieve",
        request=None,
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="contact.json, entries.json, attachments/…, "
                "segments.json, audit.json (and consent.json where kept).",
            )
        },
    )
    def get(self, request: Request, contact_no: str) -> HttpResponse:
        """Download the contact's personal data as a ZIP (audited)."""
        contact = _contact(contact_no)
        if request.method == "HEAD":
            data = b""
        else:
            data = export_contact_data(actor=request.user, contact=contact)
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="{archive_name(contact)}"'
        )
        return response


class ErasureConfirmationSerializer(serializers.Serializer[Any]):
    confirm = serializers.CharField(
        help_text="The contact number again, to confirm the erasure."
    )
    expected = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text="The counts a confirmation showed; if they changed, the "
        "erasure is refused and nothing changes.",
    )


class ErasureResultSerializer(serializers.Serializer[Any]):
    no = serializers.CharField()
    already_erased = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    message = serializers.CharField()


class EraseView(APIView):
    """Erase one contact's personal data (pseudonymise, scrub free text)."""

    permission_classes = [IsAuthenticated, MayErasePersonalData]

    @extend_schema(
        operation_id="contacts_erase_create",
        request=ErasureConfirmationSerializer,
        responses={200: ErasureResultSerializer},
    )
    def post(self, request: Request, contact_no: str) -> Response:
        """Erase the contact; 400 if ``confirm`` is not its number."""
        contact = _contact(contact_no)
        serializer = ErasureConfirmationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["confirm"] != contact.no:
            raise serializers.ValidationError(
                {
                    "confirm": [
                        _("Send the contact number %(no)s to confirm the erasure.")
                        % {"no": contact.no}
                    ]
                },
                code=UNPROCESSABLE,  # must repeat the URL's key: 422
            )
        result = erase_contact(
            actor=request.user,
            contact=contact,
            expected_counts=serializer.validated_data.get("expected"),
        )
        return Response(
            ErasureResultSerializer(
                {
                    "no": result.contact_no,
                    "already_erased": result.already_erased,
                    "counts": result.counts,
                    "message": result.message,
                }
            ).data
        )
