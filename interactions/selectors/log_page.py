"""The staff log page's rows, columns, sort orders and filter checks (issue #13).

The page shows NAV's Interaction Log Entries columns, chosen per user. Its
rows are ``values()`` of the entry and its contact and company (one query,
comments as ``EXISTS``); the labels of the code tables a page refers to —
templates, groups, salespeople, campaigns — come in one more query for the
keys on that page, whatever columns are shown. Choice fields are shown by
their labels. Paging is by keyset on (sort column, entry no.): no OFFSET,
no ``COUNT(*)`` over the log.

The API list and the CSV export read through :mod:`interactions.selectors.log`;
the filters are the same ``EntryFilterSet``.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Value
from django.db.models.functions import Cast
from django.forms import Form
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, CorrespondenceType, Salesperson
from interactions.filters import EntryFilterSet
from interactions.models import (
    DEFAULT_LOG_COLUMNS,
    Campaign,
    DeliveryStatus,
    DocumentType,
    EntryComment,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    LogColumn,
    LogViewPreference,
    SavedLogView,
)
from interactions.selectors.display import choice_labels
from interactions.selectors.log import log_filterset
from interactions_crm.platform.keyset import KeysetPage, keyset_page
from interactions_crm.platform.links import UrlPattern
from interactions_crm.platform.localformat import LocalFormats

# --- sort orders ----------------------------------------------------------------------


@dataclass(frozen=True)
class Sort:
    """One sort order: its ordering (ends with the entry no.) and label."""

    ordering: tuple[str, ...]
    label: Promise

    @property
    def descending(self) -> bool:
        return self.ordering[0].startswith("-")


#: Every sort order the page accepts: key → Sort. The first five keys are the
#: page's (and the export's) keys from before #13, kept so links still work.
#: Each ordering is unique (ends with the entry no., same direction), so a
#: keyset pages every row once and compares as one row value.
PAGE_SORTS: dict[str, Sort] = {
    "newest": Sort(("-date", "-entry_no"), _("Newest first")),
    "oldest": Sort(("date", "entry_no"), _("Oldest first")),
    "entry_no": Sort(("-entry_no",), _("Entry no., highest first")),
    "entry_no_asc": Sort(("entry_no",), _("Entry no., lowest first")),
    "cost": Sort(("-cost", "-entry_no"), _("Cost, highest first")),
    "cost_asc": Sort(("cost", "entry_no"), _("Cost, lowest first")),
    "duration": Sort(("-duration", "-entry_no"), _("Duration, longest first")),
    "duration_asc": Sort(("duration", "entry_no"), _("Duration, shortest first")),
    "contact_asc": Sort(("contact__name", "entry_no"), _("Contact, A to Z")),
    "contact_desc": Sort(("-contact__name", "-entry_no"), _("Contact, Z to A")),
    "description_asc": Sort(("description", "entry_no"), _("Description, A to Z")),
    "description_desc": Sort(("-description", "-entry_no"), _("Description, Z to A")),
    "segment_no_asc": Sort(("segment_no", "entry_no"), _("Segment no., lowest first")),
    "segment_no_desc": Sort(
        ("-segment_no", "-entry_no"), _("Segment no., highest first")
    ),
    "document_asc": Sort(("document_no", "entry_no"), _("Document no., lowest first")),
    "document_desc": Sort(
        ("-document_no", "-entry_no"), _("Document no., highest first")
    ),
    "canceled_desc": Sort(("-canceled", "-entry_no"), _("Canceled first")),
    "canceled_asc": Sort(("canceled", "entry_no"), _("Not canceled first")),
    "attempt_failed_desc": Sort(
        ("-attempt_failed", "-entry_no"), _("Failed attempts first")
    ),
    "attempt_failed_asc": Sort(
        ("attempt_failed", "entry_no"), _("Failed attempts last")
    ),
}
DEFAULT_PAGE_SORT = "newest"


class UnknownSort(ValueError):
    """A ``sort`` parameter that names no sort order (the page says so)."""


def page_sort(value: str | None) -> str:
    """The sort key ``value``; none given is the default, an unknown one raises."""
    if not value:
        return DEFAULT_PAGE_SORT
    if value not in PAGE_SORTS:
        raise UnknownSort(value)
    return value


# --- columns --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the page: its key (``LogColumn``), label and sort keys.

    ``sorts`` is (first click, second click): the header links to the first,
    or to the second while the first is the page's sort.
    """

    key: str
    label: str
    sorts: tuple[str, str] | None = None
    numeric: bool = False

    @property
    def template(self) -> str:
        """The cell's template: one partial per column, no chain of ifs per cell."""
        return f"interactions/includes/log_cells.html#{self.key}"


