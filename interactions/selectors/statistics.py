"""Statistics of the interaction log (DOMAIN §7), as aggregates and annotations.

Canceled and postponed entries never count. The figures themselves (number,
cost, duration) are defined once, on the entries' queryset
(:meth:`~interactions.models.ledger.InteractionLogEntryQuerySet.figure_aggregates`);
this module applies them to contacts, templates, groups, salespeople and
campaigns. Each function is one query: the figures are filtered aggregates, so
a list of templates (or salespeople …) gets its counts, costs and durations in
the same ``SELECT``.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, Salesperson
from interactions.models import (
    Campaign,
    ContactFigures,
    FiguresScope,
    InitiatedBy,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
)
from interactions.models.ledger import InteractionLogEntryQuerySet
from interactions.selectors.segments import logged_segments_with_counts

#: What the maintained row holds, in ``contact_statistics``' order.
FIGURE_NAMES = (
    "count",
    "cost",
    "duration",
    "last_interaction_date",
    "last_attempted_date",
)

# Master model -> its reverse relation to the entries.
ENTRY_RELATIONS: dict[type[models.Model], str] = {
    InteractionTemplate: "entries",
    InteractionGroup: "entries",
    Salesperson: "interaction_entries",
    Campaign: "interaction_entries",
}
# Master model -> the entry's foreign key to it.
ENTRY_FIELDS: dict[type[models.Model], str] = {
    InteractionTemplate: "template",
    InteractionGroup: "group",
    Salesperson: "salesperson",
    Campaign: "campaign",
}

# The entries' queryset with its figure helpers (``totals`` …).
Entries = InteractionLogEntryQuerySet[InteractionLogEntry]

_counted = InteractionLogEntryQuerySet.counted_condition
_figures = InteractionLogEntryQuerySet.figure_aggregates


def date_range_error(date_from: dt.date | None, date_to: dt.date | None) -> str | None:
    """Why a statistics date range is refused (``None``: it is fine).

    The one check of the date-range filter: the staff pages put the message on
    their ``date_to`` field, the API answers 400 naming ``date_to``.
    """
    if date_from is not None and date_to is not None and date_from > date_to:
        return str(_("The end date must be on or after the start date."))
    return None


def entry_totals(entries: Entries) -> dict[str, Any]:
    """``{count, cost, duration}`` of the counted entries in ``entries``.

    Delegates to ``InteractionLogEntryQuerySet.totals`` (one definition).
    """
    return entries.totals()


def contact_statistics(
    contact: Contact,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    """A contact's figures (§7) in one query.

    Without a date range they are read from the maintained row
    (:func:`maintained_figures`); with one, aggregated from the entries.

    A company's figures include its persons' entries, a person's only its own.
    ``count``/``cost``/``duration`` respect the date range; the two dates do
    not (they answer "when did we last …", NAV's flow fields):
    ``last_interaction_date`` is the latest successful (not attempt failed)
    entry, ``last_attempted_date`` the latest initiated by us — canceled
    entries never count (an improvement over NAV, §11).
    """
    if date_from is None and date_to is None:
        return maintained_figures(contact)
    # Counted entries only, in the WHERE clause: PostgreSQL then answers from
    # the partial covering index entry_contact_figures_idx (or the company's)
    # with an index-only scan instead of reading every entry of the contact.
    # The filters left in the aggregates use only its columns.
    return (
        InteractionLogEntry.objects.counted()
        .for_contact(contact)
        .aggregate(
            **_figures(_date_range(date_from, date_to)),
            last_interaction_date=Max("date", filter=Q(attempt_failed=False)),
            last_attempted_date=Max("date", filter=Q(initiated_by=InitiatedBy.US)),
        )
    )


def maintained_figures(contact: Contact) -> dict[str, Any]:
    """The contact's figures as maintained (one row, one query; issue #12).

    :class:`~interactions.models.ContactFigures` is kept right by every write
    (``interactions.services.figures``), like NAV's FlowFields over SIFT
    totals. A contact without a row has no counted entry: zeros, and no row
    is created by reading.
    """
    scope = FiguresScope.COMPANY if contact.is_company else FiguresScope.CONTACT
    row = (
        ContactFigures.objects.filter(contact=contact, scope=scope)
        .values(*FIGURE_NAMES)
        .first()
    )
    if row is None:
        return {
            "count": 0,
            "cost": Decimal(0),
            "duration": Decimal(0),
            "last_interaction_date": None,
            "last_attempted_date": None,
        }
    return dict(row)


def _date_range(date_from: dt.date | None, date_to: dt.date | None) -> Q:
    """Entries dated from ``date_from`` to ``date_to`` (both included, either open)."""
    condition = Q()
    if date_from is not None:
        condition &= Q(date__gte=date_from)
    if date_to is not None:
        condition &= Q(date__lte=date_to)
    return condition


def _campaign_figures(condition: Q, prefix: str = "") -> dict[str, models.Aggregate]:
    """A campaign's own figures: distinct target contacts contacted / responded."""
    return {
        "target_contacts_contacted": Count(
            f"{prefix}contact",
            filter=condition & Q(**{f"{prefix}campaign_target": True}),
            distinct=True,
        ),
        "contacts_responded": Count(
            f"{prefix}contact",
            filter=condition & Q(**{f"{prefix}campaign_response": True}),
            distinct=True,
        ),
    }


def annotate_statistics(
    queryset: QuerySet[Any],
    relation: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Any]:
    """Annotate templates, groups, salespeople or campaigns with their figures.

    Adds ``interaction_count``, ``interaction_cost`` and ``interaction_duration``
    (counted entries in the date range) with filtered aggregates, so the whole
    list costs one query. Campaigns also get ``target_contacts_contacted`` and
    ``contacts_responded``. ``relation`` is the reverse name of the entries
    (``entries`` or ``interaction_entries``), found from the model when omitted.
    """
    relation = relation or ENTRY_RELATIONS[queryset.model]
    prefix = f"{relation}__"
    condition = _counted(prefix, date_from, date_to)
    figures = _figures(condition, prefix)
    extra = _campaign_figures(condition, prefix) if queryset.model is Campaign else {}
    annotated: QuerySet[Any] = queryset.annotate(
        interaction_count=figures["count"],
        interaction_cost=figures["cost"],
        interaction_duration=figures["duration"],
        **extra,
    )
    return annotated


def campaign_statistics(
    campaign: Campaign,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    """A campaign's figures in one query (§7).

    Besides count, cost and duration: ``target_contacts_contacted`` (distinct
    contacts with a campaign-target entry) and ``contacts_responded`` (distinct
    contacts with a campaign-response entry).
    """
    counted = _counted(date_from=date_from, date_to=date_to)
    return campaign.interaction_entries.aggregate(
        **_figures(counted), **_campaign_figures(counted)
    )


def statistics_of(
    obj: models.Model,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    """The figures of one template, group, salesperson or campaign, in one query.

    ``count``, ``cost``, ``duration``; a campaign's also
    ``target_contacts_contacted`` and ``contacts_responded``.
    """
    if isinstance(obj, Campaign):
        return campaign_statistics(obj, date_from, date_to)
    entries: Entries = getattr(obj, ENTRY_RELATIONS[type(obj)])
    return entries.all().totals(date_from, date_to)


def entries_of(obj: models.Model) -> Entries:
    """The log entries of a template, group, salesperson or campaign, as listed.

    Not postponed (those are not in the log yet); canceled ones included, so
    the list agrees with the log page. Order them ``(-date, -entry_no)``.
    """
    entries: Entries = (
        InteractionLogEntry.objects.visible()
        .filter(**{ENTRY_FIELDS[type(obj)]: obj})
        .with_related()
    )
    return entries


def campaign_logged_segments(campaign: Campaign) -> QuerySet[LoggedSegment]:
    """The logged segments that made entries of ``campaign``, with their counts."""
    of_campaign = InteractionLogEntry.objects.filter(
        logged_segment=OuterRef("pk"), campaign=campaign
    )
    return logged_segments_with_counts().filter(Exists(of_campaign))
