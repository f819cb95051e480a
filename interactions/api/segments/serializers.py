"""Shapes of segments in the API (DOMAIN §5).

The segment header and its lines as answered, and the input of each segment
service: the header, a line's values, the criteria actions (add, reduce,
refine contacts — their criteria vocabulary is the contact criteria filter
set's), reusing a logged segment, and logging.
"""

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from contacts.models import Contact, CorrespondenceType, MailingGroup, Salesperson
from interactions.api.common import amount_field
from interactions.api.logged_segments import LoggedSegmentSerializer
from interactions.criteria import ContactCriteriaFilterSet
from interactions.models import (
    MINUTES,
    MONEY,
    Campaign,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionTemplate,
    LoggedSegment,
    SavedCriteria,
    Segment,
    SegmentLine,
)
from interactions.models.segments import SegmentContent
from interactions_crm.platform.api.fields import by_key, key_of, optional_by_key
from interactions_crm.platform.keys import key_validator


class SegmentSerializer(serializers.ModelSerializer[Segment]):
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


class SegmentHeaderSerializer(serializers.Serializer[Any]):
    """Input of ``create_segment`` and ``update_segment_header``.

    Omitted fields get their defaults (date: today, salesperson: yours, the
    template's settings when a template is chosen).
    """

    description = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    date = serializers.DateField(required=False, allow_null=True)
    salesperson = optional_by_key(Salesperson, "code")
    campaign = optional_by_key(Campaign, "no")
    campaign_target = serializers.BooleanField(required=False)
    campaign_response = serializers.BooleanField(required=False)
    template = optional_by_key(InteractionTemplate, "code")
    information_flow = serializers.ChoiceField(
        choices=InformationFlow.choices, required=False, allow_blank=True
    )
    initiated_by = serializers.ChoiceField(
        choices=InitiatedBy.choices, required=False, allow_blank=True
    )
    unit_cost = amount_field(MONEY, required=False)
    unit_duration = amount_field(MINUTES, required=False)
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


class SegmentLineSerializer(serializers.ModelSerializer[SegmentLine]):
    """One contact of a segment with its interaction values."""

    contact: serializers.SlugRelatedField[Contact] = serializers.SlugRelatedField(
        slug_field="no", read_only=True
    )
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


class AddContactToSegmentSerializer(serializers.Serializer[Any]):
    """Input of ``add_contact_to_segment``: one contact by hand."""

    contact = by_key(Contact, "no")


class UpdateSegmentLineSerializer(serializers.Serializer[Any]):
    """Input of ``update_segment_line``: the values to personalise."""

    template = optional_by_key(InteractionTemplate, "code")
    description = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date = serializers.DateField(required=False, allow_null=True)
    salesperson = optional_by_key(Salesperson, "code")
    campaign = optional_by_key(Campaign, "no")
    campaign_target = serializers.BooleanField(required=False)
    campaign_response = serializers.BooleanField(required=False)
    information_flow = serializers.ChoiceField(
        choices=InformationFlow.choices, required=False, allow_blank=True
    )
    initiated_by = serializers.ChoiceField(
        choices=InitiatedBy.choices, required=False, allow_blank=True
    )
    cost = amount_field(MONEY, required=False)
    duration = amount_field(MINUTES, required=False)
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


# --- Criteria actions --------------------------------------------------------------


