"""Interaction master data in the API (DOMAIN §2): groups, templates,
campaigns, and which template records each document type — and their
statistics (DOMAIN §7: ``{resource}/{key}/statistics/``, also for salespeople).

Groups, templates and campaigns are master-data tables by business key
(``interactions_crm.platform.api.masterdata``) written through
``interactions.services.masterdata``: deleting one that interaction log
entries use is refused (409).
"""

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from contacts.models import Salesperson
from interactions.models import (
    Campaign,
    DocumentTemplateSetup,
    InteractionGroup,
    InteractionTemplate,
)
from interactions.selectors.statistics import date_range_error, statistics_of
from interactions.services.masterdata import (
    MASTER_DATA_WRITES,
    create_campaign,
)
from interactions.services.setup import document_setup_rows, set_document_template
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.api.errors import UNPROCESSABLE
from interactions_crm.platform.api.fields import (
    FixedKeyMixin,
    by_key,
    optional_by_key,
)
from interactions_crm.platform.api.idempotency import idempotent
from interactions_crm.platform.api.masterdata import DeletableMasterDataViewSet
from interactions_crm.platform.api.responses import created
from interactions_crm.platform.api.schema import refuses_unprocessable
from interactions_crm.platform.keys import key_validator

# --- Serializers -----------------------------------------------------------------


class InteractionGroupSerializer(
    FixedKeyMixin, serializers.ModelSerializer[InteractionGroup]
):
    class Meta:
        model = InteractionGroup
        fields = ("code", "description")


