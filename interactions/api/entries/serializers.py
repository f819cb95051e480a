"""Shapes of the interaction log in the API (DOMAIN §3, §4, §6).

The entry as answered (:class:`InteractionLogEntrySerializer`, with the
queryset that reads what it shows), and the input of each service the log's
endpoints feed: create, cancel, evaluate, comment, switch canceled, delete
canceled. Input serializers check only the shape of the input; the domain
rules are the services', whose ``ValidationError`` the API answers with the
same per-field messages (``interactions_crm.platform.api.errors``).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from contacts.models import Contact, CorrespondenceType, Salesperson
from interactions.api.common import BIGINT_MAX, MAX_BULK_ENTRIES, amount_field
from interactions.models import (
    MINUTES,
    MONEY,
    Campaign,
    DocumentType,
    EntryComment,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionGroup,
    InteractionLogEntry,
    InteractionLogEntryQuerySet,
    InteractionTemplate,
)
from interactions_crm.platform.api.fields import (
    ClockTimeField,
    by_key,
    key_of,
    optional_by_key,
)


class InteractionLogEntrySerializer(serializers.ModelSerializer[InteractionLogEntry]):
    """One interaction log entry (a ledger row, DOMAIN §3)."""

    contact: serializers.SlugRelatedField[Contact] = serializers.SlugRelatedField(
        slug_field="no", read_only=True
    )
    contact_company = key_of("no")
    template: serializers.SlugRelatedField[InteractionTemplate] = (
        serializers.SlugRelatedField(slug_field="code", read_only=True)
    )
    group: serializers.SlugRelatedField[InteractionGroup] = (
        serializers.SlugRelatedField(slug_field="code", read_only=True)
    )
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


# What InteractionLogEntrySerializer shows of other tables: read in one join.
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


def entries() -> InteractionLogEntryQuerySet:
    """The log (postponed entries excluded) with what the serializer shows."""
    return InteractionLogEntry.objects.visible().select_related(*ENTRY_RELATED)


#: The answer when another request deleted the entry while this one ran.
GONE = _("The interaction log entry was deleted meanwhile.")


def entry_data(entry: InteractionLogEntry | int) -> dict[str, Any]:
    """An entry as answered, read again with its related rows.

    404 (JSON) when another request deleted it meanwhile.
    """
    pk = entry if isinstance(entry, int) else entry.pk
    fresh = InteractionLogEntry.objects.select_related(*ENTRY_RELATED).filter(pk=pk)
    row = fresh.first()
    if row is None:
        raise NotFound(GONE)
    return InteractionLogEntrySerializer(row).data


class InteractionValuesSerializer(serializers.Serializer[Any]):
    """The values of a manual interaction; omitted ones get their defaults (§4.1)."""

    date = serializers.DateField(required=False, allow_null=True)
    time = ClockTimeField(required=False, allow_null=True)
    description = serializers.CharField(
        max_length=100, required=False, allow_blank=True
    )
    subject = serializers.CharField(max_length=200, required=False, allow_null=True)
    salesperson = optional_by_key(Salesperson, "code")
    campaign = optional_by_key(Campaign, "no")
    campaign_target = serializers.BooleanField(required=False, allow_null=True)
    campaign_response = serializers.BooleanField(required=False, allow_null=True)
    cost = amount_field(MONEY, required=False, allow_null=True)
    duration = amount_field(MINUTES, required=False, allow_null=True)
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

    contact = by_key(Contact, "no")
    template = by_key(InteractionTemplate, "code")
    postpone = serializers.BooleanField(
        required=False, help_text="Save it unfinished, as a postponed interaction."
    )


class CancelEntriesSerializer(serializers.Serializer[Any]):
    """Input of ``interactions.services.cancel_entries`` for one entry."""

    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class EvaluateEntriesSerializer(serializers.Serializer[Any]):
    """Input of ``interactions.services.evaluate_entries`` for one entry."""

    evaluation = serializers.ChoiceField(choices=Evaluation.choices[1:])


class EntrySelectionSerializer(serializers.Serializer[Any]):
    """A selection of entries by number, in the order the user selected them."""

    entry_nos = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=BIGINT_MAX),
        min_length=1,
        max_length=MAX_BULK_ENTRIES,
    )


class SwitchCanceledSerializer(EntrySelectionSerializer):
    """Input of ``interactions.services.switch_canceled``."""

    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    canceled = serializers.BooleanField(
        required=False,
        help_text="The state the switch is meant to set (true: cancel). When "
        "given and the first selected entry already has it (someone else "
        "switched it meanwhile), the request is refused with 409 and nothing "
        "changes. Omitted: the opposite of the first entry's state now.",
    )


class BulkEvaluateSerializer(EntrySelectionSerializer):
    """Input of ``interactions.services.evaluate_entries``."""

    evaluation = serializers.ChoiceField(choices=Evaluation.choices[1:])


class EntryCommentSerializer(serializers.ModelSerializer[EntryComment]):
    author = key_of("username")

    class Meta:
        model = EntryComment
        fields = ("id", "date", "code", "text", "author", "created_at", "modified_at")
        read_only_fields = fields


class AddCommentSerializer(serializers.Serializer[Any]):
    """Input of ``interactions.services.add_comment``."""

    text = serializers.CharField(max_length=500)
    code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    date = serializers.DateField(required=False, allow_null=True)


class DeleteCanceledEntriesSerializer(serializers.Serializer[Any]):
    """Input of ``interactions.services.delete_canceled_entries``.

    Whatever the filters, only canceled entries are deleted. ``dry_run``
    (the default) only counts them.
    """

    entry_no_from = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, required=False, allow_null=True
    )
    entry_no_to = serializers.IntegerField(
        min_value=1, max_value=BIGINT_MAX, required=False, allow_null=True
    )
    contact = optional_by_key(Contact, "no")
    date_from = serializers.DateField(required=False, allow_null=True)
    date_to = serializers.DateField(required=False, allow_null=True)
    campaign = optional_by_key(Campaign, "no")
    group = optional_by_key(InteractionGroup, "code")
    template = optional_by_key(InteractionTemplate, "code")
    salesperson = optional_by_key(Salesperson, "code")
    dry_run = serializers.BooleanField(
        default=True,
        help_text="Only count the entries that would be deleted (the default).",
    )
    intent = serializers.CharField(
        required=False,
        max_length=4000,
        help_text="The `intent` a dry run with the same filters answered. With "
        "it the run deletes exactly what that dry run counted: entries canceled "
        "after it are left for the next run, previewed entries un-canceled "
        "meanwhile are kept, and the answer says so (`kept`, `left`). Without "
        "it the run deletes what matches when it runs, for integrators that do "
        "not preview.",
    )


class DeleteCanceledResultSerializer(serializers.Serializer[Any]):
    dry_run = serializers.BooleanField()
    count = serializers.IntegerField(
        help_text="Entries deleted, or that would be deleted in a dry run."
    )
    message = serializers.CharField()
    intent = serializers.CharField(
        required=False,
        help_text="Dry run only: send it back with `dry_run: false` to delete "
        "exactly what was counted.",
    )
    last_entry_no = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Dry run only: the highest entry number counted.",
    )
    previewed = serializers.IntegerField(
        required=False, help_text="Run with `intent`: what the dry run counted."
    )
    kept = serializers.IntegerField(
        required=False,
        help_text="Run with `intent`: previewed entries un-canceled meanwhile.",
    )
    left = serializers.IntegerField(
        required=False,
        help_text="Run with `intent`: entries canceled after the dry run, left "
        "for the next run.",
    )
