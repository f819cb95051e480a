"""Template tags of the staff layout: defensive URLs, form fields, e-mail addresses.

``url_if_exists`` yields ``""`` for a route that is not installed instead of
breaking the page with ``NoReverseMatch``. The main navigation, which names
both apps' pages, is ``interactions.templatetags.crm_nav``.
"""

from typing import Any

from django import template
from django.forms import BoundField
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


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


@register.inclusion_tag("includes/field.html")
def field(bound_field: BoundField, css_class: str = "") -> dict[str, Any]:
    """One form field with its label, help text and errors, wired for a11y."""
    return {"field": bound_field, "css_class": css_class}


@register.filter
def widget_type(bound_field: BoundField) -> str:
    """The widget's class name in lower case (``checkboxinput``, ``select`` …)."""
    return str(bound_field.field.widget.__class__.__name__).lower()


@register.filter
def break_email(address: str) -> SafeString:
    """An e-mail address that may wrap before its ``@`` in narrow columns."""
    local, at, domain = str(address).partition("@")
    if not at:
        return conditional_escape(address)
    return mark_safe(f"{conditional_escape(local)}<wbr>@{conditional_escape(domain)}")
