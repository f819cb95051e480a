"""REST API of the interactions app (DESIGN.md §4.3).

Every view is thin: it parses input with a serializer named after the service
it feeds, calls that one service, and answers with an output serializer. No
view writes a domain row itself. Lists page with keyset cursors (never a
``COUNT(*)`` over the log); permissions are model permissions plus the custom
ones (``required_permissions`` per action, see
``interactions_crm.platform.api.permissions``).
"""

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from contacts.models import (
    BusinessRelation,
    Contact,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
    Salesperson,
)
from contacts.serializers import (
    BusinessRelationSerializer,
    IndustryGroupSerializer,
    JobResponsibilitySerializer,
    MailingGroupSerializer,
    SalespersonSerializer,
)
from interactions.filters import EntryFilterSet
from interactions.models import (
    Campaign,
    DocumentTemplateSetup,
    EntryComment,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    Segment,
    SegmentLine,
)
from interactions.serializers import (
    ENTRY_RELATED,
    AddCommentSerializer,
    AddContactsSerializer,
    AddContactToSegmentSerializer,
    BackgroundJobSerializer,
    BulkEvaluateSerializer,
    CampaignSerializer,
    CancelEntriesSerializer,
    CountSerializer,
    CreateInteractionSerializer,
    DeleteCanceledEntriesSerializer,
    DeleteCanceledResultSerializer,
    DocumentEventResultSerializer,
    DocumentTemplateSetupSerializer,
    EntryCommentSerializer,
    EvaluateEntriesSerializer,
    InteractionGroupSerializer,
    InteractionLogEntrySerializer,
    InteractionTemplateSerializer,
    LoggedSegmentSelectionSerializer,
    LoggedSegmentSerializer,
    LogSegmentSerializer,
    RecordDocumentSerializer,
    ReduceContactsSerializer,
    ResumeInteractionSerializer,
    ReuseLoggedSegmentSerializer,
    SegmentHeaderSerializer,
    SegmentLineSerializer,
    SegmentSerializer,
    SetDocumentTemplateSerializer,
    SwitchCanceledSerializer,
    UpdateSegmentHeaderSerializer,
    UpdateSegmentLineSerializer,
)
from interactions.services import (
    CanceledEntryFilter,
    add_comment,
    cancel_entries,
    create_interaction,
    delete_canceled_entries,
    delete_postponed_entries,
    evaluate_entries,
    record_document,
    resume_interaction,
    switch_canceled,
    uncancel_entries,
)
from interactions.services.jobs import runs_in_background
from interactions.services.ledger import deleted_message, start_delete_canceled_job
from interactions.services.masterdata import (
    create_campaign,
    delete_master_record,
    save_master_record,
)
from interactions.services.segments import (
    add_contact_to_segment,
    add_contacts,
    cancel_logged_segments,
    create_segment,
    delete_canceled_logged_segments,
    delete_segment,
    go_back,
    log_segment,
    logged_segments_with_counts,
    reduce_contacts,
    refine_contacts,
    remove_contact_from_segment,
    reuse_logged_segment,
    start_log_segment_job,
    uncancel_logged_segments,
    update_segment_header,
    update_segment_line,
)
from interactions.services.setup import document_setup_rows, set_document_template
from interactions_crm.platform.api.errors import Conflict, conflict_on_refusal
from interactions_crm.platform.api.idempotency import idempotent
from interactions_crm.platform.api.pagination import KeysetPagination
from interactions_crm.platform.models import BackgroundJob

ENTRY_ORDERINGS = {"-date": ("-date", "-entry_no"), "entry_no": ("entry_no",)}
VIEW_ENTRY = "interactions.view_interactionlogentry"
ADD_ENTRY = "interactions.add_interactionlogentry"
CANCEL_ENTRY = "interactions.cancel_interactionlogentry"
EVALUATE_ENTRY = "interactions.evaluate_interactionlogentry"
DELETE_CANCELED_ENTRY = "interactions.delete_canceled_interactionlogentry"
CHANGE_LOGGED_SEGMENT = "interactions.change_loggedsegment"
VIEW_SEGMENT = "interactions.view_segment"
CHANGE_SEGMENT = "interactions.change_segment"
BULK_SCOPE = "bulk"


