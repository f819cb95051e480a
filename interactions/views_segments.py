"""Staff pages for segments and logged segments (DOMAIN §5, §6.5; NAV §11–12).

The segment page is a worksheet: the header, the lines (keyset pages — a
segment can have 100,000 lines, so they are never all rendered), the criteria
actions that built it and the actions that change it. Every view is thin: it
checks one permission, validates a form, calls one service of
:mod:`interactions.services.segments` and redirects with a message
(post/redirect/get). A service's ``ValidationError`` is shown on the form's
fields. htmx requests (add a contact, remove a line, "load more") get only the
part of the worksheet that changed.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from django_htmx.http import reswap, retarget

from contacts.forms import add_service_errors
from contacts.models import CorrespondenceType
from interactions.criteria import ContactCriteriaFilterSet, matching_contacts
from interactions.forms_segments import (
    CRITERIA_OPTIONS,
    AddContactForm,
    CriteriaForm,
    LoggedSegmentBulkForm,
    LogSegmentForm,
    ReuseCriteriaForm,
    ReuseLoggedSegmentForm,
    SaveCriteriaForm,
    SegmentHeaderForm,
    SegmentLineForm,
)
from interactions.models import (
    InteractionLogEntry,
    LoggedSegment,
    Segment,
    SegmentCriteriaAction,
    SegmentLine,
)
from interactions.services import resend_entries
from interactions.services.segments import (
    add_contact_to_segment,
    add_contacts,
    create_segment,
    delete_canceled_logged_segments,
    delete_segment,
    go_back,
    lines_on_header_template,
    log_segment,
    reduce_contacts,
    refine_contacts,
    remove_contact_from_segment,
    reuse_criteria,
    reuse_logged_segment,
    save_criteria,
    switch_canceled_logged_segments,
    update_segment_header,
    update_segment_line,
)
from interactions.views import StaffPermissionMixin, safe_next, show_validation_error
from interactions_crm.platform.keyset import InvalidCursor, KeysetPage, keyset_page
from interactions_crm.platform.models import AuditEvent

VIEW_SEGMENT = "interactions.view_segment"
ADD_SEGMENT = "interactions.add_segment"
CHANGE_SEGMENT = "interactions.change_segment"
DELETE_SEGMENT = "interactions.delete_segment"
LOG_SEGMENT = "interactions.log_segment"
VIEW_LOGGED = "interactions.view_loggedsegment"
CHANGE_LOGGED = "interactions.change_loggedsegment"
RESEND_ENTRIES = "interactions.add_interactionlogentry"

SEGMENT_PAGE_SIZE = 50
LINE_PAGE_SIZE = 50
LOGGED_PAGE_SIZE = 50
#: Criteria actions listed on the worksheet (newest first; "go back" needs one).
ACTIONS_SHOWN = 25
#: Logged segment numbers suggested in "reuse logged segment".
LOGGED_SUGGESTIONS = 50
#: Logged segments named on a confirmation page (the rest are counted).
CONFIRM_LISTED = 20

Kind = SegmentCriteriaAction.Kind

WORKSHEET = "interactions/includes/segment_worksheet.html"
LINE_ROWS = "interactions/includes/segment_lines.html#line-rows"
LINE_ROW = "interactions/includes/segment_lines.html#line-row"
LINE_EDIT_ROW = "interactions/includes/segment_lines.html#line-edit-row"


def _page(
    queryset: QuerySet, ordering: tuple[str, ...], cursor: str | None, size: int
) -> KeysetPage:
    """One keyset page; a tampered cursor shows the first page."""
    try:
        return keyset_page(queryset, ordering=ordering, cursor=cursor, size=size)
    except InvalidCursor:
        return keyset_page(queryset, ordering=ordering, size=size)


def _segment(no: str) -> Segment:
    """The segment (with its header's relations) or 404 — e.g. once logged."""
    return get_object_or_404(
        Segment.objects.select_related(
            "template", "salesperson", "campaign", "created_by"
        ),
        no=no,
    )


def line_summary(segment: Segment) -> dict[str, Any]:
    """Number of lines, total cost and duration, e-mail lines: one aggregate.

    A COUNT over this segment's lines only (index ``segment_line_contact_idx``),
    never over the log.
    """
    return segment.lines.aggregate(
        count=Count("id"),
        cost=Sum("cost", default=0),
        duration=Sum("duration", default=0),
        email=Count("id", filter=Q(correspondence_type=CorrespondenceType.EMAIL)),
    )


def line_page(segment: Segment, cursor: str | None = None) -> KeysetPage:
    """A page of lines in line order (one query, whatever the segment's size)."""
    lines = segment.lines.select_related(
        "contact", "contact_company", "template", "salesperson"
    )
    return _page(lines, ("id",), cursor, LINE_PAGE_SIZE)


def describe_criteria(criteria: dict[str, Any]) -> list[tuple[str, str]]:
    """``(label, value)`` for each stored criterion, labelled as on the form."""
    filters = ContactCriteriaFilterSet.base_filters
    labels = {"logged_segment": _("Logged segment")}
    described = []
    for name, value in criteria.items():
        label = labels.get(name) or (filters[name].label if name in filters else name)
        described.append((str(label), str(value)))
    return described


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
    request: HttpRequest, segment: Segment, cursor: str | None = None, **forms: Form
) -> dict[str, Any]:
    """Everything the worksheet shows; ``forms`` replaces an action's form.

    ``cursor`` starts the lines at a later page (the "load more" link without
    JavaScript). The query count does not depend on the number of lines or actions: the
    summary is one aggregate, the lines one keyset page, the actions one
    query, the choices of the reuse forms one query each.
    """
    user = request.user
    can_change = user.has_perm(CHANGE_SEGMENT)
    context: dict[str, Any] = {
        "segment": segment,
        "summary": line_summary(segment),
        "page": line_page(segment, cursor),
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
            "logged_suggestions": LoggedSegment.objects.order_by("-id").values_list(
                "segment_no", "description"
            )[:LOGGED_SUGGESTIONS],
        }
    return context


