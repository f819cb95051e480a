"""Merge fields: template content rendered from plain values only (DOMAIN §2).

Used when an interaction is created and when a segment is logged (the content
actually used is stored). Content without merge fields renders the same for
every contact (:func:`uses_merge_fields`), so a logged segment stores it once
and its entries share that copy.
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


#: The contact's merge fields, each read from the attribute of the same name.
CONTACT_FIELDS: tuple[str, ...] = tuple(
    name.removeprefix("contact.")
    for name in MERGE_FIELDS
    if name.startswith("contact.")
)
#: The salesperson's merge fields, each read from the attribute of the same name.
SALESPERSON_FIELDS: tuple[str, ...] = tuple(
    name.removeprefix("salesperson.")
    for name in MERGE_FIELDS
    if name.startswith("salesperson.")
)


def merge_context(
    *, contact: Contact, salesperson: Salesperson | None, date: dt.date
) -> dict[str, str]:
    """The plain string value of every merge field — never a model instance.

    Dates (and any number) are formatted in the contact's language, whatever
    language the acting user's request runs in.
    """
    return merge_context_from_values(
        contact={name: getattr(contact, name) for name in CONTACT_FIELDS},
        salesperson=(
            {name: getattr(salesperson, name) for name in SALESPERSON_FIELDS}
            if salesperson is not None
            else None
        ),
        date_text=letter_date(date, contact.language),
    )


def merge_context_from_values(
    *,
    contact: Mapping[str, str],
    salesperson: Mapping[str, str] | None,
    date_text: str,
) -> dict[str, str]:
    """:func:`merge_context` from values already read (bulk rendering).

    ``contact`` holds :data:`CONTACT_FIELDS`, ``salesperson`` (``None``: no
    salesperson) :data:`SALESPERSON_FIELDS`, and ``date_text`` is the date as
    :func:`~interactions_crm.platform.languages.letter_date` writes it for the
    contact's language.
    """
    context = {f"contact.{name}": contact[name] for name in CONTACT_FIELDS}
    context |= {
        f"salesperson.{name}": salesperson[name] if salesperson else ""
        for name in SALESPERSON_FIELDS
    }
    context["date"] = date_text
    return context


def uses_merge_fields(text: str) -> bool:
    """Whether :func:`merge` would change ``text`` for some context.

    Only whitelisted names count: an unknown placeholder stays as written,
    so content holding none renders the same for every contact.
    """
    return any(match.group(1) in MERGE_FIELDS for match in _PLACEHOLDER.finditer(text))


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
