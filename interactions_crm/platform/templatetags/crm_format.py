"""Template filters that show people names, not codes (issue #13 item 2)."""

from django import template

from interactions_crm.platform import languages

register = template.Library()


@register.filter
def language_name(code: str | None) -> str:
    """``{{ contact.language|language_name }}``: see :func:`languages.language_name`."""
    return languages.language_name(code)


@register.filter
def correspondence_language(code: str | None) -> str:
    """``{% language contact.language|correspondence_language %}`` for letters."""
    return languages.correspondence_language(code)
