"""The outbox in the API: ``outbox/`` and ``outbox/bounces/`` (DOMAIN §12).

Read the queue (messages with status, attempts, next attempt and last error,
filterable by status; ``outbox/summary/`` the depth and rate), retry or
cancel a message, and feed a delivery status notification (RFC 3464) — the
raw message as text — which marks the message failed and, for a hard
bounce, suppresses the address.
"""

from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interactions.models import OutboxMessage, OutboxStatus
from interactions.selectors.outbox import outbox_messages, outbox_summary
from interactions.services.outbox.bounces import feed_dsn
from interactions.services.outbox.queue import cancel_messages, retry_messages
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.api.errors import UNPROCESSABLE
from interactions_crm.platform.api.pagination import KeysetPagination

CHANGE_OUTBOX = "interactions.change_outboxmessage"


class OutboxMessageSerializer(serializers.ModelSerializer[OutboxMessage]):
    entry_no = serializers.IntegerField(source="entry_id", read_only=True)

    class Meta:
        model = OutboxMessage
        fields = (
            "id",
            "entry_no",
            "account",
            "purpose",
            "recipient",
            "subject",
            "message_id",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "sent_at",
            "created_at",
        )
        read_only_fields = fields


class OutboxSummarySerializer(serializers.Serializer[Any]):
    queued = serializers.IntegerField()
    sending = serializers.IntegerField()
    failed = serializers.IntegerField()
    sent_last_minute = serializers.IntegerField()
    sent_last_hour = serializers.IntegerField()
    next_due = serializers.DateTimeField(allow_null=True)


class OutboxMessageViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[OutboxMessage],
):
    """Outbox messages, newest first; ``?status=`` one status."""

    serializer_class = OutboxMessageSerializer
    pagination_class = KeysetPagination
    keyset_orderings = {"-id": ("-id",)}
    required_permissions: ClassVar[dict[str, list[str]]] = {
        "retry": [CHANGE_OUTBOX],
        "cancel": [CHANGE_OUTBOX],
    }

    def get_queryset(self) -> QuerySet[OutboxMessage]:
        status = self.request.query_params.get("status", "")
        if self.action == "list" and status not in ("", *OutboxStatus.values):
            raise serializers.ValidationError(
                {"status": [f"Choose one of {', '.join(OutboxStatus.values)}."]}
            )
        return outbox_messages(status=status if self.action == "list" else "")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=OutboxStatus.values, required=False)
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=OutboxSummarySerializer)
    @action(detail=False, methods=["get"])
    def summary(self, request: Request) -> Response:
        """Queue depth, messages sent in the last minute and hour, next due."""
        return Response(OutboxSummarySerializer(outbox_summary()).data)

    @extend_schema(request=None, responses=OutboxMessageSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str) -> Response:
        """Queue a failed message again (same Message-ID)."""
        retry_messages(actor=user_or_none(request.user), messages=[self.get_object()])
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=None, responses=OutboxMessageSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        """Take a failed or queued message out of the queue."""
        cancel_messages(actor=user_or_none(request.user), messages=[self.get_object()])
        return Response(self.get_serializer(self.get_object()).data)


class BounceSerializer(serializers.Serializer[Any]):
    """One delivery status notification, the raw RFC 5322 message as text."""

    message = serializers.CharField(max_length=5_000_000, trim_whitespace=False)


class BounceResultSerializer(serializers.Serializer[Any]):
    reports = serializers.IntegerField()
    failed = serializers.IntegerField()
    suppressed = serializers.IntegerField()
    unmatched = serializers.IntegerField()
    ignored = serializers.IntegerField()
    not_dsn = serializers.IntegerField()


class BounceView(APIView):
    """Feed a bounce: the message it reports on fails; a hard bounce suppresses."""

    required_permissions: ClassVar[dict[str, list[str]]] = {"POST": [CHANGE_OUTBOX]}
    queryset = OutboxMessage.objects.none()

    @extend_schema(request=BounceSerializer, responses=BounceResultSerializer)
    def post(self, request: Request) -> Response:
        serializer = BounceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        raw = serializer.validated_data["message"].encode("utf-8", "surrogateescape")
        result = feed_dsn(raw)
        if result.not_dsn:
            raise serializers.ValidationError(
                {
                    "message": [
                        "Not a delivery status notification (multipart/report; "
                        "report-type=delivery-status)."
                    ]
                },
                # Content the schema cannot describe (a MIME report): 422.
                code=UNPROCESSABLE,
            )
        return Response(BounceResultSerializer(result).data)


__all__ = ["BounceView", "OutboxMessageViewSet"]