_COLUMN_SORTS: dict[str, tuple[str, str]] = {
    LogColumn.DATE: ("newest", "oldest"),
    LogColumn.CONTACT: ("contact_asc", "contact_desc"),
    LogColumn.DESCRIPTION: ("description_asc", "description_desc"),
    LogColumn.COST: ("cost", "cost_asc"),
    LogColumn.DURATION: ("duration", "duration_asc"),
    LogColumn.SEGMENT_NO: ("segment_no_asc", "segment_no_desc"),
    LogColumn.DOCUMENT: ("document_asc", "document_desc"),
    LogColumn.CANCELED: ("canceled_desc", "canceled_asc"),
    LogColumn.ATTEMPT_FAILED: ("attempt_failed_desc", "attempt_failed_asc"),
}
_NUMERIC = {LogColumn.COST, LogColumn.DURATION}
#: The sorts of the entry no. column (always shown, the row's link).
ENTRY_NO_SORTS = ("entry_no", "entry_no_asc")


def all_columns() -> list[Column]:
    """Every column the chooser offers, in NAV's order."""
    return [
        Column(
            key=str(value),
            label=str(label),
            sorts=_COLUMN_SORTS.get(value),
            numeric=value in _NUMERIC,
        )
        for value, label in LogColumn.choices
    ]


def shown_columns(keys: Iterable[str]) -> list[Column]:
    """The columns named by ``keys``, in the chooser's order."""
    chosen = set(keys)
    return [column for column in all_columns() if column.key in chosen]


def log_columns(user: AbstractBaseUser) -> list[str]:
    """The column keys ``user`` chose last, or the default columns (one query)."""
    columns = (
        LogViewPreference.objects.filter(user_id=user.pk)
        .values_list("columns", flat=True)
        .first()
    )
    known = set(LogColumn.values)
    if columns:
        return [key for key in columns if key in known]
    return list(DEFAULT_LOG_COLUMNS)


def saved_log_views(user: AbstractBaseUser) -> list[SavedLogView]:
    """``user``'s saved views, by name (one query; nobody else's)."""
    return list(SavedLogView.objects.filter(user_id=user.pk).order_by("name"))


# --- filters --------------------------------------------------------------------------


def page_filterset(params: Mapping[str, Any]) -> EntryFilterSet:
    """The shared filters over the visible entries (rows read by :func:`rows_page`)."""
    return log_filterset(params, InteractionLogEntry.objects.visible())


#: Code filters checked against their table: field → (model, lookup, message).
# Contact, template, campaign and salesperson are lookup fields: their form
# resolves the typed text (unknown or ambiguous is a message there); the group
# is a ``KeyFilter``, whose field refuses an unknown code itself.
_CODE_FILTERS: dict[str, tuple[Any, str, Promise]] = {
    "company": (Contact, "no__iexact", _("There is no contact no. “%(value)s”.")),
}
#: Ranges: (from, to, message on the "to" field).
_RANGES: tuple[tuple[str, str, Promise], ...] = (
    ("date_from", "date_to", _("“Date to” must not be before “Date from”.")),
    (
        "entry_no_from",
        "entry_no_to",
        _("“Entry no. to” must not be below “Entry no. from”."),
    ),
)


