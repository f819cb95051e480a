"""One line of a segment: remove its contact, or personalise it (DOMAIN §5).

Lines are individually editable (template, salesperson, correspondence type,
cost …). htmx edits a row in place and removes a row without reloading the
worksheet; without JavaScript both are ordinary pages and redirects.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget

from interactions.models import Segment, SegmentLine
from interactions.selectors.segment_lines import line_with_details
from interactions.services import remove_contact_from_segment, update_segment_line
from interactions.web.base import (
    CHANGE_SEGMENT,
    StaffRequest,
    StaffView,
    show_validation_error,
)
from interactions.web.segments.forms import SegmentLineForm
from interactions.web.segments.worksheet import (
    segment_or_404,
    worksheet_context,
    worksheet_response,
)
from interactions_crm.platform.forms import add_service_errors

LINE_ROW = "interactions/includes/segment_lines.html#line-row"
LINE_EDIT_ROW = "interactions/includes/segment_lines.html#line-edit-row"


class SegmentRemoveLineView(StaffView):
    """Remove a line's contact by hand (a criteria action: "go back" undoes it).

    htmx: the row disappears and the summary and criteria actions are updated
    out of band, so a long list keeps its place; when the contact had more
    lines (added with "allow existing contacts") the whole worksheet reloads.
    """

    permission_required = CHANGE_SEGMENT
    http_method_names = ["post"]

    def post(self, request: StaffRequest, no: str, line_id: int) -> HttpResponse:
        segment = segment_or_404(no)
        line = get_object_or_404(
            SegmentLine.objects.select_related("contact"), pk=line_id, segment=segment
        )
        contact = line.contact
        try:
            removed = remove_contact_from_segment(
                segment=segment, actor=request.user, contact=contact
            )
        except ValidationError as error:
            show_validation_error(request, error)
            removed = 0
        else:
            messages.success(
                request,
                _("%(name)s (%(no)s) has been removed from the segment.")
                % {"name": contact.name, "no": contact.no},
            )
        if not request.htmx:
            return redirect(segment)
        if removed == 1:
            context = worksheet_context(request, segment)
            return render(
                request, "interactions/includes/segment_line_removed.html", context
            )
        return reswap(
            retarget(worksheet_response(request, segment), "#worksheet"), "outerHTML"
        )


class SegmentLineUpdateView(StaffView):
    """Personalise one line: template, salesperson, correspondence type, cost …

    htmx edits the row in place (GET gives the row as a form, POST the row
    again plus the summary out of band); without JavaScript it is a page.
    """

    permission_required = CHANGE_SEGMENT
    http_method_names = ["get", "post", "head", "options"]

    def get_line(self, segment: Segment, line_id: int) -> SegmentLine:
        return get_object_or_404(line_with_details(segment, line_id))

    def render_form(
        self,
        segment: Segment,
        line: SegmentLine,
        form: SegmentLineForm,
        status: int = 200,
    ) -> HttpResponse:
        context = {"segment": segment, "line": line, "form": form}
        if self.request.htmx:
            # htmx swaps only 2xx answers; errors show in the row.
            return render(self.request, LINE_EDIT_ROW, context)
        return render(
            self.request, "interactions/segment_line_form.html", context, status=status
        )

    def get(self, request: StaffRequest, no: str, line_id: int) -> HttpResponse:
        segment = segment_or_404(no)
        line = self.get_line(segment, line_id)
        if request.htmx and request.GET.get("cancel"):
            context = {"segment": segment, "line": line, "can_change": True}
            return render(request, LINE_ROW, context)
        form = SegmentLineForm(instance=line, compact=bool(request.htmx))
        return self.render_form(segment, line, form)

    def post(self, request: StaffRequest, no: str, line_id: int) -> HttpResponse:
        segment = segment_or_404(no)
        line = self.get_line(segment, line_id)
        form = SegmentLineForm(request.POST, instance=line, compact=bool(request.htmx))
        if form.is_valid():
            try:
                updated = update_segment_line(
                    actor=request.user, line=line, **form.service_values()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                message = _("The line of %(name)s has been saved.") % {
                    "name": line.contact.name
                }
                messages.success(request, message)
                if not request.htmx:
                    return redirect(segment)
                context = worksheet_context(request, segment) | {
                    "line": self.get_line(segment, updated.pk),
                    "can_change": True,
                }
                return render(
                    request, "interactions/includes/segment_line_saved.html", context
                )
        return self.render_form(segment, line, form, status=400)
