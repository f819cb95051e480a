"""A contact's timeline: its interactions, newest first (DOMAIN §3, §7).

A company's timeline rolls up its persons' entries (``contact_company``); a
person's shows only its own. Postponed entries are not part of it, canceled
ones are (the page marks them). Keyset pages on the (contact | company, date,
entry no.) indexes cost one query each at any depth.
"""

import html
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Field, Func, Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler
from django.utils.safestring import SafeData, SafeString
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
from interactions.selectors.display import choice_labels
from interactions_crm.platform.compiled import STAND_IN_ID, CompiledQuery
from interactions_crm.platform.keyset import KeysetPage, encode_cursor, keyset_page
from interactions_crm.platform.links import UrlPattern
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


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One entry as the card's timeline shows it: its ``<li>`` ready.

    ``html`` is the whole item — when (date and time), title linked to the
    entry, badges (canceled, attempt failed) and the meta line (template ·
    group · person · salesperson · labels · cost · duration · campaign) —
    built once per row here, every value escaped (:class:`_ItemHtml`), so the
    template writes one node per item instead of ~40 (issue #12: template
    nodes and number formatting were ~130 µs an item, the whole difference
    between a card with 10 and one with 20 items). The person is shown on a
    company's timeline only (the entry's person).
    """

    entry_no: int
    html: SafeString


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


# --- the card's first page: a statement compiled once --------------------------
#
# Every card shows the first page of its contact's timeline. Django resolved
# and compiled its ``values()`` with seven scalar subqueries on every request
# (~3 ms of Python, three times the query's own cost); the statement differs
# between contacts only in the contact's key. So it is compiled once per
# database, kind of contact and page size, with a stand-in key that is then
# replaced by the contact's. Later pages (after a cursor) go through the ORM.


@cache
def _first_page_statement(alias: str, is_company: bool, size: int) -> CompiledQuery:
    """The first page's statement (``size + 1`` rows) as Django compiles it."""
    kind = Contact.Type.COMPANY if is_company else Contact.Type.PERSON
    stand_in = Contact(pk=STAND_IN_ID, type=kind)
    queryset = _timeline_values(stand_in).using(alias).order_by(*TIMELINE_ORDERING)
    return CompiledQuery.compile(queryset[: size + 1], STAND_IN_ID)


def first_values_page(contact: Contact, *, size: int) -> KeysetPage:
    """The first page of ``contact``'s timeline as ``_timeline_values`` rows.

    The same rows and cursor as ``keyset_page(_timeline_values(contact), …)``
    without a cursor, from the statement compiled once.
    """
    alias = router.db_for_read(InteractionLogEntry)
    statement = _first_page_statement(alias, contact.is_company, size)
    values = statement.values(contact.pk)
    has_next = len(values) > size
    values = values[:size]
    next_cursor = None
    if has_next and values:
        last = values[-1]
        next_cursor = encode_cursor([last[f.lstrip("-")] for f in TIMELINE_ORDERING])
    return KeysetPage(rows=values, next_cursor=next_cursor, has_next=has_next)


def _escaped(value: object) -> str:
    """``conditional_escape(value)`` as a plain string, at the cost of ``html.escape``.

    Django's ``escape`` is ``html.escape`` of ``str(value)`` (the same five
    characters) behind a lazy-text wrapper that costs more than the escaping.
    """
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


