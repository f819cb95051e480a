"""Statistics pages: a list and a card per kind of master data (DOMAIN §7).

``/campaigns/``, ``/interaction-templates/``, ``/interaction-groups/`` and
``/salespeople/`` list the rows with their figures (number of interactions,
cost, duration; a campaign's also target contacts contacted and contacts
responded) over the date range in the query, keyset-paged by the business key,
the figures of a whole page in one query. A card shows one row's figures and
its entries (keyset pages); a campaign's card also its logged segments.
Canceled and postponed entries never count. Each page needs the view
permission of its model; the entries need the log's.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contacts.models import Salesperson
from interactions.models import Campaign, InteractionGroup, InteractionTemplate
from interactions.selectors.statistics import (
    annotate_statistics,
    campaign_logged_segments,
    entries_of,
    statistics_of,
)
from interactions.web.base import (
    VIEW_ENTRIES,
    VIEW_LOGGED,
    StaffTemplateView,
    page_or_first,
)
from interactions.web.statistics.forms import DateRangeForm
from interactions_crm.platform.keyset import keyset_page

PAGE_SIZE = 50


@dataclass(frozen=True)
class Kind:
    """One kind of master data with statistics: how its pages read it."""

    name: str
    model: type[Model]
    key: str
    permission: str
    title: Promise
    # The descriptive columns of the list: (label, attribute or method).
    columns: tuple[tuple[Promise, str], ...]
    select_related: tuple[str, ...] = field(default=())

    @property
    def is_campaign(self) -> bool:
        return self.model is Campaign

    @property
    def column_count(self) -> int:
        """Columns of the list: key, descriptive columns, the figures."""
        return 1 + len(self.columns) + (5 if self.is_campaign else 3)

    def rows(self) -> QuerySet[Any]:
        """The kind's rows with the relations its pages show.

        ``select_related()`` without fields would follow every relation (and
        is deprecated), so a kind without any is read as it is.
        """
        rows = self.model._default_manager.all()
        if self.select_related:
            rows = rows.select_related(*self.select_related)
        return rows

    def list_url(self) -> str:
        return reverse(f"interactions:{self.name}-list")

    def card_url(self, obj: Model) -> str:
        return reverse(
            f"interactions:{self.name}-detail", args=[getattr(obj, self.key)]
        )


CAMPAIGNS = Kind(
    name="campaign",
    model=Campaign,
    key="no",
    permission="interactions.view_campaign",
    title=_("Campaigns"),
    columns=(
        (_("Description"), "description"),
        (_("Status"), "get_status_display"),
        (_("Starting date"), "starting_date"),
        (_("Ending date"), "ending_date"),
        (_("Salesperson"), "salesperson"),
    ),
    select_related=("salesperson",),
)
TEMPLATES = Kind(
    name="template",
    model=InteractionTemplate,
    key="code",
    permission="interactions.view_interactiontemplate",
    title=_("Interaction templates"),
    columns=((_("Description"), "description"), (_("Group"), "group")),
    select_related=("group",),
)
GROUPS = Kind(
    name="group",
    model=InteractionGroup,
    key="code",
    permission="interactions.view_interactiongroup",
    title=_("Interaction groups"),
    columns=((_("Description"), "description"),),
)
SALESPEOPLE = Kind(
    name="salesperson",
    model=Salesperson,
    key="code",
    permission="contacts.view_salesperson",
    title=_("Salespeople"),
    columns=((_("Name"), "name"),),
)
KINDS = (CAMPAIGNS, TEMPLATES, GROUPS, SALESPEOPLE)


def _cell(obj: Model, attribute: str) -> Any:
    """A column's value: the attribute, or what the method returns."""
    value = getattr(obj, attribute)
    return value() if callable(value) else value


class StatisticsView(StaffTemplateView):
    """What the list and the card share: the kind, its permission, the dates."""

    kind: Kind = CAMPAIGNS

    def get_permission_required(self) -> tuple[str, ...]:
        return (self.kind.permission,)

    def date_range(self) -> tuple[DateRangeForm, dict[str, Any] | None]:
        """The filter form and its dates; ``None`` while the range is invalid."""
        form = DateRangeForm(self.request.GET or None)
        if not form.is_bound:
            return DateRangeForm(), {"date_from": None, "date_to": None}
        if not form.is_valid():
            return form, None
        return form, {
            "date_from": form.cleaned_data["date_from"],
            "date_to": form.cleaned_data["date_to"],
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        user = self.request.user
        context["kind"] = self.kind
        context["tabs"] = [
            {"kind": kind, "href": kind.list_url(), "current": kind is self.kind}
            for kind in KINDS
            if user.has_perm(kind.permission)
        ]
        return context


class StatisticsListView(StatisticsView):
    """A kind's rows with their figures, keyset pages by the business key."""

    template_name = "interactions/statistics_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, dates = self.date_range()
        context["form"] = form
        context["page"] = None
        if dates is None:
            return context
        queryset = annotate_statistics(
            self.kind.rows(),
            **dates,
        )
        page = page_or_first(
            keyset_page,
            self.request.GET.get("cursor"),
            queryset=queryset,
            ordering=(self.kind.key,),
            size=PAGE_SIZE,
        )
        context["page"] = page
        context["rows"] = [
            {
                "key": getattr(obj, self.kind.key),
                "url": self.kind.card_url(obj),
                "cells": [_cell(obj, attribute) for _, attribute in self.kind.columns],
                "figures": obj,
            }
            for obj in page.rows
        ]
        return context


class StatisticsCardView(StatisticsView):
    """One row's figures, its entries and (a campaign's) logged segments."""

    template_name = "interactions/statistics_card.html"

    def get_object(self) -> Model:
        try:
            return get_object_or_404(
                self.kind.rows(), **{self.kind.key: self.kwargs["key"]}
            )
        except ValueError as exc:  # a key the database cannot search for
            raise Http404 from exc

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        form, dates = self.date_range()
        user = self.request.user
        context.update(
            object=obj,
            key=getattr(obj, self.kind.key),
            details=[
                (label, _cell(obj, attribute)) for label, attribute in self.kind.columns
            ],
            form=form,
            figures=statistics_of(obj, **dates) if dates is not None else None,
            entries=None,
            logged_segments=None,
        )
        if user.has_perm(VIEW_ENTRIES):
            context["entries"] = page_or_first(
                keyset_page,
                self.request.GET.get("cursor"),
                queryset=entries_of(obj),
                ordering=("-date", "-entry_no"),
                size=PAGE_SIZE,
            )
        if isinstance(obj, Campaign) and user.has_perm(VIEW_LOGGED):
            context["logged_segments"] = page_or_first(
                keyset_page,
                self.request.GET.get("segments_cursor"),
                queryset=campaign_logged_segments(obj),
                ordering=("-id",),
                size=PAGE_SIZE,
            )
        return context
