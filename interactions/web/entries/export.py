"""The log's CSV export (DOMAIN §6.1): the filtered log, streamed.

The rows and their formatting live in :mod:`interactions.selectors.export`
(``COPY … TO STDOUT`` on PostgreSQL, a chunked iterator on SQLite); this view
reads the filters and the sort from the query string, as the log page does.
"""

from django.http import StreamingHttpResponse

from interactions.selectors.export import export_lines
from interactions.selectors.log import sort_key
from interactions.web.base import VIEW_ENTRIES, StaffRequest, StaffView


class EntryExportView(StaffView):
    """The filtered log as CSV in the user's language, streamed (flat memory)."""

    permission_required = VIEW_ENTRIES
    http_method_names = ["get"]

    def get(self, request: StaffRequest) -> StreamingHttpResponse:
        lines = export_lines(request.GET, sort=sort_key(request.GET.get("sort")))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            'attachment; filename="interaction-log-entries.csv"'
        )
        return response