def check_filters(form: Form) -> None:
    """Put a message on each filter that can match nothing by mistake.

    An unknown code (contact, company, template, group, salesperson,
    campaign) or a range whose "to" is before its "from" would show an empty
    list that looks like "no entries"; instead the field says what is wrong
    and the page shows no rows. Call after the form has been validated. One
    query per code filter given; none when no code filter is set.
    """
    if not form.is_bound:
        return
    data = getattr(form, "cleaned_data", {})
    for name, (model, lookup, message) in _CODE_FILTERS.items():
        value = data.get(name)
        if (
            name in form.fields
            and value
            and not model.objects.filter(**{lookup: value}).exists()
        ):
            form.add_error(name, str(message) % {"value": value})
    for start, end, message in _RANGES:
        low, high = data.get(start), data.get(end)
        if low is not None and high is not None and low > high:
            form.add_error(end, str(message))


# --- rows -----------------------------------------------------------------------------

_ROW_FIELDS = (
    "entry_no",
    "date",
    "time",
    "description",
    "subject",
    "contact__no",
    "contact__name",
    "contact_company_id",
    "contact_company__no",
    "contact_company__name",
    "contact_id",
    "template_id",
    "group_id",
    "salesperson_id",
    "campaign_id",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "attempt_failed",
    "evaluation",
    "correspondence_type",
    "delivery_status",
    "canceled",
    "segment_no",
    "document_type",
    "document_no",
    "attachment_id",
    "has_comments",
)


@dataclass(frozen=True)
class CodeLabel:
    """A code table row as a cell shows it: the label, the code in its title."""

    code: str
    label: str

    def __str__(self) -> str:
        return self.label or self.code


@dataclass
class LogRow:
    """One entry as the page shows it: labels, never codes.

    The ``*_text`` fields are the values as the active language writes them
    (formatted once per page, not by a template filter per cell).
    """

    entry_no: int
    date: dt.date
    time: dt.time | None
    date_text: str
    time_text: str
    cost_text: str
    duration_text: str
    description: str
    subject: str
    contact_no: str
    contact_name: str
    company_no: str
    company_name: str
    own_company: bool
    template: CodeLabel | None
    group: CodeLabel | None
    salesperson: CodeLabel | None
    campaign: CodeLabel | None
    cost: Decimal
    duration: Decimal
    information_flow: str
    initiated_by: str
    attempt_failed: bool
    evaluation: str
    evaluation_label: str
    correspondence_type: str
    delivery_status: str
    delivery_status_label: str
    canceled: bool
    segment_no: str
    document_type: str
    document_no: str
    has_attachment: bool
    has_comments: bool
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def pk(self) -> int:
        return self.entry_no

    def get_absolute_url(self) -> str:
        return self.urls["detail"]


_CODE_TABLES: tuple[tuple[str, Any, str, str], ...] = (
    # (row key, model, code field, label field)
    ("template_id", InteractionTemplate, "code", "description"),
    ("group_id", InteractionGroup, "code", "description"),
    ("salesperson_id", Salesperson, "code", "name"),
    ("campaign_id", Campaign, "no", "description"),
)


def code_labels(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[int, CodeLabel]]:
    """Code and label of every template, group, salesperson, campaign in ``rows``.

    One ``UNION ALL`` query over the four tables, restricted to the keys the
    rows refer to (none when the rows refer to none): the cost does not depend
    on how many rows or columns the page shows.
    """
    parts: list[QuerySet[Any]] = []
    for key, model, code, label in _CODE_TABLES:
        ids = {row[key] for row in rows if row[key] is not None}
        if ids:
            parts.append(
                model.objects.filter(pk__in=ids)
                .order_by()
                .annotate(
                    label_table=Value(key, output_field=CharField()),
                    label_key=Cast("pk", output_field=CharField()),
                    label_code=F(code),
                    label_text=F(label),
                )
                .values_list("label_table", "label_key", "label_code", "label_text")
            )
    labels: dict[str, dict[int, CodeLabel]] = {key: {} for key, *_ in _CODE_TABLES}
    if not parts:
        return labels
    # Ordered by a result column: the tables' own default orderings do not
    # apply to a compound query.
    union = parts[0].union(*parts[1:], all=True).order_by("label_table")
    for table, pk, code_value, text in union:
        labels[table][int(pk)] = CodeLabel(code=code_value, label=text or "")
    return labels


