"""Template tags of the staff layout: navigation, defensive URLs, form fields.

The navigation names routes that other parts of the application provide; a
route that is not (yet) installed is skipped instead of breaking every page
with ``NoReverseMatch``.
"""

from dataclasses import dataclass
from typing import Any

from django import template
from django.forms import BoundField
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

register = template.Library()


@dataclass(frozen=True)
class NavEntry:
    """One link of the main navigation and who may see it."""

    url_name: str
    label: str
    permission: str = ""
    staff_only: bool = False


NAV_ENTRIES: tuple[NavEntry, ...] = (
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
        "interactions:dashboard",
        _("Dashboard"),
        "interactions.view_interactionlogentry",
    ),
    NavEntry("admin:index", _("Admin"), staff_only=True),
)


def reverse_or_empty(url_name: str, *args: Any) -> str:
    """``reverse(url_name)``, or ``""`` when the route is not installed."""
    try:
        return reverse(url_name, args=args or None)
    except NoReverseMatch:
        return ""


@register.simple_tag
def url_if_exists(url_name: str, *args: Any) -> str:
    """Like ``{% url %}`` but yields ``""`` for a missing route.

    Use with ``as``: ``{% url_if_exists "app:name" as href %}{% if href %}…``.
    """
    return reverse_or_empty(url_name, *args)


@register.simple_tag(takes_context=True)
def main_nav(context: template.Context) -> list[dict[str, Any]]:
    """The navigation links this user may follow, the current one marked.

    The current link is the one whose URL is the longest prefix of the path,
    so ``/interactions/postponed/`` marks "Postponed", not "Interactions".
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
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


@register.inclusion_tag("includes/field.html")
def field(bound_field: BoundField, css_class: str = "") -> dict[str, Any]:
    """One form field with its label, help text and errors, wired for a11y."""
    return {"field": bound_field, "css_class": css_class}


@register.filter
def widget_type(bound_field: BoundField) -> str:
    """The widget's class name in lower case (``checkboxinput``, ``select`` …)."""
    return bound_field.field.widget.__class__.__name__.lower()


@register.filter
def break_email(address: str) -> SafeString:
    """An e-mail address that may wrap before its ``@`` in narrow columns."""
    local, at, domain = str(address).partition("@")
    if not at:
        return conditional_escape(address)
    return mark_safe(f"{conditional_escape(local)}<wbr>@{conditional_escape(domain)}")
