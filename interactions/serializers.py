"""REST API shapes of the interactions app (DESIGN.md §4.3).

Output serializers name every field and show related rows by their business
key (contact ``no``, template ``code`` …). Input serializers are named after
the service they feed and check only the shape of the input (types, lengths,
choices, that referenced rows exist); the domain rules live in the services,
whose ``ValidationError`` the API answers with the same per-field messages.
"""

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contacts.models import Contact, CorrespondenceType, Salesperson
from interactions.criteria import ContactCriteriaFilterSet
from interactions.models import (
    MINUTES,
    MONEY,
    Campaign,
    DocumentTemplateSetup,
    DocumentType,
    EntryComment,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    Segment,
    SegmentLine,
)
from interactions_crm.platform.api.fields import ClockTimeField, FixedKeyMixin, key_of
from interactions_crm.platform.models import BackgroundJob

MAX_BULK_ENTRIES = 1000


def _by_key(model_class: type, key: str, **kwargs: Any) -> serializers.Field:
    """A writable reference to ``model_class`` by its business key."""
    return serializers.SlugRelatedField(
        slug_field=key, queryset=model_class.objects.all(), **kwargs
    )


def _optional_by_key(model_class: type, key: str) -> serializers.Field:
    return _by_key(model_class, key, required=False, allow_null=True)


# --- Master data -----------------------------------------------------------------


class InteractionGroupSerializer(FixedKeyMixin, serializers.ModelSerializer):
    class Meta:
        model = InteractionGroup
        fields = ("code", "description")


class CampaignSerializer(FixedKeyMixin, serializers.ModelSerializer):
    """A campaign; on create ``no`` comes from the number series unless given."""

    key_field = "no"
    no = serializers.CharField(max_length=20, required=False)
    salesperson = _optional_by_key(Salesperson, "code")

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
                _("A campaign with this number already exists.")
            )
        return value


class InteractionTemplateSerializer(FixedKeyMixin, serializers.ModelSerializer):
    group = _by_key(InteractionGroup, "code")
    campaign = _optional_by_key(Campaign, "no")

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


class DocumentTemplateSetupSerializer(serializers.ModelSerializer):
    """Which template records a document type automatically (null: none)."""

    template = _by_key(InteractionTemplate, "code", allow_null=True)

    class Meta:
        model = DocumentTemplateSetup
        fields = ("document_type", "template")
        read_only_fields = ("document_type",)


class SetDocumentTemplateSerializer(serializers.Serializer):
    """Input of ``interactions.services.setup.set_document_template``."""

    template = _by_key(InteractionTemplate, "code", allow_null=True)


# --- The log -----------------------------------------------------------------


class InteractionLogEntrySerializer(serializers.ModelSerializer):
    """One interaction log entry (a ledger row, DOMAIN §3)."""

    contact = serializers.SlugRelatedField(slug_field="no", read_only=True)
    contact_company = key_of("no")
    template = serializers.SlugRelatedField(slug_field="code", read_only=True)
    group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    salesperson = key_of("code")
    campaign = key_of("no")
    logged_by = key_of("username")
    canceled_by = key_of("username")
    time = ClockTimeField(read_only=True, allow_null=True)
    # Blank for entries that record no document (the model's choices lack it).
    document_type = serializers.ChoiceField(
        choices=[("", _("(none)")), *DocumentType.choices], read_only=True
    )

    class Meta:
        model = InteractionLogEntry
        fields = (
            "entry_no",
            "contact",
            "contact_company",
            "date",
            "time",
            "description",
            "subject",
            "template",
            "group",
            "cost",
            "duration",
            "salesperson",
            "information_flow",
            "initiated_by",
            "attempt_failed",
            "evaluation",
            "correspondence_type",
            "delivery_status",
            "campaign",
            "campaign_target",
            "campaign_response",
            "segment_no",
            "logged_segment",
            "document_type",
            "document_no",
            "version_no",
            "doc_occurrence",
            "contact_via",
            "language",
            "opportunity_ref",
            "logged_by",
            "created_at",
            "canceled",
            "canceled_by",
            "canceled_at",
            "cancel_reason",
            "postponed",
        )
        read_only_fields = fields


ENTRY_RELATED = (
    "contact",
    "contact_company",
    "template",
    "group",
    "salesperson",
    "campaign",
    "logged_by",
    "canceled_by",
)