def build_rows(rows: Sequence[Mapping[str, Any]]) -> list[LogRow]:
    """The page's :class:`LogRow` objects from ``values()`` rows (+1 query)."""
    labels = code_labels(rows)
    flows = choice_labels(InformationFlow.choices)
    initiators = choice_labels(InitiatedBy.choices)
    evaluations = choice_labels(Evaluation.choices)
    correspondence = choice_labels(CorrespondenceType.choices)
    deliveries = choice_labels(DeliveryStatus.choices)
    documents = choice_labels(DocumentType.choices)
    formats = LocalFormats.active()
    # One reverse() per URL name; each row fills in its own key.
    detail = UrlPattern("interactions:entry-detail", "entry_no")
    attachment = UrlPattern("interactions:entry-attachment", "entry_no")
    contact = UrlPattern("contacts:contact-detail", "no")
    built = []
    for row in rows:
        no = row["entry_no"]
        company_no = row["contact_company__no"] or ""
        built.append(
            LogRow(
                entry_no=no,
                date=row["date"],
                time=row["time"],
                date_text=formats.short_date(row["date"]),
                time_text=formats.time(row["time"]) if row["time"] else "",
                cost_text=formats.number(row["cost"]),
                duration_text=formats.decimal(row["duration"], -2),
                description=row["description"],
                subject=row["subject"],
                contact_no=row["contact__no"],
                contact_name=row["contact__name"],
                company_no=company_no,
                company_name=row["contact_company__name"] or "",
                own_company=row["contact_company_id"] == row["contact_id"],
                template=labels["template_id"].get(row["template_id"]),
                group=labels["group_id"].get(row["group_id"]),
                salesperson=labels["salesperson_id"].get(row["salesperson_id"]),
                campaign=labels["campaign_id"].get(row["campaign_id"]),
                cost=row["cost"],
                duration=row["duration"],
                information_flow=flows.get(row["information_flow"], ""),
                initiated_by=initiators.get(row["initiated_by"], ""),
                attempt_failed=row["attempt_failed"],
                evaluation=row["evaluation"],
                evaluation_label=evaluations.get(row["evaluation"], ""),
                correspondence_type=correspondence.get(row["correspondence_type"], ""),
                delivery_status=row["delivery_status"],
                delivery_status_label=deliveries.get(row["delivery_status"], ""),
                canceled=row["canceled"],
                segment_no=row["segment_no"],
                document_type=documents.get(row["document_type"], ""),
                document_no=row["document_no"],
                has_attachment=row["attachment_id"] is not None,
                has_comments=row["has_comments"],
                urls={
                    "detail": detail(no),
                    "attachment": attachment(no),
                    "contact": contact(row["contact__no"]),
                    "company": contact(company_no) if company_no else "",
                },
            )
        )
    return built


def rows_page(
    filterset: EntryFilterSet,
    *,
    sort: str,
    cursor: str | None = None,
    size: int,
) -> KeysetPage:
    """One keyset page of the filtered log as :class:`LogRow` objects.

    Two queries: the rows (entry, contact, company; comments as ``EXISTS``)
    and the code labels. An invalid filter selects nothing. Raises
    :class:`~interactions_crm.platform.keyset.InvalidCursor` for a tampered
    cursor.
    """
    entries = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    values = entries.annotate(
        has_comments=Exists(EntryComment.objects.filter(entry=OuterRef("pk")))
    ).values(*_ROW_FIELDS)
    page = keyset_page(
        values, ordering=PAGE_SORTS[sort].ordering, cursor=cursor, size=size
    )
    return KeysetPage(
        rows=build_rows(page.rows) if page.rows else [],
        next_cursor=page.next_cursor,
        has_next=page.has_next,
    )