# --------------------------------------------------------------------------
# List, create, worksheet, header
# --------------------------------------------------------------------------


def _line_count() -> Coalesce:
    """Lines per segment as a correlated COUNT, evaluated for the shown rows only."""
    lines = (
        SegmentLine.objects.filter(segment=OuterRef("pk"))
        .order_by()
        .values("segment")
        .annotate(count=Count("id"))
        .values("count")
    )
    return Coalesce(Subquery(lines, output_field=IntegerField()), 0)


class SegmentListView(StaffPermissionMixin, TemplateView):
    """``/segments/``: segments not logged yet, newest first, keyset pages."""

    permission_required = VIEW_SEGMENT
    template_name = "interactions/segment_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        segments = Segment.objects.select_related(
            "template", "campaign", "salesperson"
        ).annotate(line_count=_line_count())
        if query:
            segments = segments.filter(
                Q(no__iexact=query) | Q(description__icontains=query)
            )
        page = _page(
            segments, ("-id",), self.request.GET.get("cursor"), SEGMENT_PAGE_SIZE
        )
        context.update(
            page=page,
            query=query,
            can_add=self.request.user.has_perm(ADD_SEGMENT),
        )
        return context


class SegmentFormView(StaffPermissionMixin, View):
    """GET shows the header form, POST hands the changed fields to a service."""

    http_method_names = ["get", "post", "head", "options"]
    template_name = "interactions/segment_form.html"
    creating = False

    def get_segment(self) -> Segment | None:
        return None

    def make_form(self, segment: Segment | None, data=None) -> SegmentHeaderForm:
        return SegmentHeaderForm(data, instance=segment, creating=self.creating)

    def render_form(
        self, form: SegmentHeaderForm, segment: Segment | None, status: int = 200
    ) -> HttpResponse:
        context = {"form": form, "segment": segment}
        if segment is not None and segment.lines.exists():
            context["lines_on_template"] = lines_on_header_template(segment).count()
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        segment = self.get_segment()
        return self.render_form(self.make_form(segment), segment)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        segment = self.get_segment()
        form = self.make_form(segment, request.POST)
        if form.is_valid():
            try:
                saved = self.save(form, segment)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(saved)
        return self.render_form(form, segment, status=400)

    def save(self, form: SegmentHeaderForm, segment: Segment | None) -> Segment:
        raise NotImplementedError


