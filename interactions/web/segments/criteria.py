"""Add, reduce or refine contacts: the criteria action pages (DOMAIN §5, NAV §11).

``/segments/<no>/add-contacts/`` (and ``reduce-``, ``refine-``) show the
criteria form (the vocabulary of
:class:`~interactions.criteria.ContactCriteriaFilterSet`, shared with the
services and the API) with the action's options. POST with ``preview`` only
counts what matches; otherwise the service runs and the user returns to the
worksheet with the number of lines added or removed.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from interactions.models import Segment, SegmentCriteriaAction
from interactions.selectors.segment_lines import criteria_preview
from interactions.services import add_contacts, reduce_contacts, refine_contacts
from interactions.web.base import CHANGE_SEGMENT, StaffRequest, StaffView
from interactions.web.segments.forms import CriteriaForm
from interactions.web.segments.worksheet import segment_or_404
from interactions_crm.platform.forms import add_service_errors

Kind = SegmentCriteriaAction.Kind


class CriteriaActionView(StaffView):
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

    def get(self, request: StaffRequest, no: str) -> HttpResponse:
        segment = segment_or_404(no)
        return self.render_page(segment, CriteriaForm(kind=self.kind), None)

    def post(self, request: StaffRequest, no: str) -> HttpResponse:
        segment = segment_or_404(no)
        form = CriteriaForm(request.POST, kind=self.kind)
        previewing = "preview" in request.POST
        preview = None
        if form.is_valid():
            try:
                if previewing:
                    preview = criteria_preview(segment, form.criteria())
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