class _ItemHtml:
    """Builds the HTML parts of :class:`TimelineItem` for one page, one language.

    The labels (translated titles, badges, choice labels, the sentences
    around cost and duration) are looked up and escaped once per page; the
    texts of the rows are escaped as they are joined in.
    """

    def __init__(self) -> None:
        self.formats = LocalFormats.active()
        self.template_span = (
            f'<span title="{_escaped(gettext("Interaction template"))}">'
        )
        self.group_span = f'<span title="{_escaped(gettext("Interaction group"))}">'
        self.canceled_badge = (
            '<span class="badge badge--canceled">'
            f"{_escaped(gettext('Canceled'))}</span>"
        )
        self.failed_badge = (
            '<span class="badge badge--warning">'
            f"{_escaped(gettext('Attempt failed'))}</span>"
        )
        self.labels = {
            "information_flow": self._escaped_labels(InformationFlow.choices),
            "correspondence_type": self._escaped_labels(CorrespondenceType.choices),
            "evaluation": self._escaped_labels(Evaluation.choices),
        }
        # As ``blocktranslate`` makes them: the number escaped, not the sentence.
        self.cost_sentence = gettext("Cost %(cost)s")
        self.minutes_sentence = gettext("%(minutes)s min.")
        self.when_memo: dict[tuple[Any, Any], str] = {}
        # (the number as written, places) → formatted and escaped: template
        # defaults make most rows share their cost and duration.
        self.number_memo: dict[tuple[str, int], str] = {}

    @staticmethod
    def _escaped_labels(choices: Any) -> dict[str, str]:
        return {key: _escaped(label) for key, label in choice_labels(choices).items()}

    def when(self, date: Any, time: Any) -> str:
        """``<time>`` of the date, then the clock time (many rows share them)."""
        key = (date, time)
        try:
            return self.when_memo[key]
        except KeyError:
            formats = self.formats
            text = (
                f'<time datetime="{date.isoformat()}">'
                f"{_escaped(formats.short_date(date))}</time>"
            )
            if time:
                text += f"<br>{_escaped(formats.time(time))}"
            self.when_memo[key] = text
            return text

    def number(self, value: Any, places: int) -> str:
        """``formats.decimal(value, places)`` escaped, once per distinct value."""
        key = (str(value), places)
        try:
            return self.number_memo[key]
        except KeyError:
            text = _escaped(self.formats.decimal(value, places))
            self.number_memo[key] = text
            return text

    def badges(self, row: dict[str, Any]) -> str:
        text = ""
        if row["canceled"]:
            text += " " + self.canceled_badge
        if row["attempt_failed"]:
            text += " " + self.failed_badge
        return text

    def meta(self, row: dict[str, Any], person_url: str) -> str:
        """The meta line: the values the entry has, joined by " · ", escaped."""
        parts = [
            f"{self.template_span}{_escaped(row['template_code'] or '')}</span>",
            f"{self.group_span}{_escaped(row['group_code'] or '')}</span>",
        ]
        if person_url:
            parts.append(
                f'<a href="{_escaped(person_url)}">{_escaped(row["contact_name"])}</a>'
            )
        if row["salesperson_name"]:
            parts.append(_escaped(row["salesperson_name"]))
        for key, labels in self.labels.items():
            value = row[key]
            if value:
                parts.append(labels.get(value) or _escaped(value))
        if row["cost"]:
            number = self.number(row["cost"], 2)
            sentence = self.cost_sentence % {"cost": number}
            parts.append(f'<span class="nowrap">{sentence}</span>')
        if row["duration"]:
            number = self.number(row["duration"], -2)
            sentence = self.minutes_sentence % {"minutes": number}
            parts.append(f'<span class="nowrap">{sentence}</span>')
        if row["campaign_no"]:
            parts.append(_escaped(row["campaign_no"]))
        # The template wrote each part on its own line: a space, as shown.
        return "\n· ".join(parts)

    def item(
        self, row: dict[str, Any], *, url: str, title: str, person_url: str, focus: bool
    ) -> SafeString:
        """The item's ``<li>``: what ``contact_timeline.html`` wrote per entry."""
        canceled = " timeline__item--canceled" if row["canceled"] else ""
        autofocus = " autofocus" if focus else ""
        return SafeString(
            f'<li class="timeline__item{canceled}">'
            f'<div class="timeline__when">{self.when(row["date"], row["time"])}</div>'
            '<div class="timeline__body"><p class="timeline__title">'
            f'<a href="{_escaped(url)}"{autofocus}>{_escaped(title)}</a>'
            f"{self.badges(row)}</p>"
            f'<p class="timeline__meta">{self.meta(row, person_url)}</p></div></li>'
        )


def timeline_items(
    contact: Contact,
    *,
    cursor: str | None = None,
    size: int,
    focus_first: bool = False,
) -> KeysetPage:
    """One page of the card's timeline as :class:`TimelineItem` rows.

    One query whatever the page shows: the entries with the codes and names
    of their template, group, salesperson, campaign (and, on a company's
    timeline, person) as scalar subqueries. Numbers, dates and labels are
    formatted here, in the active language, once per value (no template
    filter per row), and escaped (:class:`_ItemHtml`). ``focus_first`` puts
    ``autofocus`` on the first item's link (a page loaded with "Load more").
    Raises ``InvalidCursor`` for a tampered cursor.
    """
    if cursor:
        page = keyset_page(
            _timeline_values(contact),
            ordering=TIMELINE_ORDERING,
            cursor=cursor,
            size=size,
        )
    else:
        page = first_values_page(contact, size=size)
    build = _ItemHtml()
    entry_url = UrlPattern("interactions:entry-detail", "entry_no")
    contact_url = UrlPattern("contacts:contact-detail", "no")
    own_pk = contact.pk
    items = []
    for index, row in enumerate(page.rows):
        person_url = (
            "" if row["contact_id"] == own_pk else contact_url(row["contact_no"])
        )
        url = entry_url(row["entry_no"])
        title = (
            row["description"]
            or row["template_description"]
            or row["template_code"]
            or ""
        )
        items.append(
            TimelineItem(
                entry_no=row["entry_no"],
                html=build.item(
                    row,
                    url=url,
                    title=title,
                    person_url=person_url,
                    focus=focus_first and index == 0,
                ),
            )
        )
    return KeysetPage(rows=items, next_cursor=page.next_cursor, has_next=page.has_next)
