"""Reads for a segment's utilities (NAV §11.4): Export Contacts, labels, cover
sheets.

The export lists one row per line (a contact on two lines appears twice, as
the lines do) with labels, never codes; the printable pages take the lines
to print a keyset page at a time, so a large segment never renders at once.
"""

from collections.abc import Iterator
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, CorrespondenceType
from interactions.models import Segment, SegmentLine
from interactions_crm.platform.keyset import KeysetPage, keyset_page

#: (field of the line's row, column header) of the CSV, in order.
EXPORT_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("contact__no", _("Contact no.")),
    ("contact__name", _("Name")),
    ("contact__type", _("Contact type")),
    ("contact_company__no", _("Company no.")),
    ("contact_company__name", _("Company name")),
    ("contact__job_title", _("Job title")),
    ("contact__address", _("Address")),
    ("contact__post_code", _("Post code")),
    ("contact__city", _("City")),
    ("contact__country", _("Country/region code")),
    ("contact__phone", _("Phone no.")),
    ("contact__mobile_phone", _("Mobile phone no.")),
    ("contact__email", _("E-mail")),
    ("language", _("Language code")),
    ("salesperson__name", _("Salesperson")),
    ("correspondence_type", _("Correspondence type")),
    ("template__code", _("Interaction template")),
)

#: Columns whose stored code is shown as its label (in the user's language).
_LABELLED: dict[str, type[models.TextChoices]] = {
    "contact__type": Contact.Type,
    "correspondence_type": CorrespondenceType,
}


def export_header() -> list[str]:
    return [str(label) for _name, label in EXPORT_COLUMNS]


def export_rows(segment: Segment, chunk_size: int = 2000) -> Iterator[list[str]]:
    """The segment's lines as CSV rows (labels for choices), in line order.

    The labels are translated now, in the request's language: the rows are
    read later, while the response streams.
    """
    names = [name for name, _label in EXPORT_COLUMNS]
    labels = {
        index: {str(value): str(label) for value, label in _LABELLED[name].choices}
        for index, name in enumerate(names)
        if name in _LABELLED
    }
    rows = segment.lines.order_by("id").values_list(*names)

    def read() -> Iterator[list[str]]:
        for row in rows.iterator(chunk_size=chunk_size):
            values = ["" if value is None else str(value) for value in row]
            for index, choices in labels.items():
                code = values[index]
                values[index] = choices.get(code, code) if code else ""
            yield values

    return read()


def printable_lines(
    segment: Segment,
    *,
    hard_copy_only: bool,
    cursor: str | None = None,
    size: int,
) -> KeysetPage:
    """A page of the lines to print (labels, cover sheets), in line order.

    ``hard_copy_only``: the lines whose correspondence type is hard copy —
    the contacts that get the mailing on paper.
    """
    lines: QuerySet[SegmentLine] = segment.lines.select_related(
        "contact__company", "salesperson", "template"
    )
    if hard_copy_only:
        lines = lines.filter(correspondence_type=CorrespondenceType.HARD_COPY)
    return keyset_page(lines, ordering=("id",), cursor=cursor, size=size)