def _criterion_field(
    criterion: django_filters.Filter,
) -> serializers.Field[Any, Any, Any, Any]:
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
SegmentCriteriaSerializer: type[serializers.Serializer[Any]] = type(
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


class AddContactsSerializer(serializers.Serializer[Any]):
    """Input of ``interactions.services.segments.add_contacts``."""

    criteria = SegmentCriteriaSerializer()
    allow_existing = serializers.BooleanField(default=False)
    expand_companies = serializers.BooleanField(default=False)
    add_related_companies = serializers.BooleanField(default=False)
    ignore_exclusion = serializers.BooleanField(default=False)
    confirm_all = serializers.BooleanField(
        default=False,
        help_text=_("Required when no criterion is given: that adds every contact."),
    )


class ReduceContactsSerializer(serializers.Serializer[Any]):
    """Input of ``reduce_contacts`` and ``refine_contacts``."""

    criteria = SegmentCriteriaSerializer()
    entire_companies = serializers.BooleanField(default=False)


class ReuseLoggedSegmentSerializer(serializers.Serializer[Any]):
    """Input of ``reuse_logged_segment``."""

    logged_segment = serializers.PrimaryKeyRelatedField(
        queryset=LoggedSegment.objects.all(), help_text="Id of the logged segment."
    )


class LogSegmentSerializer(serializers.Serializer[Any]):
    """Input of ``interactions.services.segments.log_segment``."""

    send = serializers.BooleanField(
        default=False, help_text="E-mail the lines with e-mail correspondence."
    )
    follow_up = serializers.BooleanField(
        default=False, help_text="Create a follow-up segment with the same contacts."
    )


class SkippedContactsSerializer(serializers.Serializer[Any]):
    """Contacts a criteria action skipped for one reason: how many, the first named."""

    count = serializers.IntegerField()
    contacts = serializers.ListField(child=serializers.CharField())


class CriteriaOutcomeSerializer(serializers.Serializer[Any]):
    """What a criteria action did, by reason (DOMAIN §5)."""

    count = serializers.IntegerField(help_text=_("Lines added plus lines removed."))
    added = serializers.IntegerField()
    removed = serializers.IntegerField()
    already_there = serializers.IntegerField(
        help_text=_("Matching contacts already in the segment (not added again).")
    )
    excluded = SkippedContactsSerializer(
        help_text=_("Matching contacts skipped: marked “exclude from segment”.")
    )
    privacy_blocked = SkippedContactsSerializer(
        help_text=_("Matching contacts skipped: privacy blocked (never added).")
    )


class SaveCriteriaSerializer(serializers.Serializer[Any]):
    """Input of ``save_criteria``: the code (and description) to save under."""

    code = serializers.CharField(max_length=20, validators=[key_validator])
    description = serializers.CharField(max_length=100, required=False, default="")


class SavedCriteriaSerializer(serializers.ModelSerializer[SavedCriteria]):
    """Saved criteria: the segment's criteria actions in order, under a code."""

    created_by = key_of("username")

    class Meta:
        model = SavedCriteria
        fields = ("code", "description", "actions", "created_by", "created_at")
        read_only_fields = fields


class ReuseCriteriaSerializer(serializers.Serializer[Any]):
    """Input of ``reuse_criteria``: the saved criteria's code."""

    code = by_key(SavedCriteria, "code")
    replace = serializers.BooleanField(
        default=False,
        help_text=_(
            "Required when the segment already has lines or criteria actions: "
            "reusing criteria deletes them and replays the saved steps. Without "
            "it such a segment is refused (400, the counts in the message)."
        ),
    )


class FollowUpSegmentSerializer(serializers.Serializer[Any]):
    """The follow-up segment a log created: its number and API address."""

    no = serializers.CharField()
    url = serializers.URLField()


class LogResultSerializer(LoggedSegmentSerializer):
    """The logged segment (with its API address) and the follow-up segment."""

    url = serializers.URLField(read_only=True)
    entries_url = serializers.URLField(read_only=True)
    follow_up_segment = FollowUpSegmentSerializer(read_only=True, allow_null=True)

    class Meta:
        model = LoggedSegment
        fields: tuple[str, ...] = (
            *LoggedSegmentSerializer.Meta.fields,
            "url",
            "entries_url",
            "follow_up_segment",
        )
        read_only_fields = fields


class SegmentContentSerializer(serializers.ModelSerializer[SegmentContent]):
    """The segment's own content in one language (copied from the template)."""

    class Meta:
        model = SegmentContent
        fields = ("language", "subject", "body")


class ApplyMailingGroupSerializer(serializers.Serializer[Any]):
    """Input of ``apply_mailing_group``: the mailing group's code."""

    mailing_group = by_key(MailingGroup, "code")
    remove_others = serializers.BooleanField(
        default=False,
        help_text=_(
            "Also remove the group's members that are not in the segment "
            "(NAV: Remove Existing Contact Mailing Group)."
        ),
    )


class MailingGroupOutcomeSerializer(serializers.Serializer[Any]):
    """What applying a mailing group did."""

    mailing_group = serializers.CharField()
    added = serializers.IntegerField(help_text=_("Contacts that joined the group."))
    already_members = serializers.IntegerField(
        help_text=_("Contacts of the segment that already were members.")
    )
    removed = serializers.IntegerField(
        help_text=_("Other members removed (with remove_others).")
    )
