"""Postponed interactions in the API: ``postponed-interactions/`` (DOMAIN §4.5).

An interaction saved unfinished (``postpone`` on create) is the user's own
until it is resumed — finished with the values given, keeping its entry
number — or deleted (no cancel step: it never was in the log).
"""

from typing import ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from contacts.models import Contact
from interactions.api.common import ADD_ENTRY, VIEW_ENTRY
from interactions.api.entries.serializers import (
    ENTRY_RELATED,
    InteractionLogEntrySerializer,
    InteractionValuesSerializer,
    entry_data,
)
from interactions.models import InteractionLogEntry, InteractionTemplate
from interactions.services import delete_postponed_entries, resume_interaction
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.api.fields import by_key
from interactions_crm.platform.api.pagination import KeysetPagination


class ResumeInteractionSerializer(InteractionValuesSerializer):
    """Input of ``interactions.services.resume_interaction``: what to change."""

    contact = by_key(Contact, "no", required=False)
    template = by_key(InteractionTemplate, "code", required=False)
    postpone = serializers.BooleanField(
        required=False, help_text="Save the changes and keep it postponed."
    )


class PostponedInteractionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[InteractionLogEntry],
):
    """The user's postponed (unfinished) interactions: resume or delete them."""

    serializer_class = InteractionLogEntrySerializer
    pagination_class = KeysetPagination
    keyset_orderings = {"-entry_no": ("-entry_no",)}
    lookup_field = "entry_no"
    lookup_value_regex = "[0-9]{1,18}"
    required_permissions: ClassVar[dict[str, list[str]]] = {
        "list": [VIEW_ENTRY],
        "retrieve": [VIEW_ENTRY],
        "resume": [ADD_ENTRY],
        "destroy": [ADD_ENTRY],
    }

    def get_queryset(self) -> QuerySet[InteractionLogEntry]:
        if getattr(self, "swagger_fake_view", False):
            return InteractionLogEntry.objects.none()
        return (
            InteractionLogEntry.objects.postponed()
            .filter(logged_by=self.request.user)
            .select_related(*ENTRY_RELATED)
        )

    @extend_schema(
        request=ResumeInteractionSerializer, responses=InteractionLogEntrySerializer
    )
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, entry_no: str) -> Response:
        """Finish the interaction (it keeps its entry number), or with
        ``postpone`` save the changes and keep it postponed."""
        entry = self.get_object()
        serializer = ResumeInteractionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = resume_interaction(
            actor=user_or_none(request.user), entry=entry, **serializer.validated_data
        )
        return Response(entry_data(entry))

    def destroy(self, request: Request, entry_no: str) -> Response:
        """Delete the postponed interaction directly (no cancel step)."""
        entry = self.get_object()
        delete_postponed_entries(
            actor=user_or_none(request.user),
            entries=InteractionLogEntry.objects.filter(pk=entry.pk),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
