"""The segment list and a segment's header: ``/segments/``, ``new/``, ``<no>/edit/``.

Creating a segment takes its number from the SEGMENT series and its values
from the chosen interaction template; changing the header can pass the
changed values on to the lines that still use the segment's template.
"""

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from interactions.models import Segment
from interactions.selectors.segment_lines import segments_with_line_count
from interactions.services import (
    create_segment,
    lines_on_header_template,
    update_segment_header,
)
from interactions.services.segments.header import template_header_values
from interactions.web.base import (
    ADD_SEGMENT,
    CHANGE_SEGMENT,
    VIEW_SEGMENT,
    StaffRequest,
    StaffTemplateView,
    StaffView,
    page_or_first,
)
from interactions.web.segments.forms import SegmentHeaderForm
from interactions.web.segments.worksheet import segment_or_404
from interactions_crm.platform.forms import add_service_errors
from interactions_crm.platform.keyset import keyset_page

SEGMENT_PAGE_SIZE = 50


class SegmentListView(StaffTemplateView):
    """``/segments/``: segments not logged yet, newest first, keyset pages."""

    permission_required = VIEW_SEGMENT
    template_name = "interactions/segment_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        page = page_or_first(
            keyset_page,
            self.request.GET.get("cursor"),
            queryset=segments_with_line_count(query),
            ordering=("-id",),
            size=SEGMENT_PAGE_SIZE,
        )
        context.update(
            page=page,
            query=query,
            can_add=self.request.user.has_perm(ADD_SEGMENT),
        )
        return context


class SegmentFormView(StaffView):
    """GET shows the header form, POST hands the changed fields to a service."""

    http_method_names = ["get", "post", "head", "options"]
    template_name = "interactions/segment_form.html"
    creating = False

    def get_segment(self) -> Segment | None:
        return None

    def make_form(self, segment: Segment | None, data: Any = None) -> SegmentHeaderForm:
        return SegmentHeaderForm(data, instance=segment, creating=self.creating)

    def render_form(
        self, form: SegmentHeaderForm, segment: Segment | None, status: int = 200
    ) -> HttpResponse:
        context: dict[str, Any] = {"form": form, "segment": segment}
        if segment is not None and segment.lines.exists():
            context["lines_on_template"] = lines_on_header_template(segment).count()
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: StaffRequest, **kwargs: Any) -> HttpResponse:
        segment = self.get_segment()
        return self.render_form(self.make_form(segment), segment)

    def post(self, request: StaffRequest, **kwargs: Any) -> HttpResponse:
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
    """``/segments/<no>/edit/``: change the header, optionally its lines too.

    Choosing another template shows its defaults at once (htmx,
    :class:`SegmentHeaderDefaultsView`); without htmx the defaults are filled
    in on saving and the form is shown once more, so the user sees them
    before they are saved — never silently.
    """

    permission_required = CHANGE_SEGMENT

    def get_segment(self) -> Segment:
        return segment_or_404(self.kwargs["no"])

    def make_form(self, segment: Segment | None, data: Any = None) -> SegmentHeaderForm:
        assert segment is not None
        return SegmentHeaderForm(
            data,
            instance=segment,
            defaults_url=reverse(
                "interactions:segment-header-defaults", kwargs={"no": segment.no}
            ),
        )

    def post(self, request: StaffRequest, **kwargs: Any) -> HttpResponse:
        segment = self.get_segment()
        form = self.make_form(segment, request.POST)
        if (
            form.is_valid()
            and "template" in form.changed_data
            and not form.template_defaults_shown()
        ):
            messages.info(
                request,
                _(
                    "The template's defaults have been filled in. Check them "
                    "and save again."
                ),
            )
            return self.render_defaults(segment, form)
        return super().post(request, **kwargs)

    def render_defaults(
        self, segment: Segment, form: SegmentHeaderForm
    ) -> HttpResponse:
        """The form with the chosen template's defaults over the user's values."""
        values = {
            name: value
            for name, value in form.cleaned_data.items()
            if name != "defaults_for"
        }
        template = values.get("template")
        if template is not None:
            current = copy.copy(segment)
            current.campaign = values.get("campaign")
            values |= template_header_values(current, template)
        values["defaults_for"] = template.code if template is not None else ""
        shown = SegmentHeaderForm(
            instance=segment,
            initial=values,
            defaults_url=reverse(
                "interactions:segment-header-defaults", kwargs={"no": segment.no}
            ),
        )
        return self.render_form(shown, segment)

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


class SegmentHeaderDefaultsView(SegmentUpdateView):
    """htmx: the header form with the chosen template's defaults filled in.

    Reads the form's current values (GET) and answers the whole page; the
    template select swaps in its form. Nothing is saved.
    """

    http_method_names = ["get"]

    def get(self, request: StaffRequest, **kwargs: Any) -> HttpResponse:
        segment = self.get_segment()
        form = self.make_form(segment, request.GET)
        form.is_valid()  # the valid fields' values; errors show on saving
        return self.render_defaults(segment, form)
