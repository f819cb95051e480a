"""Helpers for the ledger tests: entries are made through the services."""

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from interactions.models import InteractionLogEntry, LoggedSegment
from tests import factories
from tests.factories import make_entry
from tests.figures_recount import refigure


def make_entries(count: int, **kwargs: Any) -> list[InteractionLogEntry]:
    contact = kwargs.pop("contact", None) or factories.CompanyFactory()
    template = kwargs.pop("template", None) or factories.TemplateFactory()
    return [make_entry(contact, template, **kwargs) for _ in range(count)]


def attachment_file(name: str = "letter.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"Dear customer", content_type="text/plain")


def put_in_logged_segment(
    entries: list[InteractionLogEntry], *, canceled: bool = False, no: str = "SM1"
) -> LoggedSegment:
    """Attach entries to a logged segment.

    Logging segments belongs to ``log_segment`` (tested elsewhere); here only
    the link matters, so the rows are set directly.
    """
    logged = LoggedSegment.objects.create(
        segment_no=no, description="Spring mailing", date=dt.date(2026, 3, 1)
    )
    InteractionLogEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
        logged_segment=logged, segment_no=no
    )
    if canceled:
        InteractionLogEntry.objects.filter(logged_segment=logged).update(
            canceled=True, canceled_with_segment=True
        )
        logged.canceled = True
        logged.save(update_fields=["canceled"])
        refigure(InteractionLogEntry.objects.filter(logged_segment=logged))
    return logged
