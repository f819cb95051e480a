"""Statistics of the interaction log (DOMAIN §7), as aggregates and annotations.

Canceled and postponed entries never count. Each function is one query: the
figures are filtered aggregates, so a list of templates (or salespeople …)
gets its counts, costs and durations in the same ``SELECT``.
"""

import datetime as dt
from typing import Any, Protocol

from django.db import models
from django.db.models import Count, Max, Q, QuerySet, Sum

from contacts.models import Contact, Salesperson
from interactions.models import (
    Campaign,
    InitiatedBy,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)

# Master model -> its reverse relation to the entries.
ENTRY_RELATIONS: dict[type[models.Model], str] = {
    InteractionTemplate: "entries",
    InteractionGroup: "entries",
    Salesperson: "interaction_entries",
    Campaign: "interaction_entries",
}


def _counted(
    prefix: str = "", date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Q:
    """Entries that count (not canceled, not postponed) within the date range."""
    condition = Q(**{f"{prefix}canceled": False, f"{prefix}postponed": False})
    if date_from is not None:
        condition &= Q(**{f"{prefix}date__gte": date_from})
    if date_to is not None:
        condition &= Q(**{f"{prefix}date__lte": date_to})
    return condition


def _figures(condition: Q, prefix: str = "") -> dict[str, models.Aggregate]:
    """Number, total cost and total duration of the entries matching ``condition``."""
    return {
        "count": Count(f"{prefix}entry_no", filter=condition),
        "cost": Sum(f"{prefix}cost", filter=condition, default=0),
        "duration": Sum(f"{prefix}duration", filter=condition, default=0),
    }


class _Totalled(Protocol):
    """A queryset of entries (``InteractionLogEntryQuerySet``)."""

    def totals(self) -> dict[str, Any]: ...


def entry_totals(entries: _Totalled) -> dict[str, Any]:
    """``{count, cost, duration}`` of the counted entries in ``entries``."""
    totals: dict[str, Any] = entries.totals()
    return totals


def contact_statistics(
    contact: Contact,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    """A contact's figures (§7) in one query.

    A company's figures include its persons' entries, a person's only its own.
    ``count``/``cost``/``duration`` respect the date range; the two dates do
    not (they answer "when did we last …", NAV's flow fields):
    ``last_interaction_date`` is the latest successful (not attempt failed)
    entry, ``last_attempted_date`` the latest initiated by us — canceled
    entries never count (an improvement over NAV, §11).
    """
    counted = _counted()
    return InteractionLogEntry.objects.for_contact(contact).aggregate(
        **_figures(_counted(date_from=date_from, date_to=date_to)),
        last_interaction_date=Max("date", filter=counted & Q(attempt_failed=False)),
        last_attempted_date=Max(
            "date", filter=counted & Q(initiated_by=InitiatedBy.US)
        ),
    )


def annotate_statistics(
    queryset: QuerySet[Any],
    relation: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Any]:
    """Annotate templates, groups, salespeople or campaigns with their figures.

    Adds ``interaction_count``, ``interaction_cost`` and ``interaction_duration``
    (counted entries in the date range) with filtered aggregates, so the whole
    list costs one query. ``relation`` is the reverse name of the entries
    (``entries`` or ``interaction_entries``), found from the model when omitted.
    """
    relation = relation or ENTRY_RELATIONS[queryset.model]
    prefix = f"{relation}__"
    figures = _figures(_counted(prefix, date_from, date_to), prefix)
    annotated: QuerySet[Any] = queryset.annotate(
        interaction_count=figures["count"],
        interaction_cost=figures["cost"],
        interaction_duration=figures["duration"],
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
        **_figures(counted),
        target_contacts_contacted=Count(
            "contact", filter=counted & Q(campaign_target=True), distinct=True
        ),
        contacts_responded=Count(
            "contact", filter=counted & Q(campaign_response=True), distinct=True
        ),
    )
