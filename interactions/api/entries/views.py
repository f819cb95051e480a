"""The interaction log in the API: ``interactions/`` and a contact's timeline.

List (keyset pages, the staff page's filters), read, create, delete a canceled
entry; per entry cancel, un-cancel, evaluate, comments; for a selection switch
canceled and evaluate; delete canceled entries by filter (DOMAIN §6.4, a
background job when large). Each action calls one service.
"""

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from contacts.models import Contact
from interactions.api.common import (
    CANCEL_ENTRY,
    DELETE_CANCELED_ENTRY,
    EVALUATE_ENTRY,
    VIEW_ENTRY,
    CountSerializer,
)
from interactions.api.entries.lean_json import lean_list
from interactions.api.entries.serializers import (
    GONE,
    AddCommentSerializer,
    BulkEvaluateSerializer,
    CancelEntriesSerializer,
    CreateInteractionSerializer,
    DeleteCanceledEntriesSerializer,
    DeleteCanceledResultSerializer,
    EntryCommentSerializer,
    EvaluateEntriesSerializer,
    InteractionLogEntrySerializer,
    SwitchCanceledSerializer,
    entries,
    entry_data,
)
from interactions.filters import EntryFilterSet
from interactions.models import EntryComment, InteractionLogEntry
from interactions.services import (
    CanceledEntryFilter,
    add_comment,
    cancel_entries,
    create_interaction,
    delete_canceled_entries,
    evaluate_entries,
    switch_canceled,
    uncancel_entries,
)
from interactions.services.delete_canceled import (
    DeletePreview,
    delete_previewed,
    preview_delete_canceled,
)
from interactions.services.jobs import runs_in_background
from interactions.services.ledger import (
    SwitchIntent,
    deleted_message,
    start_delete_canceled_job,
)
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.api.errors import Conflict, conflict_on_refusal
from interactions_crm.platform.api.idempotency import idempotent
from interactions_crm.platform.api.jobs import BackgroundJobSerializer, job_response
from interactions_crm.platform.api.pagination import KeysetPagination
from interactions_crm.platform.api.responses import created
from interactions_crm.platform.api.throttling import BulkThrottleMixin

ENTRY_ORDERINGS = {"-date": ("-date", "-entry_no"), "entry_no": ("entry_no",)}