class SegmentCreateView(SegmentFormView):
    """``/segments/new/``: a new segment (number from the SEGMENT series)."""

    permission_required = ADD_SEGMENT
    creating = True

    def save(self, form: SegmentHeaderForm, segment: Segment | None) -> Segment:
        created = create_segment(actor=self.request.user, **form.service_values())
        messages.success(
            self.request,
            _("Segment %(no)s has been created. Add contacts to it.")
            % {"no": created.no},
        )
        return created


class SegmentUpdateView(SegmentFormView):
    """``/segments/<no>/edit/``: change the header, optionally its lines too."""

    permission_required = CHANGE_SEGMENT

    def get_segment(self) -> Segment:
        return _segment(self.kwargs["no"])

    def save(self, form: SegmentHeaderForm, segment: Segment | None) -> Segment:
        assert segment is not None
        values = form.service_values()
        if not values:
            messages.info(self.request, _("Nothing was changed."))
            return segment
        update_lines = form.cleaned_data.get("update_lines", False)
        saved = update_segment_header(
            actor=self.request.user,
            segment=segment,
            update_lines=update_lines,
            **values,
        )
        if update_lines:
            message = _("The header of segment %(no)s and its lines have been saved.")
        else:
            message = _("The header of segment %(no)s has been saved.")
        messages.success(self.request, message % {"no": saved.no})
        return saved


class SegmentDetailView(StaffPermissionMixin, View):
    """``/segments/<no>/``: the worksheet. ``?cursor=`` pages the lines.

    htmx ("load more") receives only the next rows; without JavaScript the
    link opens the worksheet at that page of lines.
    """

    permission_required = VIEW_SEGMENT
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, no: str) -> HttpResponse:
        segment = _segment(no)
        cursor = request.GET.get("cursor")
        if cursor and request.htmx:
            context = {
                "segment": segment,
                "page": line_page(segment, cursor),
                "can_change": request.user.has_perm(CHANGE_SEGMENT),
                "more_focus": True,
            }
            return render(request, LINE_ROWS, context)
        context = worksheet_context(request, segment, cursor=cursor)
        return render(request, "interactions/segment_detail.html", context)


# --------------------------------------------------------------------------
# Worksheet actions (POST only)
# --------------------------------------------------------------------------


def _worksheet_response(
    request: HttpRequest, segment: Segment, status: int = 200, **forms: Form
) -> HttpResponse:
    """The worksheet again: its changing part for htmx, else the whole page."""
    context = worksheet_context(request, segment, **forms)
    if request.htmx:
        # htmx swaps only 2xx responses; errors are shown on the form.
        return render(request, WORKSHEET, context)
    return render(request, "interactions/segment_detail.html", context, status=status)


class WorksheetActionView(StaffPermissionMixin, View):
    """A form on the worksheet that calls one service.

    Valid → the service runs, a message, back to the worksheet (htmx: the
    refreshed worksheet). Invalid (form or service) → the worksheet with the
    errors on the action's form, its panel open (status 400).
    """

    permission_required = CHANGE_SEGMENT
    http_method_names = ["post"]
    form_class: type[Form]
    form_name: str

    def post(self, request: HttpRequest, no: str) -> HttpResponse:
        segment = _segment(no)
        form = self.form_class(request.POST, **self.form_kwargs())
        if form.is_valid():
            try:
                message = self.perform(segment, form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, message)
                if request.htmx:
                    return _worksheet_response(request, segment, **self.next_forms())
                return redirect(segment)
        return _worksheet_response(request, segment, 400, **{self.form_name: form})

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
    """Replay saved criteria on this segment."""

    form_class = ReuseCriteriaForm
    form_name = "reuse_form"

    def perform(self, segment: Segment, form: Form) -> str:
        saved = form.cleaned_data["saved"]
        count = reuse_criteria(segment=segment, actor=self.request.user, saved=saved)
        return ngettext(
            "Criteria %(code)s have been applied: %(count)d line changed.",
            "Criteria %(code)s have been applied: %(count)d lines changed.",
            count,
        ) % {"code": saved.code, "count": count}