def entries() -> QuerySet[InteractionLogEntry]:
    """The log (postponed entries excluded) with what the serializer shows."""
    return InteractionLogEntry.objects.visible().select_related(*ENTRY_RELATED)


def entry_data(entry: InteractionLogEntry) -> dict:
    """An entry as answered, read again with its related rows."""
    fresh = InteractionLogEntry.objects.select_related(*ENTRY_RELATED).get(pk=entry.pk)
    return InteractionLogEntrySerializer(fresh).data


def job_response(request: Request, job: BackgroundJob) -> Response:
    """202 with the job and where to poll it."""
    location = request.build_absolute_uri(
        reverse("api:job-detail", kwargs={"pk": job.pk})
    )
    return Response(
        BackgroundJobSerializer(job).data,
        status=status.HTTP_202_ACCEPTED,
        headers={"Location": location},
    )


class BulkThrottleMixin:
    """Rate-limit the long-running actions named in ``bulk_actions`` ("bulk")."""

    bulk_actions: frozenset[str] = frozenset()

    @property
    def throttle_scope(self) -> str | None:
        return (
            BULK_SCOPE if getattr(self, "action", None) in self.bulk_actions else None
        )


# --- Master data -----------------------------------------------------------------


class MasterDataViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List, read, create and change a master-data table by its business key.

    Writes go through ``save_master_record`` (validation and audit); the model
    permissions (add/change/delete) make them an administrator's.
    """

    pagination_class = KeysetPagination
    lookup_value_regex = "[^/]+"

    @property
    def keyset_orderings(self) -> dict[str, tuple[str, ...]]:
        return {self.lookup_field: (self.lookup_field,)}

    def get_queryset(self) -> QuerySet:
        return self.queryset.all()

    def perform_save(self, serializer: BaseSerializer, *, created: bool) -> Any:
        """Apply the validated values to the row and save it through the service."""
        instance = serializer.instance or serializer.Meta.model()
        changed = [
            name
            for name, value in serializer.validated_data.items()
            if created or getattr(instance, name) != value
        ]
        for name in changed:
            setattr(instance, name, serializer.validated_data[name])
        return save_master_record(
            actor=self.request.user,
            instance=instance,
            created=created,
            changed_fields=changed,
        )

    @idempotent
    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_save(serializer, created=True)
        return Response(
            self.get_serializer(instance).data, status=status.HTTP_201_CREATED
        )

    def _update(self, request: Request, *, partial: bool) -> Response:
        serializer = self.get_serializer(
            self.get_object(), data=request.data, partial=partial
        )
        serializer.is_valid(raise_exception=True)
        instance = self.perform_save(serializer, created=False)
        return Response(self.get_serializer(instance).data)

    def update(self, request: Request, **kwargs: Any) -> Response:
        return self._update(request, partial=False)

    def partial_update(self, request: Request, **kwargs: Any) -> Response:
        return self._update(request, partial=True)


class MasterDataDeleteMixin:
    """DELETE through ``delete_master_record``: refused (409) while in use."""

    def destroy(self, request: Request, **kwargs: Any) -> Response:
        instance = self.get_object()
        with conflict_on_refusal():
            delete_master_record(actor=request.user, instance=instance)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SalespersonViewSet(MasterDataDeleteMixin, MasterDataViewSet):
    """Salespeople by code."""

    queryset = Salesperson.objects.all()
    serializer_class = SalespersonSerializer
    lookup_field = "code"


class InteractionGroupViewSet(MasterDataDeleteMixin, MasterDataViewSet):
    """Interaction groups by code."""

    queryset = InteractionGroup.objects.all()
    serializer_class = InteractionGroupSerializer
    lookup_field = "code"


class InteractionTemplateViewSet(MasterDataDeleteMixin, MasterDataViewSet):
    """Interaction templates by code."""

    queryset = InteractionTemplate.objects.select_related("group", "campaign")
    serializer_class = InteractionTemplateSerializer
    lookup_field = "code"


class CampaignViewSet(MasterDataDeleteMixin, MasterDataViewSet):
    """Campaigns by number."""

    queryset = Campaign.objects.select_related("salesperson")
    serializer_class = CampaignSerializer
    lookup_field = "no"

    @idempotent
    def create(self, request: Request) -> Response:
        """Create a campaign; ``no`` comes from the number series unless given."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        campaign = create_campaign(actor=request.user, **serializer.validated_data)
        return Response(
            self.get_serializer(campaign).data, status=status.HTTP_201_CREATED
        )


