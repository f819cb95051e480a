"""The segment worksheet (DOMAIN §5; NAV §11): ``/segments/<no>/`` and its actions.

The worksheet shows the header, the lines (keyset pages — a segment can have
100,000 lines, so they are never all rendered), the criteria actions that
built it and the actions that change it: add one contact, save or reuse
criteria, reuse a logged segment, go back, delete. Every action is thin: it
validates a form, calls one segment service and redirects with a message
(post/redirect/get); htmx requests get only the part of the worksheet that
changed. Add / reduce / refine contacts have their own pages
(:mod:`interactions.web.segments.criteria`), as have a line
(:mod:`~interactions.web.segments.lines`) and logging
(:mod:`~interactions.web.segments.log`).
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interactions.criteria import ContactCriteriaFilterSet
from interactions.models import Segment, SegmentCriteriaAction
from interactions.selectors.logged_segments import recent_segment_numbers
from interactions.selectors.segment_lines import line_page, line_summary
from interactions.services import (
    add_contact_to_segment,
    delete_segment,
    go_back,
    reuse_criteria,
    reuse_logged_segment,
    save_criteria,
)
from interactions.web.base import (
    CHANGE_SEGMENT,
    DELETE_SEGMENT,
    LOG_SEGMENT,
    VIEW_SEGMENT,
    StaffRequest,
    StaffView,
    page_or_first,
    show_validation_error,
)
from interactions.web.segments.forms import (
    CRITERIA_OPTIONS,
    AddContactForm,
    ApplyMailingGroupForm,
    ReuseCriteriaForm,
    ReuseLoggedSegmentForm,
    SaveCriteriaForm,
)
from interactions_crm.platform.forms import add_service_errors
from interactions_crm.platform.keyset import KeysetPage
from interactions_crm.platform.languages import language_name

LINE_PAGE_SIZE = 50
#: Criteria actions listed on the worksheet (newest first; "go back" needs one).
ACTIONS_SHOWN = 25
#: Logged segment numbers suggested in "reuse logged segment".
LOGGED_SUGGESTIONS = 50

WORKSHEET = "interactions/includes/segment_worksheet.html"
LINE_ROWS = "interactions/includes/segment_lines.html#line-rows"


def segment_or_404(no: str) -> Segment:
    """The segment (with its header's relations) or 404 — e.g. once logged."""
    return get_object_or_404(
        Segment.objects.select_related(
            "template", "salesperson", "campaign", "created_by"
        ),
        no=no,
    )


def lines_page(segment: Segment, cursor: str | None = None) -> KeysetPage:
    """A page of the segment's lines; a tampered cursor shows the first page."""
    return page_or_first(line_page, cursor, segment=segment, size=LINE_PAGE_SIZE)


def describe_criteria(criteria: dict[str, Any]) -> list[tuple[str, str]]:
    """``(label, value)`` for each stored criterion, labelled as on the form.

    Values read as on the form too: a choice's label (not its code), a
    language's name, a date in the user's format.
    """
    filters = ContactCriteriaFilterSet.base_filters
    labels = {"logged_segment": _("Logged segment")}
    described = []
    for name, value in criteria.items():
        label = labels.get(name) or (filters[name].label if name in filters else name)
        described.append((str(label), criterion_text(filters.get(name), value)))
    return described


def criterion_text(criterion: Any, value: Any) -> str:
    """A stored criterion value as people read it (see :func:`describe_criteria`)."""
    text = str(value)
    if isinstance(criterion, django_filters.ChoiceFilter):
        return str(dict(criterion.extra.get("choices", ())).get(text, text))
    if isinstance(criterion, django_filters.DateFilter):
        try:
            return date_format(dt.date.fromisoformat(text), "SHORT_DATE_FORMAT")
        except ValueError:
            return text
    if criterion is not None and criterion.field_name == "language":
        return language_name(text)
    return text


def describe_options(action: SegmentCriteriaAction) -> list[str]:
    """The labels of the options that were on for a criteria action."""
    labels = CRITERIA_OPTIONS.get(action.kind, {})
    return [
        str(labels[name][0])
        for name, on in action.options.items()
        if on and name in labels
    ]


def criteria_rows(segment: Segment) -> list[dict[str, Any]]:
    """The latest criteria actions, newest first, described for people."""
    actions = segment.criteria_actions.select_related("actor").order_by("-seq")
    return [
        {
            "action": action,
            "criteria": describe_criteria(action.criteria),
            "options": describe_options(action),
        }
        for action in actions[:ACTIONS_SHOWN]
    ]


def worksheet_context(
    request: StaffRequest,
    segment: Segment,
    *,
    cursor: str | None = None,
    forms: Mapping[str, Form] | None = None,
) -> dict[str, Any]:
    """Everything the worksheet shows; ``forms`` replaces actions' forms by name.

    ``cursor`` starts the lines at a later page (the "load more" link without
    JavaScript). The query count does not depend on the number of lines or actions: the
    summary is one aggregate, the lines one keyset page, the actions one
    query, the choices of the reuse forms one query each.
    """
    forms = forms or {}
    user = request.user
    can_change = user.has_perm(CHANGE_SEGMENT)
    context: dict[str, Any] = {
        "segment": segment,
        "summary": line_summary(segment),
        "page": lines_page(segment, cursor),
        "continued": bool(cursor),
        "criteria_actions": criteria_rows(segment),
        "actions_shown": ACTIONS_SHOWN,
        "can_change": can_change,
        "can_log": user.has_perm(LOG_SEGMENT),
        "can_delete": user.has_perm(DELETE_SEGMENT),
        "open_panel": next(iter(forms), ""),
    }
    if can_change:
        context |= {
            "add_form": forms.get("add_form") or AddContactForm(),
            "save_form": forms.get("save_form") or SaveCriteriaForm(),
            "reuse_form": forms.get("reuse_form") or ReuseCriteriaForm(),
            "logged_form": forms.get("logged_form") or ReuseLoggedSegmentForm(),
            "mailing_form": forms.get("mailing_form") or ApplyMailingGroupForm(),
            "logged_suggestions": recent_segment_numbers(limit=LOGGED_SUGGESTIONS),
        }
    return context


class SegmentDetailView(StaffView):
    """``/segments/<no>/``: the worksheet. ``?cursor=`` pages the lines.

    htmx ("load more") receives only the next rows; without JavaScript the
    link opens the worksheet at that page of lines.
    """

    permission_required = VIEW_SEGMENT
    http_method_names = ["get", "head", "options"]

    def get(self, request: StaffRequest, no: str) -> HttpResponse:
        segment = segment_or_404(no)
        cursor = request.GET.get("cursor")
        if cursor and request.htmx:
            context = {
                "segment": segment,
                "page": lines_page(segment, cursor),
                "can_change": request.user.has_perm(CHANGE_SEGMENT),
                "more_focus": True,
            }
            return render(request, LINE_ROWS, context)
        context = worksheet_context(request, segment, cursor=cursor)
        return render(request, "interactions/segment_detail.html", context)


def worksheet_response(
    request: StaffRequest,
    segment: Segment,
    *,
    status: int = 200,
    forms: Mapping[str, Form] | None = None,
) -> HttpResponse:
    """The worksheet again: its changing part for htmx, else the whole page."""
    context = worksheet_context(request, segment, forms=forms)
    if request.htmx:
        # htmx swaps only 2xx responses; errors are shown on the form.
        return render(request, WORKSHEET, context)
    return render(request, "interactions/segment_detail.html", context, status=status)


class WorksheetActionView(StaffView):
    """A form on the worksheet that calls one service.

    Valid → the service runs, a message, back to the worksheet (htmx: the
    refreshed worksheet). Invalid (form or service) → the worksheet with the
    errors on the action's form, its panel open (status 400).
    """

    permission_required = CHANGE_SEGMENT
    http_method_names = ["post"]
    form_class: type[Form]
    form_name: str

    def post(self, request: StaffRequest, no: str) -> HttpResponse:
        segment = segment_or_404(no)
        form = self.form_class(request.POST, **self.form_kwargs())
        if form.is_valid():
            try:
                message = self.perform(segment, form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, message)
                if request.htmx:
                    return worksheet_response(request, segment, forms=self.next_forms())
                return redirect(segment)
        return worksheet_response(
            request, segment, status=400, forms={self.form_name: form}
        )

    def form_kwargs(self) -> dict[str, Any]:
        return {}

    def next_forms(self) -> dict[str, Form]:
        """Forms the refreshed worksheet shows after success (default: blank)."""
        return {}

    def perform(self, segment: Segment, form: Form) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError


class SegmentAddContactView(WorksheetActionView):
    """Add one contact by hand (a criteria action: "go back" undoes it)."""

    form_class = AddContactForm
    form_name = "add_form"

    def form_kwargs(self) -> dict[str, Any]:
        return {"focus": bool(self.request.htmx)}

    def next_forms(self) -> dict[str, Form]:
        return {"add_form": AddContactForm(focus=True)}

    def perform(self, segment: Segment, form: Form) -> str:
        contact = form.cleaned_data["contact"]
        add_contact_to_segment(
            segment=segment, actor=self.request.user, contact=contact
        )
        return _("%(name)s (%(no)s) has been added to the segment.") % {
            "name": contact.name,
            "no": contact.no,
        }


class SegmentSaveCriteriaView(WorksheetActionView):
    """Store the segment's criteria actions under a code."""

    form_class = SaveCriteriaForm
    form_name = "save_form"

    def perform(self, segment: Segment, form: Form) -> str:
        saved = save_criteria(
            segment=segment,
            actor=self.request.user,
            code=form.cleaned_data["code"],
            description=form.cleaned_data["description"],
        )
        return _("The criteria have been saved as %(code)s.") % {"code": saved.code}


class SegmentReuseCriteriaView(WorksheetActionView):
    """Replay saved criteria on this segment, replacing its lines and actions.

    A segment that has lines or criteria actions needs "replace" ticked: the
    service refuses otherwise, and its message (what would be replaced, with
    the counts) shows on that checkbox, the panel open.
    """

    form_class = ReuseCriteriaForm
    form_name = "reuse_form"

    def perform(self, segment: Segment, form: Form) -> str:
        saved = form.cleaned_data["saved"]
        outcome = reuse_criteria(
            segment=segment,
            actor=self.request.user,
            saved=saved,
            replace=form.cleaned_data["replace"],
        )
        applied = _("Criteria %(code)s have been applied.") % {"code": saved.code}
        return f"{applied} {outcome.message()}"


class SegmentReuseLoggedView(WorksheetActionView):
    """Add the contacts of a logged segment."""

    form_class = ReuseLoggedSegmentForm
    form_name = "logged_form"

    def perform(self, segment: Segment, form: Form) -> str:
        logged = form.cleaned_data["logged_segment"]
        outcome = reuse_logged_segment(
            segment=segment, actor=self.request.user, logged_segment=logged
        )
        reused = _("Logged segment %(no)s reused.") % {"no": logged.segment_no}
        return f"{reused} {outcome.message()}"


class SegmentGoBackView(StaffView):
    """Undo the last criteria action (NAV asks first; the page's panel does)."""

    permission_required = CHANGE_SEGMENT
    http_method_names = ["post"]

    def post(self, request: StaffRequest, no: str) -> HttpResponse:
        segment = segment_or_404(no)
        last = segment.criteria_actions.order_by("-seq").first()
        try:
            count = go_back(segment=segment, actor=request.user)
        except ValidationError as error:
            show_validation_error(request, error)
        else:
            messages.success(
                request,
                ngettext(
                    "“%(action)s” has been undone: %(count)d line changed.",
                    "“%(action)s” has been undone: %(count)d lines changed.",
                    count,
                )
                % {"action": last.get_kind_display() if last else "", "count": count},
            )
        return redirect(segment)


class SegmentDeleteView(StaffView):
    """Delete a segment that is not logged, with its lines and criteria."""

    permission_required = DELETE_SEGMENT
    http_method_names = ["post"]

    def post(self, request: StaffRequest, no: str) -> HttpResponse:
        segment = segment_or_404(no)
        try:
            delete_segment(segment=segment, actor=request.user)
        except ValidationError as error:
            show_validation_error(request, error)
            return redirect(segment)
        messages.success(
            request, _("Segment %(no)s has been deleted.") % {"no": segment.no}
        )
        return redirect("interactions:segment-list")
