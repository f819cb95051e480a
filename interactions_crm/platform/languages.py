"""Language codes as people read them (issue #13 item 2)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import get_language_info, gettext


def language_name(code: str | None) -> str:
    """A language code as its name in the active language ("nb" → "Norsk (bokmål)").

    The site's own languages use the names of ``settings.LANGUAGES``; any other
    code Django knows uses Django's translated name. A code nobody knows (a
    NAV-style ``NOR``, say) is shown as written: it is the user's own code,
    not one of ours. Blank gives an empty string (templates show "—").
    """
    if not code:
        return ""
    key = code.lower()
    names = dict(settings.LANGUAGES)
    if key in names:
        return gettext(str(names[key]))
    try:
        return str(get_language_info(key)["name_translated"])
    except KeyError:
        return code


def correspondence_language(code: str | None) -> str:
    """The site language in which to write to someone whose language is ``code``.

    A contact's language code selects template content; dates, numbers and
    the fixed words of a letter (cover sheet, merge fields) use the matching
    site language ("nb", "NO", "nb-NO" → "nb"), else the site default.
    """
    try:
        return translation.get_supported_language_variant((code or "").lower())
    except LookupError:
        return str(settings.LANGUAGE_CODE)