class BusinessRelationViewSet(MasterDataDeleteMixin, MasterDataViewSet):
    """Business relation codes (CUST, VEND, PROS …)."""

    queryset = BusinessRelation.objects.all()
    serializer_class = BusinessRelationSerializer
    lookup_field = "code"


class JobResponsibilityViewSet(MasterDataDeleteMixin, MasterDataViewSet):
    queryset = JobResponsibility.objects.all()
    serializer_class = JobResponsibilitySerializer
    lookup_field = "code"


class IndustryGroupViewSet(MasterDataDeleteMixin, MasterDataViewSet):
    queryset = IndustryGroup.objects.all()
    serializer_class = IndustryGroupSerializer
    lookup_field = "code"


class MailingGroupViewSet(MasterDataDeleteMixin, MasterDataViewSet):
    queryset = MailingGroup.objects.all()
    serializer_class = MailingGroupSerializer
    lookup_field = "code"


class InteractionTemplateSetupViewSet(
    mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The document type → template mapping (one row per document type)."""

    queryset = DocumentTemplateSetup.objects.select_related("template")
    serializer_class = DocumentTemplateSetupSerializer
    lookup_field = "document_type"
    lookup_value_regex = "[a-z_]+"

    def list(self, request: Request) -> Response:
        """Every document type with its template (``null``: not recorded)."""
        rows = document_setup_rows()
        return Response(self.get_serializer(rows, many=True).data)

    def _update(self, request: Request) -> Response:
        row = self.get_object()
        serializer = SetDocumentTemplateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = set_document_template(
            actor=request.user,
            document_type=row.document_type,
            template=serializer.validated_data["template"],
        )
        return Response(self.get_serializer(row).data)

    @extend_schema(
        request=SetDocumentTemplateSerializer,
        responses=DocumentTemplateSetupSerializer,
    )
    def update(self, request: Request, document_type: str) -> Response:
        """Choose the template (no content of its own) or ``null``."""
        return self._update(request)

    @extend_schema(
        request=SetDocumentTemplateSerializer,
        responses=DocumentTemplateSetupSerializer,
    )
    def partial_update(self, request: Request, document_type: str) -> Response:
        return self._update(request)


# --- The log ---------------------------------------------------------------------


class InteractionViewSet(
    BulkThrottleMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
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
    required_permissions = {
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
        entry = create_interaction(actor=request.user, **serializer.validated_data)
        return Response(entry_data(entry), status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, entry_no: str) -> Response:
        """Delete one canceled entry (with its comments); 409 when not canceled."""
        entry = self.get_object()
        one = CanceledEntryFilter(entry_no_from=entry.pk, entry_no_to=entry.pk)
        if not delete_canceled_entries(actor=request.user, filters=one):
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

    def _selection(self) -> QuerySet[InteractionLogEntry]:
        return InteractionLogEntry.objects.filter(pk=self.get_object().pk)

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
            actor=request.user,
            entries=selection,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(entry_data(selection.get()))

    @extend_schema(request=None, responses=InteractionLogEntrySerializer)
    @action(detail=True, methods=["post"])
    def uncancel(self, request: Request, entry_no: str) -> Response:
        """Remove the canceled mark; 409 while its logged segment is canceled."""
        selection = self._selection()
        with conflict_on_refusal():
            uncancel_entries(actor=request.user, entries=selection)
        return Response(entry_data(selection.get()))

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
            actor=request.user,
            entries=selection,
            evaluation=serializer.validated_data["evaluation"],
        )
        return Response(entry_data(selection.get()))

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
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(EntryCommentSerializer(page, many=True).data)

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
            actor=request.user, entry=entry, **serializer.validated_data
        )
        return Response(
            EntryCommentSerializer(comment).data, status=status.HTTP_201_CREATED
        )

    @staticmethod
    def _selected(entry_nos: list[int]) -> QuerySet[InteractionLogEntry]:
        return InteractionLogEntry.objects.visible().filter(entry_no__in=entry_nos)

    @extend_schema(request=SwitchCanceledSerializer, responses=CountSerializer)
    @action(detail=False, methods=["post"], url_path="switch-canceled")
    def switch_canceled(self, request: Request) -> Response:
        """NAV's "switch checkmark in canceled": every selected entry gets the
        opposite of the first one's state (the lowest entry number)."""
        serializer = SwitchCanceledSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with conflict_on_refusal():
            count = switch_canceled(
                actor=request.user,
                entries=self._selected(serializer.validated_data["entry_nos"]),
                reason=serializer.validated_data.get("reason", ""),
            )
        return Response({"count": count})

    @extend_schema(request=BulkEvaluateSerializer, responses=CountSerializer)
    @action(detail=False, methods=["post"], url_path="evaluate")
    def evaluate_selection(self, request: Request) -> Response:
        """Set the evaluation of every selected entry."""
        serializer = BulkEvaluateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = evaluate_entries(
            actor=request.user,
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
        values = dict(serializer.validated_data)
        dry_run = values.pop("dry_run")
        filters = CanceledEntryFilter(**values)
        count = delete_canceled_entries(
            actor=request.user, filters=filters, dry_run=True
        )
        if dry_run:
            message = ngettext(
                "%(count)d interaction log entry would be deleted.",
                "%(count)d interaction log entries would be deleted.",
                count,
            ) % {"count": count}
            return Response({"dry_run": True, "count": count, "message": message})
        if runs_in_background(count):
            job = start_delete_canceled_job(actor=request.user, filters=filters)
            return job_response(request, job)
        count = delete_canceled_entries(actor=request.user, filters=filters)
        return Response(
            {"dry_run": False, "count": count, "message": deleted_message(count)}
        )


class ContactInteractionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A contact's timeline: a company's includes its persons' entries."""

    serializer_class = InteractionLogEntrySerializer
    filterset_class = EntryFilterSet
    pagination_class = KeysetPagination
    keyset_orderings = {"-date": ("-date", "-entry_no")}
    required_permissions = {"list": ["contacts.view_contact", VIEW_ENTRY]}

    def get_queryset(self) -> QuerySet[InteractionLogEntry]:
        if getattr(self, "swagger_fake_view", False):
            return InteractionLogEntry.objects.none()
        contact = get_object_or_404(Contact, no=self.kwargs["contact_no"])
        return entries().for_contact(contact)


class PostponedInteractionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The user's postponed (unfinished) interactions: resume or delete them."""

    serializer_class = InteractionLogEntrySerializer
    pagination_class = KeysetPagination
    keyset_orderings = {"-entry_no": ("-entry_no",)}
    lookup_field = "entry_no"
    lookup_value_regex = "[0-9]{1,18}"
    required_permissions = {
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
            actor=request.user, entry=entry, **serializer.validated_data
        )
        return Response(entry_data(entry))

    def destroy(self, request: Request, entry_no: str) -> Response:
        """Delete the postponed interaction directly (no cancel step)."""
        entry = self.get_object()
        delete_postponed_entries(
            actor=request.user,
            entries=InteractionLogEntry.objects.filter(pk=entry.pk),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentEventView(APIView):
    """Report a document (printed invoice, quote …) to have it recorded (§4.6)."""

    required_permissions = {"POST": [ADD_ENTRY]}

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
        values = dict(serializer.validated_data)
        contact_no = values.pop("contact_no", "")
        contact = Contact.objects.filter(no=contact_no).first() if contact_no else None
        if contact_no and contact is None:
            reason = _("No contact has the number %(no)s.") % {"no": contact_no}
            return Response(
                {"recorded": False, "created": False, "reason": reason, "entry": None}
            )
        result = record_document(actor=request.user, contact=contact, **values)
        body = {
            "recorded": result.recorded,
            "created": result.created,
            "reason": str(result.reason),
            "entry": entry_data(result.entry) if result.entry else None,
        }
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(body, status=code)


class BackgroundJobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Status and progress of a background job started through the API.

    Readable by the user who started it, and by users allowed to view jobs.
    """

    serializer_class = BackgroundJobSerializer
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    required_permissions = {"retrieve": []}

    def get_queryset(self) -> QuerySet[BackgroundJob]:
        jobs = BackgroundJob.objects.all()
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or user.has_perm(
            "platform.view_backgroundjob"
        ):
            return jobs
        return jobs.filter(actor=user)


# --- Logged segments -----------------------------------------------------------


class LoggedSegmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Logged segments with the number of their entries (DOMAIN §6.5)."""

    serializer_class = LoggedSegmentSerializer
    pagination_class = KeysetPagination
    keyset_orderings = {"-id": ("-id",)}
    required_permissions = {
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
            actor=request.user,
            logged_segments=selection,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=None, responses=LoggedSegmentSerializer)
    @action(detail=True, methods=["post"])
    def uncancel(self, request: Request, pk: str) -> Response:
        """Un-cancel it: only the entries its cancel canceled become active."""
        uncancel_logged_segments(actor=request.user, logged_segments=self._one())
        return Response(self.get_serializer(self.get_object()).data)

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
            actor=request.user, logged_segments=selection
        )
        return Response({"count": count})


# --- Segments ------------------------------------------------------------------


class SegmentViewSet(
    BulkThrottleMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Segments (worksheets of contacts) by number, until they are logged."""

    serializer_class = SegmentSerializer
    pagination_class = KeysetPagination
    keyset_orderings = {"-no": ("-no",)}
    lookup_field = "no"
    lookup_value_regex = "[^/]+"
    bulk_actions = frozenset({"log"})
    required_permissions = {
        "add_contacts": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "reduce_contacts": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "refine_contacts": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "go_back": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "reuse_logged_segment": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "log": [VIEW_SEGMENT, "interactions.log_segment"],
    }

    def get_queryset(self) -> QuerySet[Segment]:
        return Segment.objects.select_related(
            "salesperson", "campaign", "template", "created_by"
        ).annotate(line_count=Count("lines"))

    def _data(self, segment: Segment) -> dict:
        return SegmentSerializer(self.get_queryset().get(pk=segment.pk)).data

    @extend_schema(request=SegmentHeaderSerializer, responses={201: SegmentSerializer})
    @idempotent
    def create(self, request: Request) -> Response:
        """Create a segment; its number comes from the number series."""
        serializer = SegmentHeaderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        segment = create_segment(actor=request.user, **serializer.validated_data)
        return Response(self._data(segment), status=status.HTTP_201_CREATED)

    def _update(self, request: Request, *, partial: bool) -> Response:
        segment = self.get_object()
        serializer = UpdateSegmentHeaderSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        update_segment_header(
            actor=request.user,
            segment=segment,
            update_lines=values.pop("update_lines", False),
            **values,
        )
        return Response(self._data(segment))

    @extend_schema(request=UpdateSegmentHeaderSerializer, responses=SegmentSerializer)
    def update(self, request: Request, no: str) -> Response:
        """Change the header (fields not given stay as they are)."""
        return self._update(request, partial=False)

    @extend_schema(request=UpdateSegmentHeaderSerializer, responses=SegmentSerializer)
    def partial_update(self, request: Request, no: str) -> Response:
        return self._update(request, partial=True)

    def destroy(self, request: Request, no: str) -> Response:
        """Delete the segment (not logged yet) with its lines."""
        delete_segment(actor=request.user, segment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _criteria(data: dict[str, Any]) -> dict[str, Any]:
        return {
            name: value
            for name, value in data.pop("criteria").items()
            if value not in (None, "")
        }

    @extend_schema(request=AddContactsSerializer, responses=CountSerializer)
    @action(detail=True, methods=["post"], url_path="add-contacts")
    def add_contacts(self, request: Request, no: str) -> Response:
        """Add a line for every contact matching the criteria."""
        segment = self.get_object()
        serializer = AddContactsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        count = add_contacts(
            segment=segment,
            actor=request.user,
            criteria=self._criteria(values),
            **values,
        )
        return Response({"count": count})

    @extend_schema(request=ReduceContactsSerializer, responses=CountSerializer)
    @action(detail=True, methods=["post"], url_path="reduce-contacts")
    def reduce_contacts(self, request: Request, no: str) -> Response:
        """Remove the lines whose contact matches the criteria."""
        return self._remove(request, reduce_contacts)

    @extend_schema(request=ReduceContactsSerializer, responses=CountSerializer)
    @action(detail=True, methods=["post"], url_path="refine-contacts")
    def refine_contacts(self, request: Request, no: str) -> Response:
        """Remove the lines whose contact does not match the criteria."""
        return self._remove(request, refine_contacts)

    def _remove(self, request: Request, service: Any) -> Response:
        segment = self.get_object()
        serializer = ReduceContactsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        count = service(
            segment=segment,
            actor=request.user,
            criteria=self._criteria(values),
            **values,
        )
        return Response({"count": count})

    @extend_schema(request=None, responses=CountSerializer)
    @action(detail=True, methods=["post"], url_path="go-back")
    def go_back(self, request: Request, no: str) -> Response:
        """Undo the last criteria action exactly; 409 when there is none."""
        segment = self.get_object()
        with conflict_on_refusal():
            count = go_back(segment=segment, actor=request.user)
        return Response({"count": count})

    @extend_schema(request=ReuseLoggedSegmentSerializer, responses=CountSerializer)
    @action(detail=True, methods=["post"], url_path="reuse-logged-segment")
    def reuse_logged_segment(self, request: Request, no: str) -> Response:
        """Add the contacts of a logged segment."""
        segment = self.get_object()
        serializer = ReuseLoggedSegmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = reuse_logged_segment(
            segment=segment, actor=request.user, **serializer.validated_data
        )
        return Response({"count": count})

    @extend_schema(
        request=LogSegmentSerializer,
        responses={201: LoggedSegmentSerializer, 202: BackgroundJobSerializer},
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def log(self, request: Request, no: str) -> Response:
        """Log the segment: one entry per line, all or nothing; the segment is
        then gone and the logged segment is returned."""
        segment = self.get_object()
        serializer = LogSegmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if runs_in_background(segment.lines.count()):
            job = start_log_segment_job(
                segment=segment, actor=request.user, **serializer.validated_data
            )
            return job_response(request, job)
        logged = log_segment(
            segment=segment, actor=request.user, **serializer.validated_data
        )
        data = LoggedSegmentSerializer(
            logged_segments_with_counts().select_related("logged_by").get(pk=logged.pk)
        ).data
        return Response(data, status=status.HTTP_201_CREATED)


class SegmentLineViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A segment's lines: add or remove a contact by hand, personalise a line."""

    serializer_class = SegmentLineSerializer
    pagination_class = KeysetPagination
    keyset_orderings = {"id": ("id",)}
    lookup_value_regex = "[0-9]{1,18}"
    required_permissions = {
        "list": [VIEW_SEGMENT],
        "retrieve": [VIEW_SEGMENT],
        "create": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "update": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "partial_update": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "destroy": [VIEW_SEGMENT, CHANGE_SEGMENT],
    }

    def get_segment(self) -> Segment:
        return get_object_or_404(Segment, no=self.kwargs["segment_no"])

    def get_queryset(self) -> QuerySet[SegmentLine]:
        if getattr(self, "swagger_fake_view", False):
            return SegmentLine.objects.none()
        return SegmentLine.objects.filter(segment=self.get_segment()).select_related(
            "contact", "contact_company", "template", "salesperson", "campaign"
        )

    def _data(self, line: SegmentLine) -> dict:
        return SegmentLineSerializer(self.get_queryset().get(pk=line.pk)).data

    @extend_schema(
        request=AddContactToSegmentSerializer, responses={201: SegmentLineSerializer}
    )
    @idempotent
    def create(self, request: Request, segment_no: str) -> Response:
        """Add one contact by hand (a criteria action: go-back undoes it)."""
        segment = self.get_segment()
        serializer = AddContactToSegmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = add_contact_to_segment(
            segment=segment, actor=request.user, **serializer.validated_data
        )
        return Response(self._data(line), status=status.HTTP_201_CREATED)

    def _update(self, request: Request, *, partial: bool) -> Response:
        line = self.get_object()
        serializer = UpdateSegmentLineSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        update_segment_line(actor=request.user, line=line, **serializer.validated_data)
        return Response(self._data(line))

    @extend_schema(request=UpdateSegmentLineSerializer, responses=SegmentLineSerializer)
    def update(self, request: Request, segment_no: str, pk: str) -> Response:
        """Personalise the line (fields not given stay as they are)."""
        return self._update(request, partial=False)

    @extend_schema(request=UpdateSegmentLineSerializer, responses=SegmentLineSerializer)
    def partial_update(self, request: Request, segment_no: str, pk: str) -> Response:
        return self._update(request, partial=True)

    def destroy(self, request: Request, segment_no: str, pk: str) -> Response:
        """Remove the line's contact from the segment (all its lines; a
        criteria action: go-back undoes it)."""
        line = self.get_object()
        remove_contact_from_segment(
            segment=line.segment, actor=request.user, contact=line.contact
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
