"""The log's CSV export (DOMAIN §6.1): the filtered log, streamed.

The rows and their formatting live in :mod:`interactions.selectors.export`
(``COPY … TO STDOUT`` on PostgreSQL, a chunked iterator on SQLite); this view
reads the filters and the sort from the query string, as the log page does.
"""

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from interactions.selectors.export import export_lines
from interactions.selectors.log_page import PAGE_SORTS
from interactions.web.base import VIEW_ENTRIES, StaffRequest, StaffView
from interactions.web.entries.forms import lookup_keys


class EntryExportView(StaffView):
    """The filtered log as CSV in the user's language, streamed (flat memory)."""

    permission_required = VIEW_ENTRIES
    http_method_names = ["get"]

    def get(self, request: StaffRequest) -> HttpResponse | StreamingHttpResponse:
        # A contact, template, campaign or salesperson typed by name exports
        # what the list shows; one naming no single record, or a sort order
        # that does not exist, goes back to the list, which says so on the field
        # (never a file in another order or of other rows than asked).
        params, problems = lookup_keys(request.GET)
        sort = request.GET.get("sort") or "newest"
        if problems or sort not in PAGE_SORTS:
            for problem in problems:
                messages.error(request, problem)
            return redirect(
                f"{reverse('interactions:entry-list')}?{params.urlencode()}"
            )
        lines = export_lines(params, sort=sort)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            'attachment; filename="interaction-log-entries.csv"'
        )
        return response
