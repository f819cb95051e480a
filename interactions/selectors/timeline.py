"""A contact's timeline: its interactions, newest first (DOMAIN §3, §7).

A company's timeline rolls up its persons' entries (``contact_company``); a
person's shows only its own. Postponed entries are not part of it, canceled
ones are (the page marks them). Keyset pages on the (contact | company, date,
entry no.) indexes cost one query each at any depth.
"""

from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Field, Func, Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from contacts.models import Contact, CorrespondenceType, Salesperson
from interactions.models import (
    Campaign,
    Evaluation,
    InformationFlow,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from interactions.selectors.display import UrlPattern, choice_labels
from interactions_crm.platform.keyset import KeysetPage, keyset_page
from interactions_crm.platform.localformat import LocalFormats

#: Newest first; the entry number breaks ties between equal dates.
TIMELINE_ORDERING = ("-date", "-entry_no")


#: What a timeline item shows of other tables. Fetched per page with one
#: primary-key query per table (``prefetch_related``), not joined: a 6-table
#: join cost PostgreSQL 3–20 ms of planning for a 20-row page (issue #12).
#: A company's timeline also names each entry's person; a person's timeline
#: shows only the person itself (no query for it).
TIMELINE_RELATED = ("template", "group", "salesperson", "campaign")


def contact_timeline(contact: Contact) -> QuerySet[InteractionLogEntry]:
    """The entries of ``contact``'s timeline with what an item shows."""
    related = ("contact", *TIMELINE_RELATED) if contact.is_company else TIMELINE_RELATED
    entries: QuerySet[InteractionLogEntry] = (
        InteractionLogEntry.objects.visible()
        .for_contact(contact)
        .prefetch_related(*related)
    )
    return entries


def timeline_page(
    contact: Contact, *, cursor: str | None = None, size: int
) -> KeysetPage:
    """One page of the timeline after ``cursor`` (raises ``InvalidCursor``)."""
    page = keyset_page(
        contact_timeline(contact),
        ordering=TIMELINE_ORDERING,
        cursor=cursor,
        size=size,
    )
    if not contact.is_company:
        for entry in page.rows:
            entry.contact = contact  # a person's timeline holds only its entries
    return page


def timeline_entry(contact: Contact, entry_no: int) -> InteractionLogEntry | None:
    """Entry ``entry_no`` if it is on ``contact``'s timeline (with its salesperson)."""
    entry: InteractionLogEntry | None = (
        InteractionLogEntry.objects.visible()
        .for_contact(contact)
        .select_related("salesperson")
        .filter(entry_no=entry_no)
        .first()
    )
    return entry


# --- the card's timeline: rows ready to show ---------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    """One entry as the card's timeline shows it: text ready, no look-ups left.

    ``person_name``/``person_url`` name the entry's person on a company's
    timeline (empty for the contact's own entries); the other texts are empty
    when the entry has no such value.
    """

    entry_no: int
    url: str
    date_iso: str
    date_text: str
    time_text: str
    title: str
    canceled: bool
    attempt_failed: bool
    template_code: str
    group_code: str
    person_name: str
    person_url: str
    salesperson_name: str
    information_flow: str
    correspondence_type: str
    evaluation: str
    cost_text: SafeString | str
    duration_text: SafeString | str
    campaign_no: str


class KeyLabel(Func):
    """``(SELECT column FROM table WHERE pk = key)``: a value of the row ``key`` names.

    A scalar subquery, not a join: PostgreSQL plans each one alone in
    microseconds, where joining the four code tables and the contact cost
    3–13 ms of planning for a 21-row page (issue #12). Written directly rather
    than as ``Subquery(QuerySet)``, which Django resolves and compiles anew on
    every request (5 ms of Python for the page's seven).
    """

    def __init__(self, model: type[Model], column: str, key: str) -> None:
        field = model._meta.get_field(column)
        assert isinstance(field, Field)
        self.table = model._meta.db_table
        self.key_column = str(model._meta.pk.column)
        self.label_column = str(field.column)
        super().__init__(F(key), output_field=field)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        quote = connection.ops.quote_name
        table = quote(self.table)
        template = (
            f"(SELECT {table}.{quote(self.label_column)} FROM {table} "
            f"WHERE {table}.{quote(self.key_column)} = %(expressions)s)"
        )
        return super().as_sql(compiler, connection, template=template, **extra_context)


def _timeline_values(contact: Contact) -> QuerySet[InteractionLogEntry]:
    labels = {
        "template_code": KeyLabel(InteractionTemplate, "code", "template_id"),
        "template_description": KeyLabel(
            InteractionTemplate, "description", "template_id"
        ),
        "group_code": KeyLabel(InteractionGroup, "code", "group_id"),
        "salesperson_name": KeyLabel(Salesperson, "name", "salesperson_id"),
        "campaign_no": KeyLabel(Campaign, "no", "campaign_id"),
    }
    if contact.is_company:
        labels["contact_no"] = KeyLabel(Contact, "no", "contact_id")
        labels["contact_name"] = KeyLabel(Contact, "name", "contact_id")
    values: QuerySet[InteractionLogEntry] = (
        InteractionLogEntry.objects.visible()
        .for_contact(contact)
        .annotate(**labels)
        .values(
            "entry_no",
            "date",
            "time",
            "description",
            "contact_id",
            "canceled",
            "attempt_failed",
            "information_flow",
            "correspondence_type",
            "evaluation",
            "cost",
            "duration",
            *labels,
        )
    )
    return values


def _money_text(template: str, key: str, value: str) -> SafeString:
    """A translated sentence around a formatted number, as ``blocktranslate`` makes it.

    Like the tag, the number is escaped and the translation is not.
    """
    return mark_safe(template % {key: conditional_escape(value)})


def timeline_items(
    contact: Contact, *, cursor: str | None = None, size: int
) -> KeysetPage:
    """One page of the card's timeline as :class:`TimelineItem` rows.

    One query whatever the page shows: the entries with the codes and names
    of their template, group, salesperson, campaign (and, on a company's
    timeline, person) as scalar subqueries. Numbers, dates and labels are
    formatted here, in the active language, once per value (no template
    filter per row). Raises ``InvalidCursor`` for a tampered cursor.
    """
    page = keyset_page(
        _timeline_values(contact),
        ordering=TIMELINE_ORDERING,
        cursor=cursor,
        size=size,
    )
    formats = LocalFormats.active()
    entry_url = UrlPattern("interactions:entry-detail", "entry_no")
    contact_url = UrlPattern("contacts:contact-detail", "no")
    flows = choice_labels(InformationFlow.choices)
    correspondence = choice_labels(CorrespondenceType.choices)
    evaluations = choice_labels(Evaluation.choices)
    cost_sentence = gettext("Cost %(cost)s")
    minutes_sentence = gettext("%(minutes)s min.")
    items = []
    for row in page.rows:
        own = row["contact_id"] == contact.pk
        flow, via, evaluation = (
            row["information_flow"],
            row["correspondence_type"],
            row["evaluation"],
        )
        items.append(
            TimelineItem(
                entry_no=row["entry_no"],
                url=entry_url(row["entry_no"]),
                date_iso=row["date"].isoformat(),
                date_text=formats.short_date(row["date"]),
                time_text=formats.time(row["time"]) if row["time"] else "",
                title=row["description"]
                or row["template_description"]
                or row["template_code"]
                or "",
                canceled=row["canceled"],
                attempt_failed=row["attempt_failed"],
                template_code=row["template_code"] or "",
                group_code=row["group_code"] or "",
                person_name="" if own else row["contact_name"],
                person_url="" if own else contact_url(row["contact_no"]),
                salesperson_name=row["salesperson_name"] or "",
                information_flow=flows.get(flow, flow),
                correspondence_type=correspondence.get(via, via),
                evaluation=evaluations.get(evaluation, evaluation),
                cost_text=_money_text(
                    cost_sentence, "cost", formats.decimal(row["cost"], 2)
                )
                if row["cost"]
                else "",
                duration_text=_money_text(
                    minutes_sentence, "minutes", formats.decimal(row["duration"], -2)
                )
                if row["duration"]
                else "",
                campaign_no=row["campaign_no"] or "",
            )
        )
    return KeysetPage(rows=items, next_cursor=page.next_cursor, has_next=page.has_next)
