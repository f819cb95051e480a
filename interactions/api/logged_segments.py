"""Logged segments in the API: ``logged-segments/`` (DOMAIN §6.5).

A logged segment is what logging a segment left behind: its entries. It can
be canceled (with all its entries) and un-canceled (only the entries its
cancel canceled), and canceled ones deleted — their entries are unlinked and
stay in the log.
"""

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from interactions.api.common import (
    BIGINT_MAX,
    CANCEL_ENTRY,
    CHANGE_LOGGED_SEGMENT,
    MAX_BULK_ENTRIES,
    CountSerializer,
)
from interactions.api.entries.serializers import CancelEntriesSerializer
from interactions.models import LoggedSegment
from interactions.selectors import logged_segments_with_counts
from interactions.services.segments import (
    cancel_logged_segments,
    delete_canceled_logged_segments,
    uncancel_logged_segments,
)
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.api.fields import key_of
from interactions_crm.platform.api.pagination import KeysetPagination


class LoggedSegmentSerializer(serializers.ModelSerializer[LoggedSegment]):
    logged_by = key_of("username")
    entry_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = LoggedSegment
        fields = (
            "id",
            "segment_no",
            "description",
            "date",
            "logged_by",
            "created_at",
            "canceled",
            "entry_count",
        )
        read_only_fields = fields


class LoggedSegmentSelectionSerializer(serializers.Serializer[Any]):
    """Logged segments by id; omitted or empty: every canceled one."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX),
        required=False,
        max_length=MAX_BULK_ENTRIES,
    )


def logged_segment_data(logged: LoggedSegment | int) -> dict[str, Any]:
    """A logged segment as answered, read again with its entry count.

    404 when another request deleted it meanwhile.
    """
    counted = logged_segments_with_counts().select_related("logged_by")
    pk = logged if isinstance(logged, int) else logged.pk
    row = counted.filter(pk=pk).first()
    if row is None:
        raise NotFound(_("The logged segment was deleted meanwhile."))
    return LoggedSegmentSerializer(row).data


class LoggedSegmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[LoggedSegment],
):
    """Logged segments with the number of their entries (DOMAIN §6.5)."""

    serializer_class = LoggedSegmentSerializer
    pagination_class = KeysetPagination
    keyset_orderings = {"-id": ("-id",)}
    required_permissions: ClassVar[dict[str, list[str]]] = {
        "cancel": [CHANGE_LOGGED_SEGMENT, CANCEL_ENTRY],
        "uncancel": [CHANGE_LOGGED_SEGMENT, CANCEL_ENTRY],
        "delete_canceled": ["interactions.delete_loggedsegment"],
    }

    def get_queryset(self) -> QuerySet[LoggedSegment]:
        return logged_segments_with_counts().select_related("logged_by")

    def _one(self) -> QuerySet[LoggedSegment]:
        return LoggedSegment.objects.filter(pk=self.get_object().pk)

    @extend_schema(request=CancelEntriesSerializer, responses=LoggedSegmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Cancel the logged segment and all its entries."""
        selection = self._one()
        serializer = CancelEntriesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cancel_logged_segments(
            actor=user_or_none(request.user),
            logged_segments=selection,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(logged_segment_data(int(pk)))

    @extend_schema(request=None, responses=LoggedSegmentSerializer)
    @action(detail=True, methods=["post"])
    def uncancel(self, request: Request, pk: str) -> Response:
        """Un-cancel it: only the entries its cancel canceled become active."""
        uncancel_logged_segments(
            actor=user_or_none(request.user), logged_segments=self._one()
        )
        return Response(logged_segment_data(int(pk)))

    @extend_schema(request=LoggedSegmentSelectionSerializer, responses=CountSerializer)
    @action(detail=False, methods=["post"], url_path="delete-canceled")
    def delete_canceled(self, request: Request) -> Response:
        """Delete canceled logged segments (the given ones, or all); their
        entries are unlinked and stay."""
        serializer = LoggedSegmentSelectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selection = LoggedSegment.objects.filter(canceled=True)
        ids = serializer.validated_data.get("ids")
        if ids:
            selection = selection.filter(pk__in=ids)
        count = delete_canceled_logged_segments(
            actor=user_or_none(request.user), logged_segments=selection
        )
        return Response({"count": count})
