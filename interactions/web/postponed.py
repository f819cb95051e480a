"""Postponed interactions (DOMAIN §4.4): ``/interactions/postponed/``.

Unfinished interactions saved with the wizard's *Finish later*: list them,
resume one in the wizard (it keeps its entry number), or delete them.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from interactions.models import InteractionLogEntry
from interactions.selectors.log import postponed_entries, postponed_page
from interactions.services import delete_postponed_entries
from interactions.web.base import (
    ADD_ENTRIES,
    VIEW_ENTRIES,
    StaffRequest,
    StaffTemplateView,
    StaffView,
    page_or_first,
    safe_next,
    show_form_errors,
    show_validation_error,
)
from interactions.web.wizard import state as wizard
from interactions.web.wizard.views import CreateInteractionView

PAGE_SIZE = 50


class PostponedDeleteForm(forms.Form):
    entries = forms.ModelMultipleChoiceField(
        queryset=InteractionLogEntry.objects.postponed(),
        to_field_name="entry_no",
        error_messages={"required": _("Select at least one postponed interaction.")},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class PostponedListView(StaffTemplateView):
    """Unfinished interactions: the user's own, or everyone's with ``?all=1``."""

    permission_required = VIEW_ENTRIES
    template_name = "interactions/postponed_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        show_all = self.request.GET.get("all") == "1"
        entries = postponed_entries(user=self.request.user, everyone=show_all)
        context.update(
            page=page_or_first(
                postponed_page,
                self.request.GET.get("cursor"),
                entries=entries,
                size=PAGE_SIZE,
            ),
            show_all=show_all,
            can_change=self.request.user.has_perm(ADD_ENTRIES),
        )
        return context


class PostponedResumeView(StaffView):
    """Open the wizard prefilled from a postponed entry (nothing written yet)."""

    permission_required = ADD_ENTRIES
    http_method_names = ["get"]

    def get(self, request: StaffRequest, entry_no: int) -> HttpResponseRedirect:
        entry = get_object_or_404(
            InteractionLogEntry.objects.postponed().select_related(
                "contact", "template", "salesperson", "campaign", "attachment"
            ),
            entry_no=entry_no,
        )
        state = wizard.resume_state(entry)
        state.context["next"] = reverse("interactions:postponed-list")
        state.save(request)
        return redirect(CreateInteractionView.step_url(state, wizard.STEP_NAMES[0]))


class PostponedDeleteView(StaffView):
    """Delete selected postponed entries directly (after one confirmation)."""

    permission_required = ADD_ENTRIES
    http_method_names = ["post"]

    def post(self, request: StaffRequest) -> HttpResponse:
        next_url = safe_next(request, reverse("interactions:postponed-list"))
        form = PostponedDeleteForm(request.POST)
        if not form.is_valid():
            show_form_errors(request, form)
            return redirect(next_url)
        entries = form.cleaned_data["entries"]
        if not form.cleaned_data["confirmed"]:
            selected = list(entries.select_related("contact").order_by("entry_no"))
            return render(
                request,
                "interactions/postponed_delete_confirm.html",
                {"entries": selected, "next_url": next_url},
            )
        try:
            count = delete_postponed_entries(actor=request.user, entries=entries)
        except ValidationError as error:
            show_validation_error(request, error)
            return redirect(next_url)
        messages.success(
            request,
            ngettext(
                "%(count)d postponed interaction has been deleted.",
                "%(count)d postponed interactions have been deleted.",
                count,
            )
            % {"count": count},
        )
        return redirect(next_url)
