"""Add, reduce or refine contacts: the criteria action pages (DOMAIN §5, NAV §11).

``/segments/<no>/add-contacts/`` (and ``reduce-``, ``refine-``) show the
criteria form (the vocabulary of
:class:`~interactions.criteria.ContactCriteriaFilterSet`, shared with the
services and the API) with the action's options. POST with ``preview`` only
counts what the action would do, by reason; otherwise the service runs and the
user returns to the worksheet with what it did, by reason (DOMAIN §5).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from interactions.models import Segment, SegmentCriteriaAction
from interactions.selectors.segment_lines import criteria_preview
from interactions.selectors.segments import CriteriaOutcome
from interactions.services import add_contacts, reduce_contacts, refine_contacts
from interactions.web.base import CHANGE_SEGMENT, StaffRequest, StaffView
from interactions.web.segments.forms import CriteriaForm
from interactions.web.segments.worksheet import segment_or_404
from interactions_crm.platform.forms import add_service_errors

Kind = SegmentCriteriaAction.Kind


class CriteriaActionView(StaffView):
    """A criteria action page: the criteria form, a preview, then the action.

    POST with ``preview`` counts what the action would do, by reason, exactly
    as the action counts (nothing changes); otherwise POST runs the service
    and returns to the worksheet with what it did, by reason. "Add contacts"
    without any criterion adds every contact: the page asks to confirm
    first (``confirm_all``).
    """

    permission_required = CHANGE_SEGMENT
    http_method_names = ["get", "post", "head", "options"]
    template_name = "interactions/segment_criteria.html"
    kind: str

    def service(self, **kwargs: Any) -> CriteriaOutcome:
        raise NotImplementedError

    def get(self, request: StaffRequest, no: str) -> HttpResponse:
        segment = segment_or_404(no)
        return self.render_page(segment, CriteriaForm(kind=self.kind), None)

    def needs_confirmation(self, form: CriteriaForm) -> bool:
        """An add without any criterion that the user has not confirmed yet."""
        return (
            self.kind == Kind.ADD
            and not form.criteria()
            and not form.confirmation()["confirm_all"]
        )

    def post(self, request: StaffRequest, no: str) -> HttpResponse:
        segment = segment_or_404(no)
        form = CriteriaForm(request.POST, kind=self.kind)
        previewing = "preview" in request.POST
        if form.is_valid():
            try:
                if previewing or self.needs_confirmation(form):
                    preview = criteria_preview(
                        segment,
                        form.criteria(),
                        kind=self.kind,
                        options=form.option_values(),
                    )
                    return self.render_page(
                        segment,
                        form,
                        preview,
                        confirm_all=not previewing,
                    )
                outcome = self.service(
                    segment=segment,
                    actor=request.user,
                    criteria=form.criteria(),
                    **form.option_values(),
                    **form.confirmation(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, outcome.message())
                return redirect(segment)
        return self.render_page(segment, form, None, status=400)

    def render_page(
        self,
        segment: Segment,
        form: CriteriaForm,
        preview: CriteriaOutcome | None,
        status: int = 200,
        confirm_all: bool = False,
    ) -> HttpResponse:
        context = {
            "segment": segment,
            "form": form,
            "kind": self.kind,
            "title": Kind(self.kind).label,
            "preview": preview,
            "preview_messages": preview.messages() if preview else [],
            "confirm_all": confirm_all,
        }
        return render(self.request, self.template_name, context, status=status)


class SegmentAddContactsView(CriteriaActionView):
    kind = Kind.ADD

    def service(self, **kwargs: Any) -> CriteriaOutcome:
        return add_contacts(**kwargs)


class SegmentReduceContactsView(CriteriaActionView):
    kind = Kind.REDUCE

    def service(self, **kwargs: Any) -> CriteriaOutcome:
        return reduce_contacts(**kwargs)


class SegmentRefineContactsView(CriteriaActionView):
    kind = Kind.REFINE

    def service(self, **kwargs: Any) -> CriteriaOutcome:
        return refine_contacts(**kwargs)
