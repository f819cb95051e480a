"""The figures of DOMAIN §7 in admin: changelist columns and read-only fields.

:class:`StatisticsAdminMixin` annotates the admin's queryset with
``annotate_statistics`` (one query for a whole changelist page, no query per
row) and shows number of interactions, cost and duration — a campaign's also
target contacts contacted and contacts responded — as columns and on the
change form. Canceled and postponed entries do not count.

Salespeople are contacts' master data and ``contacts.admin`` may not know the
interaction log, so their page is re-registered here with the figures added.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from contacts.admin import SalespersonAdmin
from contacts.models import Salesperson
from interactions.models import Campaign, ContactFigures
from interactions.selectors.statistics import annotate_statistics
from interactions_crm.platform.admin import ReadOnlyAdmin

FIGURES = ("interaction_count", "interaction_cost", "interaction_duration")
CAMPAIGN_FIGURES = (*FIGURES, "target_contacts_contacted", "contacts_responded")


def _figure(obj: Any, name: str, decimals: int | None = None) -> Any:
    """An annotated figure; ``None`` on the add form (nothing to count yet).

    Sums are shown with ``decimals`` places, the same on every database.
    """
    value = getattr(obj, name, None)
    if value is None or decimals is None:
        return value
    return number_format(value, decimals)


class StatisticsAdminMixin(admin.ModelAdmin[Any]):
    """Figures of the counted entries as columns and read-only fields."""

    def shows_figures(self, request: HttpRequest) -> bool:
        """Only the changelist and the change form read the figures.

        The other pages (delete confirmation, autocomplete …) must not pay
        for aggregating the log.
        """
        match = request.resolver_match
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}_"
        return match is not None and match.url_name in {
            f"{prefix}changelist",
            f"{prefix}change",
        }

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if self.shows_figures(request):
            return annotate_statistics(queryset)
        return queryset

    @admin.display(description=_("interactions"), ordering="interaction_count")
    def interaction_count(self, obj: Any) -> Any:
        return _figure(obj, "interaction_count")

    @admin.display(description=_("cost (LCY)"), ordering="interaction_cost")
    def interaction_cost(self, obj: Any) -> Any:
        return _figure(obj, "interaction_cost", 2)

    @admin.display(description=_("duration (min.)"), ordering="interaction_duration")
    def interaction_duration(self, obj: Any) -> Any:
        return _figure(obj, "interaction_duration", 2)

    @admin.display(
        description=_("target contacts contacted"),
        ordering="target_contacts_contacted",
    )
    def target_contacts_contacted(self, obj: Campaign) -> Any:
        return _figure(obj, "target_contacts_contacted")

    @admin.display(description=_("contacts responded"), ordering="contacts_responded")
    def contacts_responded(self, obj: Campaign) -> Any:
        return _figure(obj, "contacts_responded")


admin.site.unregister(Salesperson)


@admin.register(Salesperson)
class SalespersonStatisticsAdmin(StatisticsAdminMixin, SalespersonAdmin):
    """Contacts' salesperson page with the salesperson's figures (§7)."""

    list_display = [*SalespersonAdmin.list_display, *FIGURES]
    readonly_fields = [*SalespersonAdmin.readonly_fields, *FIGURES]


@admin.register(ContactFigures)
class ContactFiguresAdmin(ReadOnlyAdmin[ContactFigures]):
    """The contact card's maintained figures, to look at (issue #12 item 3).

    Written only by ``interactions.services.figures``; checked and repaired
    with ``manage.py recount_contact_figures``.
    """

    list_display = [
        "contact",
        "scope",
        "count",
        "cost",
        "duration",
        "last_interaction_date",
        "last_attempted_date",
    ]
    list_filter = ["scope"]
    search_fields = ["=contact__no"]
    list_select_related = ["contact"]