class SegmentReuseLoggedView(WorksheetActionView):
    """Add the contacts of a logged segment."""

    form_class = ReuseLoggedSegmentForm
    form_name = "logged_form"

    def perform(self, segment: Segment, form: Form) -> str:
        logged = form.cleaned_data["logged_segment"]
        count = reuse_logged_segment(
            segment=segment, actor=self.request.user, logged_segment=logged
        )
        return ngettext(
            "%(count)d contact of logged segment %(no)s has been added.",
            "%(count)d contacts of logged segment %(no)s have been added.",
            count,
        ) % {"count": count, "no": logged.segment_no}


class SegmentGoBackView(StaffPermissionMixin, View):
    """Undo the last criteria action (NAV asks first; the page's panel does)."""

    permission_required = CHANGE_SEGMENT
    http_method_names = ["post"]

    def post(self, request: HttpRequest, no: str) -> HttpResponse:
        segment = _segment(no)
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


class SegmentRemoveLineView(StaffPermissionMixin, View):
    """Remove a line's contact by hand (a criteria action: "go back" undoes it).

    htmx: the row disappears and the summary and criteria actions are updated
    out of band, so a long list keeps its place; when the contact had more
    lines (added with "allow existing contacts") the whole worksheet reloads.
    """

    permission_required = CHANGE_SEGMENT
    http_method_names = ["post"]

    def post(self, request: HttpRequest, no: str, line_id: int) -> HttpResponse:
        segment = _segment(no)
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
            retarget(_worksheet_response(request, segment), "#worksheet"), "outerHTML"
        )


class SegmentLineUpdateView(StaffPermissionMixin, View):
    """Personalise one line: template, salesperson, correspondence type, cost …

    htmx edits the row in place (GET gives the row as a form, POST the row
    again plus the summary out of band); without JavaScript it is a page.
    """

    permission_required = CHANGE_SEGMENT
    http_method_names = ["get", "post", "head", "options"]

    def get_line(self, segment: Segment, line_id: int) -> SegmentLine:
        return get_object_or_404(
            SegmentLine.objects.select_related(
                "contact", "contact_company", "template", "salesperson"
            ),
            pk=line_id,
            segment=segment,
        )

    def render_form(
        self, segment: Segment, line: SegmentLine, form: SegmentLineForm, status=200
    ) -> HttpResponse:
        context = {"segment": segment, "line": line, "form": form}
        if self.request.htmx:
            # htmx swaps only 2xx answers; errors show in the row.
            return render(self.request, LINE_EDIT_ROW, context)
        return render(
            self.request, "interactions/segment_line_form.html", context, status=status
        )

    def get(self, request: HttpRequest, no: str, line_id: int) -> HttpResponse:
        segment = _segment(no)
        line = self.get_line(segment, line_id)
        if request.htmx and request.GET.get("cancel"):
            context = {"segment": segment, "line": line, "can_change": True}
            return render(request, LINE_ROW, context)
        form = SegmentLineForm(instance=line, compact=bool(request.htmx))
        return self.render_form(segment, line, form)

    def post(self, request: HttpRequest, no: str, line_id: int) -> HttpResponse:
        segment = _segment(no)
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


class SegmentDeleteView(StaffPermissionMixin, View):
    """Delete a segment that is not logged, with its lines and criteria."""

    permission_required = DELETE_SEGMENT
    http_method_names = ["post"]

    def post(self, request: HttpRequest, no: str) -> HttpResponse:
        segment = _segment(no)
        try:
            delete_segment(segment=segment, actor=request.user)
        except ValidationError as error:
            show_validation_error(request, error)
            return redirect(segment)
        messages.success(
            request, _("Segment %(no)s has been deleted.") % {"no": segment.no}
        )
        return redirect("interactions:segment-list")


# --------------------------------------------------------------------------
# Add / reduce / refine contacts
# --------------------------------------------------------------------------