class CampaignSerializer(FixedKeyMixin, serializers.ModelSerializer[Campaign]):
    """A campaign; on create ``no`` comes from the number series unless given."""

    key_field = "no"
    no = serializers.CharField(
        max_length=20, required=False, validators=[key_validator]
    )
    salesperson = optional_by_key(Salesperson, "code")

    class Meta:
        model = Campaign
        fields = (
            "no",
            "description",
            "starting_date",
            "ending_date",
            "salesperson",
            "status",
        )

    def validate_no(self, value: str) -> str:
        clash = Campaign.objects.filter(no=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(
                _("A campaign with this number already exists."),
                code="unique",  # a duplicate key: 409
            )
        return value


class InteractionTemplateSerializer(
    FixedKeyMixin, serializers.ModelSerializer[InteractionTemplate]
):
    group = by_key(InteractionGroup, "code")
    campaign = optional_by_key(Campaign, "no")

    class Meta:
        model = InteractionTemplate
        fields = (
            "code",
            "group",
            "description",
            "unit_cost",
            "unit_duration",
            "information_flow",
            "initiated_by",
            "campaign",
            "campaign_target",
            "campaign_response",
            "correspondence_type",
            "ignore_contact_correspondence_type",
            "language",
            "wizard_action",
        )


class DocumentTemplateSetupSerializer(
    serializers.ModelSerializer[DocumentTemplateSetup]
):
    """Which template records a document type automatically (null: none)."""

    template = by_key(InteractionTemplate, "code", allow_null=True)

    class Meta:
        model = DocumentTemplateSetup
        fields = ("document_type", "template")
        read_only_fields = ("document_type",)


class SetDocumentTemplateSerializer(serializers.Serializer[Any]):
    """Input of ``interactions.services.setup.set_document_template``."""

    template = by_key(InteractionTemplate, "code", allow_null=True)


class QueryDateField(serializers.DateField):
    """A date in the query string; ``?date_to=`` is refused (400) like any value
    that is not a date, as the schema's ``format: date`` says.

    DRF reads an empty form value of an optional field as "not given"; the
    parameter is either absent or a date.
    """

    def get_value(self, dictionary: Any) -> Any:
        if dictionary.get(self.field_name, None) == "":
            return ""
        return super().get_value(dictionary)


class DateRangeSerializer(serializers.Serializer[Any]):
    """The statistics' optional date range (query parameters, both included)."""

    date_from = QueryDateField(
        required=False, help_text=_("Count entries dated on or after this date.")
    )
    date_to = QueryDateField(
        required=False, help_text=_("Count entries dated on or before this date.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Across two parameters: the schema cannot say it, so 422 (not 400).
        error = date_range_error(attrs.get("date_from"), attrs.get("date_to"))
        if error:
            raise serializers.ValidationError({"date_to": [error]}, code=UNPROCESSABLE)
        return attrs


def _total_field(help_text: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, help_text=help_text
    )


class StatisticsSerializer(serializers.Serializer[Any]):
    """Figures of the counted entries (neither canceled nor postponed, §7)."""

    date_from = serializers.DateField(allow_null=True, read_only=True)
    date_to = serializers.DateField(allow_null=True, read_only=True)
    count = serializers.IntegerField(
        read_only=True, help_text=_("Number of interactions.")
    )
    cost = _total_field(_("Total cost (LCY)."))
    duration = _total_field(_("Total duration in minutes."))


class CampaignStatisticsSerializer(StatisticsSerializer):
    """A campaign's figures: also the contacts it reached and that responded."""

    target_contacts_contacted = serializers.IntegerField(
        read_only=True,
        help_text=_("Distinct contacts with a campaign-target entry."),
    )
    contacts_responded = serializers.IntegerField(
        read_only=True,
        help_text=_("Distinct contacts with a campaign-response entry."),
    )


def statistics_response(request: Request, obj: Any) -> Response:
    """The figures of ``obj`` over the date range in the query (400 if invalid)."""
    dates = DateRangeSerializer(data=request.query_params)
    dates.is_valid(raise_exception=True)
    figures = statistics_of(obj, **dates.validated_data)
    figures.update(
        date_from=dates.validated_data.get("date_from"),
        date_to=dates.validated_data.get("date_to"),
    )
    output = (
        CampaignStatisticsSerializer
        if isinstance(obj, Campaign)
        else StatisticsSerializer
    )
    return Response(output(figures).data)


class StatisticsActionMixin:
    """``GET {key}/statistics/``: the row's figures (view permission of the row)."""

    get_object: Any

    @extend_schema(
        parameters=[DateRangeSerializer],
        responses=StatisticsSerializer,
        description=(
            "Number of interactions, total cost and total duration over the "
            "optional date range; canceled and postponed entries do not count."
        ),
    )
    @action(detail=True, methods=["get"], url_path="statistics")
    @refuses_unprocessable
    def statistics(self, request: Request, **kwargs: Any) -> Response:
        return statistics_response(request, self.get_object())


# --- Views -----------------------------------------------------------------------


class InteractionGroupViewSet(StatisticsActionMixin, DeletableMasterDataViewSet):
    """Interaction groups by code."""

    queryset = InteractionGroup.objects.all()
    serializer_class = InteractionGroupSerializer
    lookup_field = "code"
    writes = MASTER_DATA_WRITES


class InteractionTemplateViewSet(StatisticsActionMixin, DeletableMasterDataViewSet):
    """Interaction templates by code."""

    queryset = InteractionTemplate.objects.select_related("group", "campaign")
    serializer_class = InteractionTemplateSerializer
    lookup_field = "code"
    writes = MASTER_DATA_WRITES


class CampaignViewSet(DeletableMasterDataViewSet):
    """Campaigns by number."""

    queryset = Campaign.objects.select_related("salesperson")
    serializer_class = CampaignSerializer
    lookup_field = "no"
    writes = MASTER_DATA_WRITES

    @idempotent
    def create(self, request: Request) -> Response:
        """Create a campaign; ``no`` comes from the number series unless given."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        campaign = create_campaign(
            actor=user_or_none(request.user), **serializer.validated_data
        )
        return created(self, self.get_serializer(campaign).data)

    @extend_schema(
        parameters=[DateRangeSerializer],
        responses=CampaignStatisticsSerializer,
        description=(
            "Number of interactions, total cost and total duration, target "
            "contacts contacted and contacts responded over the optional date "
            "range; canceled and postponed entries do not count."
        ),
    )
    @action(detail=True, methods=["get"], url_path="statistics")
    @refuses_unprocessable
    def statistics(self, request: Request, no: str) -> Response:
        return statistics_response(request, self.get_object())


class InteractionTemplateSetupViewSet(
    mixins.RetrieveModelMixin, viewsets.GenericViewSet[DocumentTemplateSetup]
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
        if request.method == "PATCH" and "template" not in request.data:
            # A PATCH changes only what it names (the schema: nothing required).
            return Response(self.get_serializer(row).data)
        serializer = SetDocumentTemplateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = set_document_template(
            actor=user_or_none(request.user),
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


class SalespersonStatisticsView(generics.GenericAPIView[Salesperson]):
    """``salespeople/{code}/statistics/``: a salesperson's figures (§7).

    Served from this app (contacts does not know the interaction log); needs
    the salesperson's view permission like ``salespeople/{code}/``.
    """

    queryset = Salesperson.objects.all()
    serializer_class = StatisticsSerializer

    @extend_schema(
        operation_id="salesperson_statistics",
        parameters=[DateRangeSerializer],
        responses=StatisticsSerializer,
        description=(
            "Number of interactions, total cost and total duration over the "
            "optional date range; canceled and postponed entries do not count."
        ),
    )
    @refuses_unprocessable
    def get(self, request: Request, code: str) -> Response:
        return statistics_response(request, get_object_or_404(Salesperson, code=code))