class InteractionViewSet(
    BulkThrottleMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[InteractionLogEntry],
):
    """The interaction log: every entry that is not postponed, newest first.

    ``?ordering=entry_no`` pages in entry-number order instead, for
    integrators that follow the log.
    """

    serializer_class = InteractionLogEntrySerializer
    filterset_class = EntryFilterSet
    pagination_class = KeysetPagination
    keyset_orderings = ENTRY_ORDERINGS
    lookup_field = "entry_no"
    lookup_value_regex = "[0-9]{1,18}"
    bulk_actions = frozenset({"delete_canceled"})
    required_permissions: ClassVar[dict[str, list[str]]] = {
        # What GET needs anyway; declared, the check builds no queryset.
        "list": [VIEW_ENTRY],
        "cancel": [VIEW_ENTRY, CANCEL_ENTRY],
        "uncancel": [VIEW_ENTRY, CANCEL_ENTRY],
        "switch_canceled": [CANCEL_ENTRY],
        "evaluate": [VIEW_ENTRY, EVALUATE_ENTRY],
        "evaluate_selection": [EVALUATE_ENTRY],
        "comments": [VIEW_ENTRY, "interactions.view_entrycomment"],
        "add_comment": [VIEW_ENTRY, "interactions.add_entrycomment"],
        "destroy": [DELETE_CANCELED_ENTRY],
        "delete_canceled": [DELETE_CANCELED_ENTRY],
    }

    def get_queryset(self) -> QuerySet[InteractionLogEntry]:
        return entries()

    @extend_schema(
        request=CreateInteractionSerializer,
        responses={201: InteractionLogEntrySerializer},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        """Record a manual interaction (DOMAIN §4.1–4.3); ``postpone`` saves it
        unfinished (it then appears under postponed-interactions)."""
        serializer = CreateInteractionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = create_interaction(
            actor=user_or_none(request.user), **serializer.validated_data
        )
        return created(self, entry_data(entry))

    def destroy(self, request: Request, entry_no: str) -> Response:
        """Delete one canceled entry (with its comments); 409 when not canceled."""
        entry = self.get_object()
        one = CanceledEntryFilter(entry_no_from=entry.pk, entry_no_to=entry.pk)
        if not delete_canceled_entries(actor=user_or_none(request.user), filters=one):
            if not InteractionLogEntry.objects.filter(pk=entry.pk).exists():
                raise NotFound(GONE)
            raise Conflict(
                {
                    "canceled": [
                        _(
                            "Only canceled interaction log entries can be deleted. "
                            "Cancel it first."
                        )
                    ]
                }
            )
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- One entry ---------------------------------------------------------------

    def _selection(self) -> QuerySet[InteractionLogEntry]:
        return InteractionLogEntry.objects.filter(pk=self.get_object().pk)

    @staticmethod
    def _answer(selection: QuerySet[InteractionLogEntry]) -> Response:
        """The entry as it is now; 404 when another request deleted it."""
        pk = selection.values_list("pk", flat=True).first()
        if pk is None:
            raise NotFound(GONE)
        return Response(entry_data(pk))

    @extend_schema(
        request=CancelEntriesSerializer, responses=InteractionLogEntrySerializer
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, entry_no: str) -> Response:
        """Mark the entry canceled (always allowed; records who, when, why)."""
        selection = self._selection()
        serializer = CancelEntriesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cancel_entries(
            actor=user_or_none(request.user),
            entries=selection,
            reason=serializer.validated_data.get("reason", ""),
        )
        return self._answer(selection)

    @extend_schema(request=None, responses=InteractionLogEntrySerializer)
    @action(detail=True, methods=["post"])
    def uncancel(self, request: Request, entry_no: str) -> Response:
        """Remove the canceled mark; 409 while its logged segment is canceled."""
        selection = self._selection()
        with conflict_on_refusal():
            uncancel_entries(actor=user_or_none(request.user), entries=selection)
        return self._answer(selection)

    @extend_schema(
        request=EvaluateEntriesSerializer, responses=InteractionLogEntrySerializer
    )
    @action(detail=True, methods=["post"])
    def evaluate(self, request: Request, entry_no: str) -> Response:
        """Set the entry's evaluation (canceled entries too)."""
        selection = self._selection()
        serializer = EvaluateEntriesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evaluate_entries(
            actor=user_or_none(request.user),
            entries=selection,
            evaluation=serializer.validated_data["evaluation"],
        )
        return self._answer(selection)

    @extend_schema(responses=EntryCommentSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        pagination_class=KeysetPagination,
        keyset_orderings={"id": ("id",)},
        filterset_class=None,
    )
    def comments(self, request: Request, entry_no: str) -> Response:
        """The entry's comment lines, oldest first."""
        entry = self.get_object()
        comments = EntryComment.objects.filter(entry=entry).select_related("author")
        # The action's paginator (see @action), asked directly: the viewset's
        # own paginate_queryset is typed for entries, this pages comments.
        paginator = self.paginator
        assert paginator is not None
        page = paginator.paginate_queryset(comments, request, view=self)
        return paginator.get_paginated_response(
            EntryCommentSerializer(page, many=True).data
        )

    @extend_schema(
        request=AddCommentSerializer, responses={201: EntryCommentSerializer}
    )
    @comments.mapping.post
    @idempotent
    def add_comment(self, request: Request, entry_no: str) -> Response:
        """Add a comment line to the entry."""
        entry = self.get_object()
        serializer = AddCommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = add_comment(
            actor=user_or_none(request.user), entry=entry, **serializer.validated_data
        )
        # Comments have no URL of their own: Location is the entry's comments.
        return created(
            self,
            EntryCommentSerializer(comment).data,
            location=self.reverse_action("comments", kwargs={"entry_no": entry_no}),
        )

    # --- A selection of entries ------------------------------------------------

    @staticmethod
    def _selected(entry_nos: list[int]) -> QuerySet[InteractionLogEntry]:
        return InteractionLogEntry.objects.visible().filter(entry_no__in=entry_nos)

    @extend_schema(request=SwitchCanceledSerializer, responses=CountSerializer)
    @action(detail=False, methods=["post"], url_path="switch-canceled")
    def switch_canceled(self, request: Request) -> Response:
        """NAV's "switch checkmark in canceled": every selected entry gets the
        opposite of the first one's state (the lowest entry number).

        Send ``canceled`` (the state you mean to set) so that a selection
        another user switched meanwhile is refused (409) instead of switched
        back."""
        serializer = SwitchCanceledSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = serializer.validated_data.get("canceled")
        with conflict_on_refusal():
            count = switch_canceled(
                actor=user_or_none(request.user),
                entries=self._selected(serializer.validated_data["entry_nos"]),
                reason=serializer.validated_data.get("reason", ""),
                expected=None if target is None else SwitchIntent(target=target),
            )
        return Response({"count": count})

    @extend_schema(request=BulkEvaluateSerializer, responses=CountSerializer)
    @action(detail=False, methods=["post"], url_path="evaluate")
    def evaluate_selection(self, request: Request) -> Response:
        """Set the evaluation of every selected entry."""
        serializer = BulkEvaluateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = evaluate_entries(
            actor=user_or_none(request.user),
            entries=self._selected(serializer.validated_data["entry_nos"]),
            evaluation=serializer.validated_data["evaluation"],
        )
        return Response({"count": count})

    @extend_schema(
        request=DeleteCanceledEntriesSerializer,
        responses={
            200: DeleteCanceledResultSerializer,
            202: OpenApiResponse(
                BackgroundJobSerializer,
                description="Too many entries to delete at once: a background "
                "job does it; poll its Location (jobs/{id}/).",
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="delete-canceled")
    def delete_canceled(self, request: Request) -> Response:
        """Delete canceled entries matching the filters (DOMAIN §6.4).

        ``dry_run`` (default true) only counts them. Large runs return 202 with
        a background job.
        """
        serializer = DeleteCanceledEntriesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(serializer.validated_data)
        dry_run = values.pop("dry_run")
        token = values.pop("intent", None)
        filters = CanceledEntryFilter(**values)
        actor = user_or_none(request.user)
        if dry_run:
            preview = preview_delete_canceled(filters=filters)
            message = ngettext(
                "%(count)d interaction log entry would be deleted.",
                "%(count)d interaction log entries would be deleted.",
                preview.count,
            ) % {"count": preview.count}
            return Response(
                {
                    "dry_run": True,
                    "count": preview.count,
                    "message": message,
                    "intent": preview.seal(filters),
                    "last_entry_no": preview.last_entry_no,
                }
            )
        if token is None:
            return self._delete_unpreviewed(request, filters)
        with conflict_on_refusal():
            preview = DeletePreview.unseal(token, filters=filters)
        if runs_in_background(preview.count):
            job = start_delete_canceled_job(
                actor=actor, filters=filters, preview=preview
            )
            return job_response(request, job)
        outcome = delete_previewed(actor=actor, filters=filters, preview=preview)
        return Response(
            {
                "dry_run": False,
                "count": outcome.deleted,
                "message": " ".join(outcome.messages()),
                **outcome.to_result(),
            }
        )

    def _delete_unpreviewed(
        self, request: Request, filters: CanceledEntryFilter
    ) -> Response:
        """A run without a dry run's ``intent``: what matches now (as before)."""
        actor = user_or_none(request.user)
        count = delete_canceled_entries(actor=actor, filters=filters, dry_run=True)
        if runs_in_background(count):
            job = start_delete_canceled_job(actor=actor, filters=filters)
            return job_response(request, job)
        count = delete_canceled_entries(actor=actor, filters=filters)
        return Response(
            {"dry_run": False, "count": count, "message": deleted_message(count)}
        )

    # Last in the class: the method's name shadows the builtin in the body.
    def list(self, request: Request) -> Response:
        # No docstring: the class's describes the operation in the schema.
        return lean_list(self, self.get_queryset())


class ContactInteractionViewSet(
    mixins.ListModelMixin, viewsets.GenericViewSet[InteractionLogEntry]
):
    """A contact's timeline: a company's includes its persons' entries."""

    serializer_class = InteractionLogEntrySerializer
    filterset_class = EntryFilterSet
    pagination_class = KeysetPagination
    keyset_orderings = {"-date": ("-date", "-entry_no")}
    required_permissions: ClassVar[dict[str, list[str]]] = {
        "list": ["contacts.view_contact", VIEW_ENTRY]
    }

    def get_queryset(self) -> QuerySet[InteractionLogEntry]:
        if getattr(self, "swagger_fake_view", False):
            return InteractionLogEntry.objects.none()
        # Its type and key are all the timeline needs of the contact.
        contacts = Contact.objects.only("pk", "type")
        contact = get_object_or_404(contacts, no=self.kwargs["contact_no"])
        return entries().for_contact(contact)

    def list(self, request: Request, contact_no: str) -> Response:
        # No docstring: the class's describes the operation in the schema.
        return lean_list(self, self.get_queryset())
