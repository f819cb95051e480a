"""Segments in the API: ``segments/`` and ``segments/{no}/lines/`` (DOMAIN §5).

A segment is a worksheet of contacts until it is logged: its header, its
lines (one per contact, personalised by hand or by the criteria actions, which
go-back undoes), and logging — one entry per line, all or nothing; a large
segment is logged by a background job.
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from interactions.api.common import CHANGE_SEGMENT, VIEW_SEGMENT, CountSerializer
from interactions.api.logged_segments import (
    logged_segment_data,
)
from interactions.api.segments.serializers import (
    AddContactsSerializer,
    AddContactToSegmentSerializer,
    ApplyMailingGroupSerializer,
    CriteriaOutcomeSerializer,
    LogResultSerializer,
    LogSegmentSerializer,
    MailingGroupOutcomeSerializer,
    ReduceContactsSerializer,
    ReuseCriteriaSerializer,
    ReuseLoggedSegmentSerializer,
    SaveCriteriaSerializer,
    SavedCriteriaSerializer,
    SegmentContentSerializer,
    SegmentHeaderSerializer,
    SegmentLineSerializer,
    SegmentSerializer,
    UpdateSegmentHeaderSerializer,
    UpdateSegmentLineSerializer,
)
from interactions.models import LoggedSegment, Segment, SegmentLine
from interactions.selectors.logged_segments import log_outcome
from interactions.selectors.segments import CriteriaOutcome
from interactions.services.jobs import runs_in_background
from interactions.services.segments import (
    add_contact_to_segment,
    add_contacts,
    create_segment,
    delete_segment,
    go_back,
    log_segment,
    reduce_contacts,
    refine_contacts,
    remove_contact_from_segment,
    reuse_criteria,
    reuse_logged_segment,
    save_criteria,
    start_log_segment_job,
    update_segment_header,
    update_segment_line,
)
from interactions.services.segments.header import set_segment_content
from interactions.services.segments.utilities import apply_mailing_group
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.api.errors import UNPROCESSABLE, conflict_on_refusal
from interactions_crm.platform.api.idempotency import idempotent
from interactions_crm.platform.api.jobs import BackgroundJobSerializer, job_response
from interactions_crm.platform.api.pagination import KeysetPagination
from interactions_crm.platform.api.responses import created
from interactions_crm.platform.api.throttling import BulkThrottleMixin


class SegmentViewSet(
    BulkThrottleMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Segment],
):
    """Segments (worksheets of contacts) by number, until they are logged."""

    serializer_class = SegmentSerializer
    pagination_class = KeysetPagination
    keyset_orderings = {"-no": ("-no",)}
    lookup_field = "no"
    lookup_value_regex = "[^/]+"
    bulk_actions = frozenset({"log"})
    required_permissions: ClassVar[dict[str, list[str]]] = {
        "add_contacts": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "reduce_contacts": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "refine_contacts": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "go_back": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "reuse_logged_segment": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "save_criteria": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "contents": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "reuse_criteria": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "apply_mailing_group": [VIEW_SEGMENT, CHANGE_SEGMENT],
        "log": [VIEW_SEGMENT, "interactions.log_segment"],
    }

    def get_queryset(self) -> QuerySet[Segment]:
        return Segment.objects.select_related(
            "salesperson", "campaign", "template", "created_by"
        ).annotate(line_count=Count("lines"))

    def _data(self, segment: Segment) -> dict[str, Any]:
        return SegmentSerializer(self.get_queryset().get(pk=segment.pk)).data

    @extend_schema(request=SegmentHeaderSerializer, responses={201: SegmentSerializer})
    @idempotent
    def create(self, request: Request) -> Response:
        """Create a segment; its number comes from the number series."""
        serializer = SegmentHeaderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        segment = create_segment(
            actor=user_or_none(request.user), **serializer.validated_data
        )
        return created(self, self._data(segment))

    def _update(self, request: Request, *, partial: bool) -> Response:
        segment = self.get_object()
        serializer = UpdateSegmentHeaderSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(serializer.validated_data)
        update_segment_header(
            actor=user_or_none(request.user),
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
        delete_segment(actor=user_or_none(request.user), segment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- Criteria actions --------------------------------------------------------

    @staticmethod
    def _criteria(data: dict[str, Any]) -> dict[str, Any]:
        return {
            name: value
            for name, value in data.pop("criteria").items()
            if value not in (None, "")
        }

    @extend_schema(request=AddContactsSerializer, responses=CriteriaOutcomeSerializer)
    @action(detail=True, methods=["post"], url_path="add-contacts")
    def add_contacts(self, request: Request, no: str) -> Response:
        """Add a line for every contact matching the criteria."""
        return self._criteria_action(request, AddContactsSerializer, add_contacts)

    @extend_schema(
        request=ReduceContactsSerializer, responses=CriteriaOutcomeSerializer
    )
    @action(detail=True, methods=["post"], url_path="reduce-contacts")
    def reduce_contacts(self, request: Request, no: str) -> Response:
        """Remove the lines whose contact matches the criteria."""
        return self._criteria_action(request, ReduceContactsSerializer, reduce_contacts)

    @extend_schema(
        request=ReduceContactsSerializer, responses=CriteriaOutcomeSerializer
    )
    @action(detail=True, methods=["post"], url_path="refine-contacts")
    def refine_contacts(self, request: Request, no: str) -> Response:
        """Remove the lines whose contact does not match the criteria."""
        return self._criteria_action(request, ReduceContactsSerializer, refine_contacts)

    def _criteria_action(
        self,
        request: Request,
        serializer_class: type[AddContactsSerializer | ReduceContactsSerializer],
        service: Callable[..., CriteriaOutcome],
    ) -> Response:
        """Run one criteria action with the validated criteria and options.

        The answer counts what it did by reason. "Add contacts" without any
        criterion is refused unless ``confirm_all`` is true.
        """
        segment = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(serializer.validated_data)
        criteria = self._criteria(values)
        if "confirm_all" in values and not criteria and not values["confirm_all"]:
            raise ValidationError(
                {
                    "confirm_all": [
                        ValidationError(
                            _(
                                "No criterion is given: this adds every contact. "
                                'Send "confirm_all": true to add them all.'
                            ),
                            code=UNPROCESSABLE,  # depends on the other fields: 422
                        )
                    ]
                },
            )
        outcome = service(
            segment=segment,
            actor=user_or_none(request.user),
            criteria=criteria,
            **values,
        )
        return Response(outcome.as_data())

    @extend_schema(request=None, responses=CountSerializer)
    @action(detail=True, methods=["post"], url_path="go-back")
    def go_back(self, request: Request, no: str) -> Response:
        """Undo the last criteria action exactly; 409 when there is none."""
        segment = self.get_object()
        with conflict_on_refusal():
            count = go_back(segment=segment, actor=user_or_none(request.user))
        return Response({"count": count})

    @extend_schema(
        request=ReuseLoggedSegmentSerializer, responses=CriteriaOutcomeSerializer
    )
    @action(detail=True, methods=["post"], url_path="reuse-logged-segment")
    def reuse_logged_segment(self, request: Request, no: str) -> Response:
        """Add the contacts of a logged segment."""
        segment = self.get_object()
        serializer = ReuseLoggedSegmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = reuse_logged_segment(
            segment=segment,
            actor=user_or_none(request.user),
            **serializer.validated_data,
        )
        return Response(outcome.as_data())

    # --- Content per language ----------------------------------------------------

    @extend_schema(
        methods=["GET"],
        operation_id="segments_contents_list",
        request=None,
        responses=SegmentContentSerializer(many=True),
    )
    @extend_schema(
        methods=["PUT"],
        operation_id="segments_contents_update",
        request=SegmentContentSerializer,
        responses=SegmentContentSerializer,
    )
    @action(
        detail=True,
        methods=["get", "put"],
        url_path="contents",
        pagination_class=None,  # all languages at once, as the schema says
    )
    def contents(self, request: Request, no: str) -> Response:
        """The segment's content per language; PUT sets one language's.

        Copied from the template when it is chosen; changing it here never
        changes the template. Each line is sent the content of its language,
        else of the segment's default language.
        """
        segment = self.get_object()
        if request.method == "GET":
            return Response(
                SegmentContentSerializer(segment.contents.all(), many=True).data
            )
        serializer = SegmentContentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        content = set_segment_content(
            actor=user_or_none(request.user),
            segment=segment,
            language=serializer.validated_data.get("language", ""),
            subject=serializer.validated_data.get("subject", ""),
            body=serializer.validated_data.get("body", ""),
        )
        return Response(SegmentContentSerializer(content).data)

    # --- Saved criteria ----------------------------------------------------------

    @extend_schema(
        request=SaveCriteriaSerializer, responses={201: SavedCriteriaSerializer}
    )
    @action(detail=True, methods=["post"], url_path="save-criteria")
    def save_criteria(self, request: Request, no: str) -> Response:
        """Store the segment's criteria actions, in order, under a code."""
        segment = self.get_object()
        serializer = SaveCriteriaSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Refused for the segment's state (no criteria actions) or a code
        # that is taken: 409 either way.
        with conflict_on_refusal():
            saved = save_criteria(
                segment=segment,
                actor=user_or_none(request.user),
                **serializer.validated_data,
            )
        # Saved criteria have no endpoint of their own; they are reused on a
        # segment (reuse-criteria), so Location names that operation.
        return created(
            self,
            SavedCriteriaSerializer(saved).data,
            location=self.reverse_action("reuse-criteria", kwargs={"no": segment.no}),
        )

    @extend_schema(request=ReuseCriteriaSerializer, responses=CriteriaOutcomeSerializer)
    @action(detail=True, methods=["post"], url_path="reuse-criteria")
    def reuse_criteria(self, request: Request, no: str) -> Response:
        """Replay saved criteria on this segment; what the actions did, by reason.

        A segment with lines or criteria actions is refused unless
        ``replace`` is true: reusing criteria replaces them."""
        segment = self.get_object()
        serializer = ReuseCriteriaSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = reuse_criteria(
            segment=segment,
            actor=user_or_none(request.user),
            saved=serializer.validated_data["code"],
            replace=serializer.validated_data["replace"],
        )
        return Response(outcome.as_data())

    # --- Utilities ---------------------------------------------------------------

    @extend_schema(
        request=ApplyMailingGroupSerializer, responses=MailingGroupOutcomeSerializer
    )
    @action(detail=True, methods=["post"], url_path="apply-mailing-group")
    def apply_mailing_group(self, request: Request, no: str) -> Response:
        """Make the segment's contacts members of a mailing group (NAV's Apply
        Mailing Group); ``remove_others`` first removes the group's members
        that are not in the segment. The answer counts what it did."""
        segment = self.get_object()
        serializer = ApplyMailingGroupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = apply_mailing_group(
            segment=segment,
            actor=user_or_none(request.user),
            **serializer.validated_data,
        )
        return Response(outcome.as_data())

    # --- Logging -----------------------------------------------------------------

    @extend_schema(
        request=LogSegmentSerializer,
        responses={201: LogResultSerializer, 202: BackgroundJobSerializer},
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def log(self, request: Request, no: str) -> Response:
        """Log the segment: one entry per line, all or nothing; the segment is
        then gone. The answer names the logged segment (its number and
        address, the address of its entries) and the follow-up segment."""
        segment = self.get_object()
        serializer = LogSegmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = user_or_none(request.user)
        # Every refusal of logging is about the segment's state (no
        # description, no lines, lines that cannot be logged), never about
        # the body the schema checked: 409.
        with conflict_on_refusal():
            if runs_in_background(segment.lines.count()):
                job = start_log_segment_job(
                    segment=segment, actor=actor, **serializer.validated_data
                )
                return job_response(request, job)
            logged = log_segment(
                segment=segment, actor=actor, **serializer.validated_data
            )
        data = log_result_data(request, logged)
        return created(self, data, location=data["url"])


def log_result_data(request: Request, logged: LoggedSegment) -> dict[str, Any]:
    """The logged segment as answered, with its address and the follow-up's."""
    follow_up_no = log_outcome(logged).get("follow_up") or ""
    follow_up = (
        {
            "no": follow_up_no,
            "url": request.build_absolute_uri(
                reverse("api:segment-detail", kwargs={"no": follow_up_no})
            ),
        }
        if follow_up_no
        else None
    )
    entries = reverse("api:interaction-list")
    return {
        **logged_segment_data(logged),
        "url": request.build_absolute_uri(
            reverse("api:logged-segment-detail", kwargs={"pk": logged.pk})
        ),
        "entries_url": request.build_absolute_uri(
            f"{entries}?logged_segment={logged.pk}"
        ),
        "follow_up_segment": follow_up,
    }


class SegmentLineViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[SegmentLine],
):
    """A segment's lines: add or remove a contact by hand, personalise a line."""

    serializer_class = SegmentLineSerializer
    pagination_class = KeysetPagination
    keyset_orderings = {"id": ("id",)}
    lookup_value_regex = "[0-9]{1,18}"
    required_permissions: ClassVar[dict[str, list[str]]] = {
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

    def _data(self, line: SegmentLine) -> dict[str, Any]:
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
            segment=segment,
            actor=user_or_none(request.user),
            **serializer.validated_data,
        )
        return created(
            self,
            self._data(line),
            location=self.reverse_action(
                "detail", kwargs={"segment_no": segment.no, "pk": line.pk}
            ),
        )

    def _update(self, request: Request, *, partial: bool) -> Response:
        line = self.get_object()
        serializer = UpdateSegmentLineSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        update_segment_line(
            actor=user_or_none(request.user), line=line, **serializer.validated_data
        )
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
            segment=line.segment,
            actor=user_or_none(request.user),
            contact=line.contact,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