class InteractionValuesSerializer(serializers.Serializer):
    """The values of a manual interaction; omitted ones get their defaults (§4.1)."""

    date = serializers.DateField(required=False, allow_null=True)
    time = ClockTimeField(required=False, allow_null=True)
    description = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    subject = serializers.CharField(max_length=200, required=False, allow_null=True)
    salesperson = _optional_by_key(Salesperson, "code")
    campaign = _optional_by_key(Campaign, "no")
    campaign_target = serializers.BooleanField(required=False, allow_null=True)
    campaign_response = serializers.BooleanField(required=False, allow_null=True)
    cost = serializers.DecimalField(
        **MONEY, min_value=0, required=False, allow_null=True
    )
    duration = serializers.DecimalField(
        **MINUTES, min_value=0, required=False, allow_null=True
    )
    information_flow = serializers.ChoiceField(
        choices=InformationFlow.choices, required=False, allow_blank=True
    )
    initiated_by = serializers.ChoiceField(
        choices=InitiatedBy.choices, required=False, allow_blank=True
    )
    correspondence_type = serializers.ChoiceField(
        choices=CorrespondenceType.choices, required=False, allow_blank=True
    )
    language = serializers.CharField(max_length=10, required=False, allow_blank=True)
    evaluation = serializers.ChoiceField(
        choices=Evaluation.choices, required=False, allow_blank=True
    )
    attempt_failed = serializers.BooleanField(required=False)
    contact_via = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    opportunity_ref = serializers.CharField(
        max_length=40, required=False, allow_blank=True
    )
    body = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    comments = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, max_length=100
    )
    send = serializers.BooleanField(
        required=False, help_text="E-mail the content (e-mail correspondence only)."
    )


class CreateInteractionSerializer(InteractionValuesSerializer):
    """Input of ``interactions.services.create_interaction``."""

    contact = _by_key(Contact, "no")
    template = _by_key(InteractionTemplate, "code")
    postpone = serializers.BooleanField(
        required=False, help_text="Save it unfinished, as a postponed interaction."
    )


class ResumeInteractionSerializer(InteractionValuesSerializer):
    """Input of ``interactions.services.resume_interaction``: what to change."""

    contact = _by_key(Contact, "no", required=False)
    template = _by_key(InteractionTemplate, "code", required=False)
    postpone = serializers.BooleanField(
        required=False, help_text="Save the changes and keep it postponed."
    )


class CancelEntriesSerializer(serializers.Serializer):
    """Input of ``interactions.services.cancel_entries`` for one entry."""

    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class EvaluateEntriesSerializer(serializers.Serializer):
    """Input of ``interactions.services.evaluate_entries`` for one entry."""

    evaluation = serializers.ChoiceField(choices=Evaluation.choices[1:])


class EntrySelectionSerializer(serializers.Serializer):
    """A selection of entries by number, in the order the user selected them."""

    entry_nos = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=MAX_BULK_ENTRIES,
    )


class SwitchCanceledSerializer(EntrySelectionSerializer):
    """Input of ``interactions.services.switch_canceled``."""

    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class BulkEvaluateSerializer(EntrySelectionSerializer):
    """Input of ``interactions.services.evaluate_entries``."""

    evaluation = serializers.ChoiceField(choices=Evaluation.choices[1:])


class CountSerializer(serializers.Serializer):
    """How many entries a bulk action changed."""

    count = serializers.IntegerField()


class EntryCommentSerializer(serializers.ModelSerializer):
    author = key_of("username")

    class Meta:
        model = EntryComment
        fields = ("id", "date", "code", "text", "author", "created_at", "modified_at")
        read_only_fields = fields


class AddCommentSerializer(serializers.Serializer):
    """Input of ``interactions.services.add_comment``."""

    text = serializers.CharField(max_length=500)
    code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    date = serializers.DateField(required=False, allow_null=True)


class DeleteCanceledEntriesSerializer(serializers.Serializer):
    """Input of ``interactions.services.delete_canceled_entries``.

    Whatever the filters, only canceled entries are deleted. ``dry_run``
    (the default) only counts them.
    """

    entry_no_from = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True
    )
    entry_no_to = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True
    )
    contact = _optional_by_key(Contact, "no")
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)
    campaign = _optional_by_key(Campaign, "no")
    group = _optional_by_key(InteractionGroup, "code")
    template = _optional_by_key(InteractionTemplate, "code")
    salesperson = _optional_by_key(Salesperson, "code")
    dry_run = serializers.BooleanField(
        default=True,
        help_text="Only count the entries that would be deleted (the default).",
    )


class DeleteCanceledResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    count = serializers.IntegerField(
        help_text="Entries deleted, or that would be deleted in a dry run."
    )
    message = serializers.CharField()


class BackgroundJobSerializer(serializers.ModelSerializer):
    """Status and progress of a background job."""

    progress_percent = serializers.IntegerField(read_only=True)
    is_finished = serializers.BooleanField(read_only=True)

    class Meta:
        model = BackgroundJob
        fields = (
            "id",
            "kind",
            "status",
            "total",
            "done",
            "progress_percent",
            "is_finished",
            "message",
            "error",
            "result",
            "created_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = fields


# --- Document events (DOMAIN §4.6) -------------------------------------------


class RecordDocumentSerializer(serializers.Serializer):
    """Input of ``interactions.services.record_document``.

    Name the contact with exactly one of ``contact_no``, ``customer_no`` or
    ``vendor_no`` (the latter two through the contact's business relation).
    """

    document_type = serializers.ChoiceField(choices=DocumentType.choices)
    document_no = serializers.CharField(max_length=40)
    contact_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    customer_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    vendor_no = serializers.CharField(max_length=20, required=False, allow_blank=True)
    salesperson = _optional_by_key(Salesperson, "code")
    description = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    date = serializers.DateField(required=False, allow_null=True)
    version_no = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False
    )
    doc_occurrence = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False
    )
    campaign = _optional_by_key(Campaign, "no")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        named = [attrs.get(name) for name in ("contact_no", "customer_no", "vendor_no")]
        if sum(bool(value) for value in named) != 1:
            raise serializers.ValidationError(
                {
                    "contact_no": [
                        _("Give exactly one of: contact_no, customer_no or vendor_no.")
                    ]
                }
            )
        return attrs


class DocumentEventResultSerializer(serializers.Serializer):
    """What happened to a document event.

    ``recorded`` false: nothing was recorded, ``reason`` says why (no template
    set up for the document type, no contact found). ``created`` false with an
    entry: the same document had been recorded before; this is that entry.
    """

    recorded = serializers.BooleanField()
    created = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    entry = InteractionLogEntrySerializer(allow_null=True)


# --- Logged segments -----------------------------------------------------------


class LoggedSegmentSerializer(serializers.ModelSerializer):
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


