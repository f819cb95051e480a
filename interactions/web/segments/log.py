"""Log segment (DOMAIN §5; NAV report 5185): ``/segments/<no>/log/``.

The page shows what logging will record and asks for the options (send the
e-mails, create a follow-up segment). Refusals (no description, empty, a line
failing DOMAIN §4.2) are listed on the page and nothing is written. A segment
with more lines than ``CRM_BACKGROUND_THRESHOLD`` is logged by the task worker
(:func:`interactions.services.jobs.runs_in_background`, as in admin and API)
and the user follows the job; a smaller one is logged within the request.
After logging the segment is gone; the user lands on the logged segments.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interactions.models import LoggedSegment, Segment
from interactions.selectors.logged_segments import log_outcome
from interactions.selectors.outbox import suppressed_line_count
from interactions.selectors.segment_lines import LineSummary, line_summary
from interactions.services import log_segment, start_log_segment_job
from interactions.services.jobs import runs_in_background
from interactions.web.base import (
    LOG_SEGMENT,
    VIEW_LOGGED,
    StaffRequest,
    StaffView,
)
from interactions.web.segments.forms import LogSegmentForm
from interactions.web.segments.worksheet import segment_or_404
from interactions_crm.platform.forms import add_service_errors


def logged_message(logged: LoggedSegment) -> str:
    """ "Segment X has been logged: N entries created." (+ the follow-up segment).

    The number of entries and the follow-up segment's number are those the
    service recorded (:func:`~interactions.selectors.logged_segments.
    log_outcome`).
    """
    outcome = log_outcome(logged)
    count = outcome.get("entries", 0)
    message = ngettext(
        "Segment %(no)s has been logged: %(count)d interaction log entry created.",
        "Segment %(no)s has been logged: %(count)d interaction log entries created.",
        count,
    ) % {"no": logged.segment_no, "count": count}
    if outcome.get("follow_up"):
        message += " " + _("Follow-up segment %(no)s has been created.") % {
            "no": outcome["follow_up"]
        }
    if outcome.get("send"):
        message += " " + _(
            "The e-mails are being sent; each entry's delivery status shows the result."
        )
    return message


class SegmentLogView(StaffView):
    """Options and confirmation, then log now or as a background job."""

    permission_required = LOG_SEGMENT
    http_method_names = ["get", "post", "head", "options"]
    template_name = "interactions/segment_log.html"

    def make_form(self, summary: LineSummary, data: Any = None) -> LogSegmentForm:
        form = LogSegmentForm(data, initial={"send": bool(summary["email"])})
        if not summary["email"]:
            # NAV: "Send" is only enabled when a line has a correspondence type.
            form.fields["send"].disabled = True
            form.fields["send"].help_text = _(
                "No line has correspondence type e-mail: there is nothing to send."
            )
        return form

    def render_page(
        self,
        segment: Segment,
        form: LogSegmentForm,
        summary: LineSummary,
        status: int = 200,
    ) -> HttpResponse:
        context = {"segment": segment, "form": form, "summary": summary}
        context["suppressed"] = suppressed_line_count(segment)  # DOMAIN §12
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: StaffRequest, no: str) -> HttpResponse:
        segment = segment_or_404(no)
        summary = line_summary(segment)
        return self.render_page(segment, self.make_form(summary), summary)

    def post(self, request: StaffRequest, no: str) -> HttpResponse:
        segment = segment_or_404(no)
        summary = line_summary(segment)
        form = self.make_form(summary, request.POST)
        if form.is_valid():
            options = {
                "send": form.cleaned_data["send"],
                "follow_up": form.cleaned_data["follow_up"],
            }
            if runs_in_background(summary["count"]):
                job = start_log_segment_job(
                    segment=segment, actor=request.user, **options
                )
                messages.info(
                    request,
                    _("Segment %(no)s is being logged in the background.")
                    % {"no": segment.no},
                )
                return redirect("interactions:job-detail", pk=job.pk)
            try:
                logged = log_segment(segment=segment, actor=request.user, **options)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, logged_message(logged))
                if request.user.has_perm(VIEW_LOGGED):
                    return redirect("interactions:loggedsegment-list")
                return redirect("interactions:segment-list")
        return self.render_page(segment, form, summary, status=400)
