"""Merge fields: template content rendered from plain values only (DOMAIN §2).

Used when an interaction is created (the content actually used is stored) and
when an e-mail is sent for an entry whose stored content still holds merge
fields (a logged segment shares one content copy among its entries).
"""

import datetime as dt
import re
from collections.abc import Mapping

from contacts.models import Contact, Salesperson
from interactions_crm.platform.languages import letter_date

#: The merge fields a template author can use, in the order the UI lists them.
MERGE_FIELDS: tuple[str, ...] = (
    "contact.name",
    "contact.no",
    "contact.company_name",
    "contact.job_title",
    "contact.email",
    "contact.address",
    "contact.post_code",
    "contact.city",
    "contact.phone",
    "salesperson.name",
    "salesperson.email",
    "salesperson.phone",
    "salesperson.job_title",
    "date",
)

# ``{{ name }}`` with optional spaces; anything else (tags, filters, other
# names) is not a merge field and is left exactly as written.
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")


def merge_context(
    *, contact: Contact, salesperson: Salesperson | None, date: dt.date
) -> dict[str, str]:
    """The plain string value of every merge field — never a model instance.

    Dates (and any number) are formatted in the contact's language, whatever
    language the acting user's request runs in.
    """
    date_text = letter_date(date, contact.language)
    return {
        "contact.name": contact.name,
        "contact.no": contact.no,
        "contact.company_name": contact.company_name,
        "contact.job_title": contact.job_title,
        "contact.email": contact.email,
        "contact.address": contact.address,
        "contact.post_code": contact.post_code,
        "contact.city": contact.city,
        "contact.phone": contact.phone,
        "salesperson.name": salesperson.name if salesperson else "",
        "salesperson.email": salesperson.email if salesperson else "",
        "salesperson.phone": salesperson.phone if salesperson else "",
        "salesperson.job_title": salesperson.job_title if salesperson else "",
        "date": date_text,
    }


def merge(text: str, context: Mapping[str, str]) -> str:
    """Replace whitelisted ``{{ name }}`` placeholders in one pass.

    This is deliberately not the Django template language: no tags, filters,
    attribute lookups or includes, so a template author can reach nothing but
    the values in ``context``. Unknown placeholders stay as written (visible in
    the preview), and substituted values are never expanded again.
    """

    def replace(match: re.Match[str]) -> str:
        return context.get(match.group(1), match.group(0))

    return _PLACEHOLDER.sub(replace, text)
