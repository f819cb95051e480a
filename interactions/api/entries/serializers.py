"""Shapes of the interaction log in the API (DOMAIN §3, §4, §6).

The entry as answered (:class:`InteractionLogEntrySerializer`, with the
queryset that reads what it shows), and the input of each service the log's
endpoints feed: create, cancel, evaluate, comment, switch canceled, delete
canceled. Input serializers check only the shape of the input; the domain
rules are the services', whose ``ValidationError`` the API answers with the
same per-field messages (``interactions_crm.platform.api.errors``).
"""

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

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


# --- The lean output path of lists (issue #12) ---------------------------------
#
# A list page answers exactly what InteractionLogEntrySerializer answers, but
# builds it from ``values()`` rows: the entry's own columns in one query with
# no join, and the business keys of the referenced rows (contact no., template
# code …) in one more query, a UNION of primary-key lookups in each small table.
# A 9-table join cost PostgreSQL 60–180 ms of planning per page; full model
# instances and nested DRF fields cost ~40 % of the request's Python time.
# Each value still goes through the serializer's own field, so formats (dates,
# decimals, times, time zones) are the serializer's.

#: Reference field → (model, business key) of what it shows.
ENTRY_REFERENCES: dict[str, tuple[type[Any], str]] = {
    "contact": (Contact, "no"),
    "contact_company": (Contact, "no"),
    "template": (InteractionTemplate, "code"),
    "group": (InteractionGroup, "code"),
    "salesperson": (Salesperson, "code"),
    "campaign": (Campaign, "no"),
    "logged_by": (get_user_model(), "username"),
    "canceled_by": (get_user_model(), "username"),
}


def _column(name: str) -> str:
    """The ``values()`` name of serializer field ``name`` (``_id`` for keys)."""
    field = InteractionLogEntry._meta.get_field(name)
    return str(getattr(field, "attname", name))


#: The entry's own columns a lean list reads (``values(*ENTRY_COLUMNS)``).
ENTRY_COLUMNS: tuple[str, ...] = tuple(
    _column(name) for name in InteractionLogEntrySerializer.Meta.fields
)


#: Serializer fields whose representation of a value of the given type is the
#: value itself (``str(s)``, ``int(i)``, a choice's own value, a bool).
_IDENTITY: tuple[tuple[type[serializers.Field[Any, Any, Any, Any]], type], ...] = (
    (serializers.ChoiceField, str),
    (serializers.CharField, str),
    (serializers.BooleanField, bool),
    (serializers.IntegerField, int),
)


@cache
def _converters() -> dict[str, Any]:
    """Field name → how a value is shown: ``None`` keeps it as it is.

    The serializer's own fields (built once: ``to_representation`` keeps no
    state); identity where the field would return the value unchanged.
    """
    converters: dict[str, Any] = {}
    for name, field in InteractionLogEntrySerializer().fields.items():
        python_type = next(
            (kind for cls, kind in _IDENTITY if type(field) is cls), None
        )
        converters[name] = (
            (python_type, field.to_representation) if python_type else field
        )
    return converters


def _labels(rows: list[dict[str, Any]]) -> dict[tuple[type[Any], Any], Any]:
    """(model, pk) → business key of every row ``rows`` refer to: one query.

    A ``UNION ALL`` of primary-key lookups, one per table, written out here:
    compiling six ORM querysets cost more Python than the rows themselves.
    """
    wanted: dict[tuple[type[Any], str], set[Any]] = {}
    for name, (model, key) in ENTRY_REFERENCES.items():
        column = _column(name)
        ids = {row[column] for row in rows if row[column] is not None}
        if ids:
            wanted.setdefault((model, key), set()).update(ids)
    if not wanted:
        return {}
    models_by_index = [model for model, _key in wanted]
    connection = connections[router.db_for_read(InteractionLogEntry)]
    quote = connection.ops.quote_name
    parts, params = [], []
    for index, ((model, key), ids) in enumerate(wanted.items()):
        meta = model._meta
        parts.append(
            f"SELECT {index}, {quote(meta.pk.column)}, "
            f"{quote(meta.get_field(key).column)} FROM {quote(meta.db_table)} "
            f"WHERE {quote(meta.pk.column)} IN ({', '.join(['%s'] * len(ids))})"
        )
        params += sorted(ids)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {
            (models_by_index[kind], pk): label for kind, pk, label in cursor.fetchall()
        }


def lean_entry_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (``values(*ENTRY_COLUMNS)``) as InteractionLogEntrySerializer
    answers the same entries, with one query for every referenced key."""
    converters = _converters()
    labels = _labels(rows)
    names = InteractionLogEntrySerializer.Meta.fields
    columns = [
        (name, _column(name), ENTRY_REFERENCES.get(name), converters[name])
        for name in names
    ]
    answer = []
    for row in rows:
        data: dict[str, Any] = {}
        for name, column, reference, convert in columns:
            value = row[column]
            if value is None:
                data[name] = None
            elif reference is not None:
                data[name] = labels[(reference[0], value)]
            elif column != name:  # a key shown as itself (logged_segment)
                data[name] = value
            elif type(convert) is tuple:
                python_type, represent = convert
                data[name] = value if type(value) is python_type else represent(value)
            else:
                data[name] = convert.to_representation(value)
        answer.append(data)
    return answer


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


def lean_list(view: GenericAPIView[Any], queryset: QuerySet[Any]) -> Response:
    """A list action's answer from ``values()`` rows (see :func:`lean_entry_rows`).

    ``queryset`` is the view's; its joins are dropped, the view's filters and
    keyset pagination apply as for any list, and the answer is what the
    serializer would give for the same page.
    """
    rows = view.filter_queryset(queryset.select_related(None))
    page = view.paginate_queryset(rows.values(*ENTRY_COLUMNS))
    assert page is not None, "lean_list needs the view's (keyset) pagination"
    return view.get_paginated_response(lean_entry_rows(page))
