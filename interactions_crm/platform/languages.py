"""Language codes as people read them; the dates of letters (issue #13 item 2)."""

import datetime as dt

from django.conf import settings
from django.utils import formats, translation
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


#: The date of a letter, written out as people write it in each site language
#: (pages use the numeric DATE_FORMAT of interactions_crm/formats).
LETTER_DATE_FORMATS = {"en": "F j, Y", "nb": "j. F Y"}


def letter_date(date: dt.date, code: str | None) -> str:
    """``date`` as a letter to someone whose language is ``code`` writes it.

    "27. november 2026" for Norwegian, "November 27, 2026" for English: the
    month name in the contact's language, whatever the user's language is.
    """
    language = correspondence_language(code)
    with translation.override(language):
        return formats.date_format(
            date, LETTER_DATE_FORMATS.get(language, "DATE_FORMAT")
        )
