"""Logged segments (DOMAIN §6.5; NAV "Logged Segments"): ``/logged-segments/``.

The list (newest first, search, canceled filter, keyset pages) and its bulk
actions: switch the canceled checkmark (with the segments' entries), delete
canceled logged segments, send the e-mails again. Switch and delete ask first
(a second POST with ``confirmed``); the question says what happens to the
entries.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from interactions.models import LoggedSegment
from interactions.selectors.logged_segments import (
    entries_in_state,
    entries_of,
    logged_segment_rows,
)
from interactions.services import (
    delete_canceled_logged_segments,
    switch_canceled_logged_segments,
)
from interactions.services.segments.logged import (
    LoggedSwitchIntent,
    ResendIntent,
    preview_resend,
    resend_logged_segments,
)
from interactions.web.base import (
    ADD_ENTRIES,
    CHANGE_LOGGED,
    VIEW_ENTRIES,
    VIEW_LOGGED,
    StaffRequest,
    StaffTemplateView,
    StaffView,
    page_or_first,
    safe_next,
    show_form_errors,
    show_validation_error,
)
from interactions.web.entries.detail import resent_message
from interactions_crm.platform.keyset import keyset_page

LOGGED_PAGE_SIZE = 50
#: Logged segments named on a confirmation page (the rest are counted).
CONFIRM_LISTED = 20
#: Resending e-mails records entries again: the "create entries" permission.
RESEND_ENTRIES = ADD_ENTRIES


class LoggedSegmentBulkForm(forms.Form):
    """One POST for the logged segments page's actions (django-oscar style)."""

    SWITCH_CANCELED = "switch_canceled"
    DELETE_CANCELED = "delete_canceled"
    RESEND = "resend"
    SCOPE_SELECTED = "selected"
    SCOPE_ALL_CANCELED = "all_canceled"

    action = forms.ChoiceField(
        choices=[
            (SWITCH_CANCELED, _("Switch checkmark in Canceled")),
            (DELETE_CANCELED, _("Delete canceled logged segments")),
            (RESEND, _("Resend")),
        ]
    )
    scope = forms.ChoiceField(
        choices=[
            (SCOPE_SELECTED, _("The selected logged segments")),
            (SCOPE_ALL_CANCELED, _("Every canceled logged segment")),
        ],
        required=False,
    )
    logged_segments = forms.ModelMultipleChoiceField(
        queryset=LoggedSegment.objects.all(), required=False
    )
    reason = forms.CharField(
        label=_("Reason for canceling"), max_length=200, required=False
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    #: What a switch or resend confirmation showed (signed); when present it
    #: is the selection, so the service names what changed meanwhile.
    intent = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        carries_intent = data.get("confirmed") and data.get("action") in (
            self.SWITCH_CANCELED,
            self.RESEND,
        )
        if self.all_canceled():
            if data.get("action") != self.DELETE_CANCELED:
                self.add_error("scope", _("This action needs a selection."))
        elif carries_intent:
            pass
        elif not data.get("logged_segments"):
            self.add_error("logged_segments", _("Select at least one logged segment."))
        return data

    def all_canceled(self) -> bool:
        return self.cleaned_data.get("scope") == self.SCOPE_ALL_CANCELED

    def selection(self) -> QuerySet[LoggedSegment]:
        """The logged segments the action applies to."""
        if self.all_canceled():
            return LoggedSegment.objects.filter(canceled=True)
        selected: QuerySet[LoggedSegment] = self.cleaned_data["logged_segments"]
        return selected


class LoggedSegmentListView(StaffTemplateView):
    """``/logged-segments/``: newest first, search, canceled filter, bulk actions."""

    permission_required = VIEW_LOGGED
    template_name = "interactions/loggedsegment_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        canceled = self.request.GET.get("canceled", "")
        rows = logged_segment_rows(
            query=query,
            canceled=canceled == "true" if canceled in ("true", "false") else None,
        )
        page = page_or_first(
            keyset_page,
            self.request.GET.get("cursor"),
            queryset=rows,
            ordering=("-id",),
            size=LOGGED_PAGE_SIZE,
        )
        user = self.request.user
        context.update(
            page=page,
            query=query,
            canceled=canceled,
            filtered=bool(query or canceled),
            can_change=user.has_perm(CHANGE_LOGGED),
            can_resend=user.has_perm(RESEND_ENTRIES),
            can_view_entries=user.has_perm(VIEW_ENTRIES),
        )
        return context


def logged_switch_question(first: LoggedSegment, count: int) -> str:
    """NAV's "Switch Checkmark in Canceled" question, for logged segments."""
    if count == 1:
        if first.canceled:
            return gettext(
                "Logged segment %(no)s is marked Canceled. Do you wish to remove "
                "the checkmark?"
            ) % {"no": first.segment_no}
        return gettext("Do you wish to mark logged segment %(no)s as Canceled?") % {
            "no": first.segment_no
        }
    if first.canceled:
        return gettext(
            "Do you wish to remove the checkmark from the selected logged segments?"
        )
    return gettext("Do you wish to mark the selected logged segments as Canceled?")


class LoggedSegmentBulkView(StaffView):
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

    def post(self, request: StaffRequest) -> HttpResponse:
        self.next_url = safe_next(request, reverse("interactions:loggedsegment-list"))
        form = LoggedSegmentBulkForm(request.POST)
        if not form.is_valid():
            show_form_errors(request, form)
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
        """Ask, then switch exactly what the question said (or refuse)."""
        if not form.cleaned_data["confirmed"]:
            selected = list(form.selection().order_by("pk"))
            # The service switches to the opposite of the lowest id's state.
            first = selected[0]
            entries = entries_in_state(
                [row.pk for row in selected], canceled=first.canceled
            )
            return self.confirm(
                form,
                question=logged_switch_question(first, len(selected)),
                selected=[],
                intent=LoggedSwitchIntent.shown(selected).seal(),
                shown=selected[:CONFIRM_LISTED],
                more=max(len(selected) - CONFIRM_LISTED, 0),
                first=first,
                cancels=not first.canceled,
                entries=entries,
            )
        try:
            expected = LoggedSwitchIntent.unseal(form.cleaned_data["intent"])
            count = switch_canceled_logged_segments(
                actor=self.request.user,
                logged_segments=LoggedSegment.objects.filter(pk__in=expected.keys),
                reason=form.cleaned_data["reason"],
                expected=expected,
            )
        except ValidationError as error:
            show_validation_error(self.request, error)
            return redirect(self.next_url)
        if not expected.target:
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
                    gettext(
                        "Only canceled logged segments can be deleted, and none "
                        "is selected."
                    ),
                )
                return redirect(self.next_url)
            entries = entries_of(canceled)
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
        """Name how many messages go out, then send exactly those (§6.5).

        Canceled logged segments are refused, and so is a confirmation whose
        count no longer holds.
        """
        try:
            if not form.cleaned_data["confirmed"]:
                preview = preview_resend(logged_segments=form.selection())
                return self.confirm(
                    form,
                    selected=[],
                    intent=preview.seal(),
                    shown=list(
                        LoggedSegment.objects.filter(
                            pk__in=preview.logged_ids
                        ).order_by("pk")[:CONFIRM_LISTED]
                    ),
                    more=max(len(preview.logged_ids) - CONFIRM_LISTED, 0),
                    resend_count=preview.count,
                )
            count = resend_logged_segments(
                actor=self.request.user,
                expected=ResendIntent.unseal(form.cleaned_data["intent"]),
            )
        except ValidationError as error:
            show_validation_error(self.request, error)
        else:
            messages.success(self.request, resent_message(count))
        return redirect(self.next_url)