class CriteriaActionView(StaffPermissionMixin, View):
    """A criteria action page: the criteria form, a preview, then the action.

    POST with ``preview`` only counts the matching contacts (nothing changes);
    otherwise POST runs the service and returns to the worksheet with the
    number of lines added or removed.
    """

    permission_required = CHANGE_SEGMENT
    http_method_names = ["get", "post", "head", "options"]
    template_name = "interactions/segment_criteria.html"
    kind: str

    def service(self, **kwargs: Any) -> int:
        raise NotImplementedError

    def done_message(self, count: int) -> str:
        return ngettext(
            "%(count)d line has been removed.",
            "%(count)d lines have been removed.",
            count,
        ) % {"count": count}

    def get(self, request: HttpRequest, no: str) -> HttpResponse:
        segment = _segment(no)
        return self.render_page(segment, CriteriaForm(kind=self.kind), None)

    def post(self, request: HttpRequest, no: str) -> HttpResponse:
        segment = _segment(no)
        form = CriteriaForm(request.POST, kind=self.kind)
        previewing = "preview" in request.POST
        preview = None
        if form.is_valid():
            try:
                if previewing:
                    preview = self.preview(segment, form.criteria())
                else:
                    count = self.service(
                        segment=segment,
                        actor=request.user,
                        criteria=form.criteria(),
                        **form.option_values(),
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if previewing:
                    return self.render_page(segment, form, preview)
                messages.success(request, self.done_message(count))
                return redirect(segment)
        return self.render_page(segment, form, None, status=400)

    def preview(self, segment: Segment, criteria: dict[str, Any]) -> dict[str, int]:
        """How many contacts match, and how many of the lines are theirs.

        Two counts (contacts; this segment's lines) — before the options,
        which the action itself applies.
        """
        matches = matching_contacts(criteria).order_by()
        return {
            "contacts": matches.count(),
            "lines": segment.lines.filter(contact__in=matches.values("pk")).count(),
            "total": segment.lines.count(),
        }

    def render_page(
        self,
        segment: Segment,
        form: CriteriaForm,
        preview: dict[str, int] | None,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "segment": segment,
            "form": form,
            "kind": self.kind,
            "title": Kind(self.kind).label,
            "preview": preview,
        }
        return render(self.request, self.template_name, context, status=status)


class SegmentAddContactsView(CriteriaActionView):
    kind = Kind.ADD

    def service(self, **kwargs: Any) -> int:
        return add_contacts(**kwargs)

    def done_message(self, count: int) -> str:
        return ngettext(
            "%(count)d contact has been added.",
            "%(count)d contacts have been added.",
            count,
        ) % {"count": count}


class SegmentReduceContactsView(CriteriaActionView):
    kind = Kind.REDUCE

    def service(self, **kwargs: Any) -> int:
        return reduce_contacts(**kwargs)


class SegmentRefineContactsView(CriteriaActionView):
    kind = Kind.REFINE

    def service(self, **kwargs: Any) -> int:
        return refine_contacts(**kwargs)


# --------------------------------------------------------------------------
# Log segment
# --------------------------------------------------------------------------


def logged_message(logged: LoggedSegment) -> str:
    """ "Segment X has been logged: N entries created." (+ the follow-up segment).

    The number of entries and the follow-up segment's number are read from
    the audit event ``log_segment`` wrote in its transaction (one indexed row).
    """
    event = (
        AuditEvent.objects.filter(
            action="segment.log",
            object_type=LoggedSegment._meta.label_lower,
            object_id=str(logged.pk),
        )
        .order_by("-id")
        .first()
    )
    changes = event.changes if event else {}
    count = changes.get("entries", 0)
    message = ngettext(
        "Segment %(no)s has been logged: %(count)d interaction log entry created.",
        "Segment %(no)s has been logged: %(count)d interaction log entries created.",
        count,
    ) % {"no": logged.segment_no, "count": count}
    if changes.get("follow_up"):
        message += " " + _("Follow-up segment %(no)s has been created.") % {
            "no": changes["follow_up"]
        }
    if changes.get("send"):
        message += " " + _(
            "The e-mails are being sent; each entry's delivery status shows the result."
        )
    return message


class SegmentLogView(StaffPermissionMixin, View):
    """``/segments/<no>/log/``: options and confirmation, then log (DOMAIN §5).

    Refusals (no description, empty, a line failing DOMAIN §4.2) are listed on
    the page, nothing is written. After logging the segment is gone; the user
    lands on the logged segments.
    """

    permission_required = LOG_SEGMENT
    http_method_names = ["get", "post", "head", "options"]
    template_name = "interactions/segment_log.html"

    def make_form(self, summary: dict[str, Any], data=None) -> LogSegmentForm:
        form = LogSegmentForm(data, initial={"send": bool(summary["email"])})
        if not summary["email"]:
            # NAV: "Send" is only enabled when a line has a correspondence type.
            form.fields["send"].disabled = True
            form.fields["send"].help_text = _(
                "No line has correspondence type e-mail: there is nothing to send."
            )
        return form

    def render_page(
        self, segment: Segment, form: LogSegmentForm, summary, status: int = 200
    ) -> HttpResponse:
        context = {"segment": segment, "form": form, "summary": summary}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, no: str) -> HttpResponse:
        segment = _segment(no)
        summary = line_summary(segment)
        return self.render_page(segment, self.make_form(summary), summary)

    def post(self, request: HttpRequest, no: str) -> HttpResponse:
        segment = _segment(no)
        summary = line_summary(segment)
        form = self.make_form(summary, request.POST)
        if form.is_valid():
            try:
                logged = log_segment(
                    segment=segment,
                    actor=request.user,
                    send=form.cleaned_data["send"],
                    follow_up=form.cleaned_data["follow_up"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, logged_message(logged))
                if request.user.has_perm(VIEW_LOGGED):
                    return redirect("interactions:loggedsegment-list")
                return redirect("interactions:segment-list")
        return self.render_page(segment, form, summary, status=400)


# --------------------------------------------------------------------------
# Logged segments (DOMAIN §6.5)
# --------------------------------------------------------------------------


def logged_segment_rows() -> QuerySet:
    """Logged segments with ``entry_count``, NAV's "No. of Interactions".

    It counts the entries whose canceled state is the logged segment's own (an
    active one counts its active entries, a canceled one its canceled
    entries), as :func:`~interactions.services.segments.
    logged_segments_with_counts` does — but as a correlated subquery, so only
    the rows of the page are counted (index ``entry_logged_segment_idx``),
    never the whole log.
    """
    entries = (
        InteractionLogEntry.objects.filter(
            logged_segment=OuterRef("pk"), canceled=OuterRef("canceled")
        )
        .order_by()
        .values("logged_segment")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return LoggedSegment.objects.select_related("logged_by").annotate(
        entry_count=Coalesce(Subquery(entries, output_field=IntegerField()), 0)
    )


class LoggedSegmentListView(StaffPermissionMixin, TemplateView):
    """``/logged-segments/``: newest first, search, canceled filter, bulk actions."""

    permission_required = VIEW_LOGGED
    template_name = "interactions/loggedsegment_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        canceled = self.request.GET.get("canceled", "")
        rows = logged_segment_rows()
        if query:
            rows = rows.filter(
                Q(segment_no__iexact=query) | Q(description__icontains=query)
            )
        if canceled in ("true", "false"):
            rows = rows.filter(canceled=canceled == "true")
        page = _page(rows, ("-id",), self.request.GET.get("cursor"), LOGGED_PAGE_SIZE)
        user = self.request.user
        context.update(
            page=page,
            query=query,
            canceled=canceled,
            filtered=bool(query or canceled),
            can_change=user.has_perm(CHANGE_LOGGED),
            can_resend=user.has_perm(RESEND_ENTRIES),
            can_view_entries=user.has_perm("interactions.view_interactionlogentry"),
        )
        return context


def logged_switch_question(first: LoggedSegment, count: int) -> str:
    """NAV's "Switch Checkmark in Canceled" question, for logged segments."""
    if count == 1:
        if first.canceled:
            return _(
                "Logged segment %(no)s is marked Canceled. Do you wish to remove "
                "the checkmark?"
            ) % {"no": first.segment_no}
        return _("Do you wish to mark logged segment %(no)s as Canceled?") % {
            "no": first.segment_no
        }
    if first.canceled:
        return _(
            "Do you wish to remove the checkmark from the selected logged segments?"
        )
    return _("Do you wish to mark the selected logged segments as Canceled?")


class LoggedSegmentBulkView(StaffPermissionMixin, View):
    """The logged segments page's actions: switch canceled, delete canceled, resend.

    Switch and delete ask for confirmation first (a second POST with
    ``confirmed``); the answer page says what happens to the entries.
    """

    http_method_names = ["post"]
    template_name = "interactions/loggedsegment_confirm.html"

    def get_permission_required(self) -> tuple[str, ...]:
        if self.request.POST.get("action") == LoggedSegmentBulkForm.RESEND:
            return (VIEW_LOGGED, RESEND_ENTRIES)
        return (VIEW_LOGGED, CHANGE_LOGGED)

    def post(self, request: HttpRequest) -> HttpResponse:
        self.next_url = safe_next(request, reverse("interactions:loggedsegment-list"))
        form = LoggedSegmentBulkForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(self.next_url)
        action = form.cleaned_data["action"]
        if action == LoggedSegmentBulkForm.DELETE_CANCELED:
            return self.delete_canceled(form)
        if action == LoggedSegmentBulkForm.RESEND:
            return self.resend(form)
        return self.switch(form)

    def confirm(self, form: LoggedSegmentBulkForm, **context: Any) -> HttpResponse:
        context |= {
            "action": form.cleaned_data["action"],
            "scope": form.cleaned_data["scope"] or form.SCOPE_SELECTED,
            "next_url": self.next_url,
        }
        return render(self.request, self.template_name, context)

    def switch(self, form: LoggedSegmentBulkForm) -> HttpResponse:
        selection = form.selection()
        selected = list(selection.order_by("pk"))
        # The service switches to the opposite of the lowest id's state.
        first = selected[0]
        if not form.cleaned_data["confirmed"]:
            entries = InteractionLogEntry.objects.filter(
                logged_segment__in=[row.pk for row in selected],
                canceled=first.canceled,
            ).count()
            return self.confirm(
                form,
                question=logged_switch_question(first, len(selected)),
                selected=[row.pk for row in selected],
                shown=selected[:CONFIRM_LISTED],
                more=max(len(selected) - CONFIRM_LISTED, 0),
                first=first,
                cancels=not first.canceled,
                entries=entries,
            )
        try:
            count = switch_canceled_logged_segments(
                actor=self.request.user,
                logged_segments=selection,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            show_validation_error(self.request, error)
            return redirect(self.next_url)
        if first.canceled:
            message = ngettext(
                "The canceled checkmark has been removed from %(count)d logged "
                "segment and the entries canceled with it.",
                "The canceled checkmark has been removed from %(count)d logged "
                "segments and the entries canceled with them.",
                count,
            )
        else:
            message = ngettext(
                "%(count)d logged segment has been canceled, with its interaction "
                "log entries.",
                "%(count)d logged segments have been canceled, with their "
                "interaction log entries.",
                count,
            )
        messages.success(self.request, message % {"count": count})
        return redirect(self.next_url)

    def delete_canceled(self, form: LoggedSegmentBulkForm) -> HttpResponse:
        selection = form.selection()
        canceled = selection.filter(canceled=True)
        if not form.cleaned_data["confirmed"]:
            doomed = canceled.count()
            if not doomed:
                messages.warning(
                    self.request,
                    _(
                        "Only canceled logged segments can be deleted, and none "
                        "is selected."
                    ),
                )
                return redirect(self.next_url)
            entries = InteractionLogEntry.objects.filter(
                logged_segment__in=canceled.values("pk")
            ).count()
            return self.confirm(
                form,
                selected=list(selection.order_by("pk").values_list("pk", flat=True))
                if not form.all_canceled()
                else [],
                shown=list(canceled.order_by("-pk")[:CONFIRM_LISTED]),
                more=max(doomed - CONFIRM_LISTED, 0),
                doomed=doomed,
                kept=selection.count() - doomed,
                entries=entries,
            )
        count = delete_canceled_logged_segments(
            actor=self.request.user, logged_segments=selection
        )
        messages.success(
            self.request,
            ngettext(
                "%(count)d logged segment has been deleted.",
                "%(count)d logged segments have been deleted.",
                count,
            )
            % {"count": count},
        )
        return redirect(self.next_url)

    def resend(self, form: LoggedSegmentBulkForm) -> HttpResponse:
        entries = InteractionLogEntry.objects.filter(
            logged_segment__in=form.selection().values("pk")
        )
        try:
            count = resend_entries(actor=self.request.user, entries=entries)
        except ValidationError as error:
            show_validation_error(self.request, error)
        else:
            messages.success(
                self.request,
                ngettext(
                    "%(count)d interaction log entry is being sent again.",
                    "%(count)d interaction log entries are being sent again.",
                    count,
                )
                % {"count": count},
            )
        return redirect(self.next_url)
