"""A segment's utilities (NAV segment page §11.4): Apply Mailing Group, Export
Contacts, Print Labels, Print Cover Sheets.

* Apply Mailing Group is a worksheet action (a form in the toolbar) calling
  :func:`~interactions.services.segments.utilities.apply_mailing_group`.
* Export Contacts streams the lines' contacts as CSV, with labels in the
  user's language (header row included), never codes.
* Labels and cover sheets are print pages (print CSS, no inline styles) for
  the lines that get the mailing on paper (correspondence type hard copy);
  ``?lines=all`` prints every line. They show :data:`PRINT_PAGE_SIZE` lines
  at a time with a link to the next ones, so a large segment never renders
  at once.
"""

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.forms import Form
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from interactions.models import Segment
from interactions.selectors.segment_exports import (
    export_header,
    export_rows,
    printable_lines,
)
from interactions.services.segments.utilities import apply_mailing_group
from interactions.web.base import (
    CHANGE_SEGMENT,
    VIEW_SEGMENT,
    StaffRequest,
    StaffView,
    page_or_first,
)
from interactions.web.segments.forms import ApplyMailingGroupForm
from interactions.web.segments.worksheet import WorksheetActionView, segment_or_404

#: Labels or cover sheets per printed page.
PRINT_PAGE_SIZE = 300


class SegmentApplyMailingGroupView(WorksheetActionView):
    """Make the segment's contacts members of a mailing group."""

    form_class = ApplyMailingGroupForm
    form_name = "mailing_form"
    permission_required = CHANGE_SEGMENT

    def perform(self, segment: Segment, form: Form) -> str:
        outcome = apply_mailing_group(
            segment=segment,
            actor=self.request.user,
            mailing_group=form.cleaned_data["mailing_group"],
            remove_others=form.cleaned_data["remove_others"],
        )
        return outcome.message()


class SegmentExportContactsView(StaffView):
    """The segment's contacts as CSV, one row per line, streamed."""

    permission_required = VIEW_SEGMENT
    http_method_names = ["get"]

    def get(self, request: StaffRequest, no: str) -> StreamingHttpResponse:
        segment = segment_or_404(no)
        response = StreamingHttpResponse(
            self.lines(segment), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="segment-{segment.no}-contacts.csv"'
        )
        return response

    @staticmethod
    def lines(segment: Segment, chunk_size: int = 2000) -> Iterator[bytes]:
        """CSV in chunks; header and labels translated before streaming starts."""
        header, rows = export_header(), export_rows(segment, chunk_size)
        return SegmentExportContactsView._chunks(header, rows, chunk_size)

    @staticmethod
    def _chunks(
        header: list[str], rows: Iterator[list[str]], chunk_size: int
    ) -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for i, row in enumerate(rows, start=1):
            writer.writerow(row)
            if i % chunk_size == 0:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()


class SegmentPrintView(StaffView):
    """Labels or cover sheets for the segment's hard-copy lines (print CSS)."""

    permission_required = VIEW_SEGMENT
    http_method_names = ["get", "head", "options"]
    template_name: str

    def get(self, request: StaffRequest, no: str) -> HttpResponse:
        segment = segment_or_404(no)
        every_line = request.GET.get("lines") == "all"
        page = page_or_first(
            printable_lines,
            request.GET.get("cursor"),
            segment=segment,
            hard_copy_only=not every_line,
            size=PRINT_PAGE_SIZE,
        )
        context: dict[str, Any] = {
            "segment": segment,
            "page": page,
            "every_line": every_line,
        }
        return render(request, self.template_name, context)


class SegmentLabelsView(SegmentPrintView):
    template_name = "interactions/segment_labels.html"


class SegmentCoverSheetsView(SegmentPrintView):
    template_name = "interactions/segment_cover_sheets.html"
