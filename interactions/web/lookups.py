"""Lookups of interaction templates and campaigns: form fields and endpoints.

The contact and salesperson lookups are the contacts app's own
(:mod:`contacts.lookups`); the rule is :mod:`interactions_crm.platform.lookups`.
"""

from django.utils.translation import gettext_lazy as _

from contacts.lookups import LookupView
from interactions.models import Campaign, InteractionTemplate
from interactions_crm.platform.lookups import LookupField, LookupSource


def _template_detail(template: InteractionTemplate) -> str:
    return f"{template.code} · {template.group.code}"


def _campaign_detail(campaign: Campaign) -> str:
    return f"{campaign.no} · {campaign.get_status_display()}"


TEMPLATES = LookupSource(
    rows=lambda: InteractionTemplate.objects.select_related("group"),
    key="code",
    name="description",
    url_name="interactions:template-lookup",
    detail=_template_detail,
)
CAMPAIGNS = LookupSource(
    rows=Campaign.objects.all,
    key="no",
    name="description",
    url_name="interactions:campaign-lookup",
    detail=_campaign_detail,
)


class TemplateLookupField(LookupField):
    """An interaction template typed as its code or (part of) its description."""

    source = TEMPLATES
    default_error_messages = {
        "ambiguous": _(
            "“%(value)s” matches several interaction templates: %(candidates)s. "
            "Choose one from the list or type its code."
        ),
        "not_found": _(
            "There is no interaction template with the code or description “%(value)s”."
        ),
    }


class CampaignLookupField(LookupField):
    """A campaign typed as its no. or (part of) its description."""

    source = CAMPAIGNS
    default_error_messages = {
        "ambiguous": _(
            "“%(value)s” matches several campaigns: %(candidates)s. Choose one "
            "from the list or type its no."
        ),
        "not_found": _("There is no campaign with the no. or description “%(value)s”."),
    }


class TemplateLookupView(LookupView):
    permission_required = "interactions.view_interactiontemplate"
    source = TEMPLATES


class CampaignLookupView(LookupView):
    permission_required = "interactions.view_campaign"
    source = CAMPAIGNS