class LoggedSegmentSelectionSerializer(serializers.Serializer):
    """Logged segments by id; omitted or empty: every canceled one."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=MAX_BULK_ENTRIES,
    )


# --- Segments (DOMAIN §5) ------------------------------------------------------


class SegmentSerializer(serializers.ModelSerializer):
    """A segment header with the number of its lines."""

    salesperson = key_of("code")
    campaign = key_of("no")
    template = key_of("code")
    created_by = key_of("username")
    line_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Segment
        fields = (
            "no",
            "description",
            "date",
            "salesperson",
            "campaign",
            "campaign_target",
            "campaign_response",
            "template",
            "information_flow",
            "initiated_by",
            "unit_cost",
            "unit_duration",
            "correspondence_type",
            "ignore_contact_correspondence_type",
            "subject",
            "language",
            "created_by",
            "created_at",
            "line_count",
        )
        read_only_fields = fields


class SegmentHeaderSerializer(serializers.Serializer):
    """Input of ``create_segment`` and ``update_segment_header``.

    Omitted fields get their defaults (date: today, salesperson: yours, the
    template's settings when a template is chosen).
    """

    description = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    date = serializers.DateField(required=False, allow_null=True)
    salesperson = _optional_by_key(Salesperson, "code")
    campaign = _optional_by_key(Campaign, "no")
    campaign_target = serializers.BooleanField(required=False)
    campaign_response = serializers.BooleanField(required=False)
    template = _optional_by_key(InteractionTemplate, "code")
    information_flow = serializers.ChoiceField(
        choices=InformationFlow.choices, required=False, allow_blank=True
    )
    initiated_by = serializers.ChoiceField(
        choices=InitiatedBy.choices, required=False, allow_blank=True
    )
    unit_cost = serializers.DecimalField(**MONEY, min_value=0, required=False)
    unit_duration = serializers.DecimalField(**MINUTES, min_value=0, required=False)
    correspondence_type = serializers.ChoiceField(
        choices=CorrespondenceType.choices, required=False, allow_blank=True
    )
    ignore_contact_correspondence_type = serializers.BooleanField(required=False)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    language = serializers.CharField(max_length=10, required=False, allow_blank=True)


class UpdateSegmentHeaderSerializer(SegmentHeaderSerializer):
    update_lines = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Also update the lines still on the header's template.",
    )


class SegmentLineSerializer(serializers.ModelSerializer):
    """One contact of a segment with its interaction values."""

    contact = serializers.SlugRelatedField(slug_field="no", read_only=True)
    contact_company = key_of("no")
    template = key_of("code")
    salesperson = key_of("code")
    campaign = key_of("no")

    class Meta:
        model = SegmentLine
        fields = (
            "id",
            "contact",
            "contact_company",
            "template",
            "description",
            "subject",
            "date",
            "salesperson",
            "campaign",
            "campaign_target",
            "campaign_response",
            "information_flow",
            "initiated_by",
            "cost",
            "duration",
            "correspondence_type",
            "language",
            "contact_via",
            "evaluation",
            "attempt_failed",
        )
        read_only_fields = fields


class AddContactToSegmentSerializer(serializers.Serializer):
    """Input of ``add_contact_to_segment``: one contact by hand."""

    contact = _by_key(Contact, "no")


class UpdateSegmentLineSerializer(serializers.Serializer):
    """Input of ``update_segment_line``: the values to personalise."""

    template = _optional_by_key(InteractionTemplate, "code")
    description = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date = serializers.DateField(required=False, allow_null=True)
    salesperson = _optional_by_key(Salesperson, "code")
    campaign = _optional_by_key(Campaign, "no")
    campaign_target = serializers.BooleanField(required=False)
    campaign_response = serializers.BooleanField(required=False)
    information_flow = serializers.ChoiceField(
        choices=InformationFlow.choices, required=False, allow_blank=True
    )
    initiated_by = serializers.ChoiceField(
        choices=InitiatedBy.choices, required=False, allow_blank=True
    )
    cost = serializers.DecimalField(**MONEY, min_value=0, required=False)
    duration = serializers.DecimalField(**MINUTES, min_value=0, required=False)
    correspondence_type = serializers.ChoiceField(
        choices=CorrespondenceType.choices, required=False, allow_blank=True
    )
    language = serializers.CharField(max_length=10, required=False, allow_blank=True)
    contact_via = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    evaluation = serializers.ChoiceField(
        choices=Evaluation.choices, required=False, allow_blank=True
    )
    attempt_failed = serializers.BooleanField(required=False)


def _criterion_field(criterion: django_filters.Filter) -> serializers.Field:
    """The serializer field for one criterion of ``ContactCriteriaFilterSet``."""
    label = str(criterion.label or "")
    if isinstance(criterion, django_filters.DateFilter):
        return serializers.DateField(required=False, allow_null=True, help_text=label)
    if isinstance(criterion, django_filters.ChoiceFilter):
        return serializers.ChoiceField(
            choices=criterion.extra["choices"],
            required=False,
            allow_blank=True,
            help_text=label,
        )
    return serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=label
    )


# The criteria vocabulary of segments, as an API object: one optional field per
# filter of ContactCriteriaFilterSet (the service validates the values again).
SegmentCriteriaSerializer = type(
    "SegmentCriteriaSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "Contact criteria (all given must match).",
        **{
            name: _criterion_field(criterion)
            for name, criterion in ContactCriteriaFilterSet.base_filters.items()
        },
    },
)


class AddContactsSerializer(serializers.Serializer):
    """Input of ``interactions.services.segments.add_contacts``."""

    criteria = SegmentCriteriaSerializer()
    allow_existing = serializers.BooleanField(default=False)
    expand_companies = serializers.BooleanField(default=False)
    add_related_companies = serializers.BooleanField(default=False)
    ignore_exclusion = serializers.BooleanField(default=False)


class ReduceContactsSerializer(serializers.Serializer):
    """Input of ``reduce_contacts`` and ``refine_contacts``."""

    criteria = SegmentCriteriaSerializer()
    entire_companies = serializers.BooleanField(default=False)


class ReuseLoggedSegmentSerializer(serializers.Serializer):
    """Input of ``reuse_logged_segment``."""

    logged_segment = serializers.PrimaryKeyRelatedField(
        queryset=LoggedSegment.objects.all(), help_text="Id of the logged segment."
    )


class LogSegmentSerializer(serializers.Serializer):
    """Input of ``interactions.services.segments.log_segment``."""

    send = serializers.BooleanField(
        default=False, help_text="E-mail the lines with e-mail correspondence."
    )
    follow_up = serializers.BooleanField(
        default=False, help_text="Create a follow-up segment with the same contacts."
    )
