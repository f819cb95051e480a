"""Master data in admin: interaction groups, campaigns and attachments.

Every save goes through ``save_master_record`` and every delete through
``delete_master_record`` (DOMAIN §8, §9: deletion rules and the audit); a
campaign without a number takes the next one from its series
(``create_campaign``). :class:`InteractionsMasterDataAdmin` is the base of
every master-data page of this app (templates and their content too).

Contacts' code tables (salespeople, classification codes, number series) have
their pages in ``contacts.admin``; this module binds them to the same service,
whose deletion rules know the entries that refer to a salesperson.

Groups and campaigns show their figures (DOMAIN §7,
:mod:`interactions.admin.statistics`).
"""

from typing import Any

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from interactions.admin.statistics import (
    CAMPAIGN_FIGURES,
    FIGURES,
    StatisticsAdminMixin,
)
from interactions.models import (
    Attachment,
    Campaign,
    InteractionGroup,
    InteractionTemplate,
)
from interactions.services.masterdata import (
    MASTER_DATA_WRITES,
    create_campaign,
)
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.admin import (
    MasterDataAdmin,
    ModelT,
)


class InteractionsMasterDataAdmin(MasterDataAdmin[ModelT]):
    """A master-data page of this app: written through its master-data service."""

    writes = MASTER_DATA_WRITES


@admin.register(InteractionGroup)
class InteractionGroupAdmin(
    StatisticsAdminMixin, InteractionsMasterDataAdmin[InteractionGroup]
):
    list_display = ["code", "description", "template_count", *FIGURES]
    search_fields = ["code", "description"]
    readonly_fields = FIGURES

    def get_queryset(self, request: HttpRequest) -> QuerySet[InteractionGroup]:
        # A subquery: a second join (templates) would multiply the figures.
        templates = (
            InteractionTemplate.objects.filter(group=OuterRef("pk"))
            .order_by()
            .values("group")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                _templates=Coalesce(Subquery(templates, output_field=IntegerField()), 0)
            )
        )

    @admin.display(description=_("templates"), ordering="_templates")
    def template_count(self, obj: InteractionGroup) -> int:
        return int(obj._templates)  # type: ignore[attr-defined]  # get_queryset's


@admin.register(Campaign)
class CampaignAdmin(StatisticsAdminMixin, InteractionsMasterDataAdmin[Campaign]):
    list_display = [
        "no",
        "description",
        "status",
        "starting_date",
        "ending_date",
        "salesperson",
        *CAMPAIGN_FIGURES,
    ]
    readonly_fields = CAMPAIGN_FIGURES
    list_filter = ["status", "salesperson"]
    search_fields = ["no", "description"]
    list_select_related = ["salesperson"]
    autocomplete_fields = ["salesperson"]

    def get_form(
        self,
        request: HttpRequest,
        obj: Campaign | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        if obj is None and "no" in form_class.base_fields:
            form_class.base_fields["no"].required = False
            form_class.base_fields["no"].help_text = _(
                "Leave blank to take the next number from the number series."
            )
        return form_class

    def service_save(
        self, request: HttpRequest, obj: Campaign, form: Any, change: bool
    ) -> Campaign | None:
        if change or obj.no:
            return super().service_save(request, obj, form, change)
        fields = {
            name: value for name, value in form.cleaned_data.items() if name != "no"
        }
        return create_campaign(actor=user_or_none(request.user), **fields)


@admin.register(Attachment)
class AttachmentAdmin(InteractionsMasterDataAdmin[Attachment]):
    list_display = ["__str__", "file_name", "content_type", "read_only", "created_at"]
    list_filter = ["read_only"]
    search_fields = ["file_name", "subject"]
    readonly_fields = ["read_only", "created_at"]
    fields = ["file", "file_name", "content_type", "subject", "body", *readonly_fields]

    def has_change_permission(
        self, request: HttpRequest, obj: Attachment | None = None
    ) -> bool:
        # Content that was sent (read only) is part of the ledger's history.
        if obj is not None and obj.read_only:
            return False
        return super().has_change_permission(request, obj)
