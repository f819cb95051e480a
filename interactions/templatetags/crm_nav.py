"""The site's main navigation: ``{% main_nav as items %}`` in ``includes/nav.html``.

It names the pages of both apps (and the admin), so it lives in the top app,
which may know them all; each link shows only to users who may follow it.
"""

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contacts.templatetags.crm_layout import reverse_or_empty

register = template.Library()


@dataclass(frozen=True)
class NavEntry:
    """One link of the main navigation and who may see it."""

    url_name: str
    label: Promise
    permission: str = ""
    staff_only: bool = False


NAV_ENTRIES: tuple[NavEntry, ...] = (
    NavEntry(
        "interactions:dashboard",
        _("Dashboard"),
        "interactions.view_interactionlogentry",
    ),
    NavEntry("contacts:contact-list", _("Contacts"), "contacts.view_contact"),
    NavEntry(
        "interactions:entry-list",
        _("Interactions"),
        "interactions.view_interactionlogentry",
    ),
    NavEntry("interactions:segment-list", _("Segments"), "interactions.view_segment"),
    NavEntry(
        "interactions:loggedsegment-list",
        _("Logged segments"),
        "interactions.view_loggedsegment",
    ),
    NavEntry(
        "interactions:postponed-list",
        _("Postponed"),
        "interactions.view_interactionlogentry",
    ),
    NavEntry(
        "interactions:campaign-list", _("Campaigns"), "interactions.view_campaign"
    ),
    NavEntry(
        "interactions:template-list",
        _("Statistics"),
        "interactions.view_interactiontemplate",
    ),
    NavEntry("interactions:outbox", _("Outbox"), "interactions.view_outboxmessage"),
    NavEntry("admin:index", _("Admin"), staff_only=True),
)


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> list[dict[str, Any]]:
    """The navigation links this user may follow, the current one marked.

    The current link is the one whose URL is the longest prefix of the path,
    so ``/interactions/postponed/`` marks "Postponed", not "Interactions". A
    route that is not installed (the admin, say) is left out.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return []
    items: list[dict[str, Any]] = []
    for entry in NAV_ENTRIES:
        if entry.staff_only and not user.is_staff:
            continue
        if entry.permission and not user.has_perm(entry.permission):
            continue
        href = reverse_or_empty(entry.url_name)
        if href:
            items.append({"label": entry.label, "href": href, "current": False})
    path = request.path
    matches = [
        item
        for item in items
        if path == item["href"]
        or (item["href"] != "/" and path.startswith(item["href"]))
    ]
    if matches:
        max(matches, key=lambda item: len(item["href"]))["current"] = True
    return items
