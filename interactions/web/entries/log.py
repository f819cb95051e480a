"""The Interaction Log Entries page (DOMAIN §6.1): list and bulk actions.

The list filters with the shared ``EntryFilterSet``, sorts and pages by keyset
(:mod:`interactions.selectors.log`); the CSV export of the same selection is
:mod:`interactions.web.entries.export`; the bulk actions switch the canceled
checkmark (after NAV's question) or evaluate the selected entries.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interactions.models import Evaluation, InteractionLogEntry
from interactions.selectors.log import (
    SORTS,
    filtered_entries,
    log_filterset,
    log_page,
    sort_key,
)
from interactions.services import evaluate_entries, switch_canceled
from interactions.services.ledger import SwitchIntent
from interactions.web.base import (
    ADD_ENTRIES,
    CANCEL_ENTRIES,
    DELETE_CANCELED,
    EVALUATE_ENTRIES,
    VIEW_ENTRIES,
    StaffRequest,
    StaffTemplateView,
    StaffView,
    page_or_first,
    safe_next,
    show_form_errors,
    show_validation_error,
)
from interactions.web.entries.forms import (
    BulkActionForm,
    CancelForm,
    decorate_filter_form,
)

PAGE_SIZE = 50
# Filters shown in the always-visible row; the others sit under "More filters".
MAIN_FILTERS = ("q", "contact", "date_from", "date_to", "template", "canceled")


class EntryListView(StaffTemplateView):
    """Every entry that is not postponed; filters, sort, keyset pages."""

    permission_required = VIEW_ENTRIES
    template_name = "interactions/entry_list.html"

    def get_template_names(self) -> list[str]:
        if self.request.htmx and self.request.GET.get("cursor"):
            return [f"{self.template_name}#rows"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        params = self.request.GET
        filterset = log_filterset(params)
        form = decorate_filter_form(filterset.form)
        sort = sort_key(params.get("sort"))
        page = page_or_first(
            log_page,
            params.get("cursor"),
            rows=filtered_entries(filterset),
            sort=sort,
            size=PAGE_SIZE,
        )
        user = self.request.user
        context.update(
            filter_form=form,
            main_fields=[form[name] for name in MAIN_FILTERS],
            more_fields=[
                form[name] for name in form.fields if name not in MAIN_FILTERS
            ],
            more_open=any(
                params.get(name) for name in form.fields if name not in MAIN_FILTERS
            ),
            filtered=any(params.get(name) for name in form.fields),
            page=page,
            sort=sort,
            sorts=[(key, label) for key, (_ordering, label) in SORTS.items()],
            evaluations=Evaluation.choices[1:],
            can_cancel=user.has_perm(CANCEL_ENTRIES),
            can_evaluate=user.has_perm(EVALUATE_ENTRIES),
            can_create=user.has_perm(ADD_ENTRIES),
            can_delete_canceled=user.has_perm(DELETE_CANCELED),
            continued=bool(params.get("cursor")),
        )
        return context


def switch_question(first: InteractionLogEntry, count: int) -> str:
    """NAV's confirmation wording for Switch Checkmark in Canceled (§9.2)."""
    if count == 1:
        if first.canceled:
            return _(
                "Interaction Log Entry %(entry_no)s is marked Canceled. Do you "
                "wish to remove the checkmark?"
            ) % {"entry_no": first.entry_no}
        return _(
            "Do you wish to mark Interaction Log Entry %(entry_no)s as Canceled?"
        ) % {"entry_no": first.entry_no}
    if first.canceled:
        return _(
            "Do you wish to remove the checkmark from the selected Interaction "
            "Log Entry lines?"
        )
    return _(
        "Do you wish to mark the selected Interaction Log Entry lines as Canceled?"
    )


def canceled_message(count: int) -> str:
    return ngettext(
        "%(count)d interaction log entry has been canceled.",
        "%(count)d interaction log entries have been canceled.",
        count,
    ) % {"count": count}


def uncanceled_message(count: int) -> str:
    return ngettext(
        "The canceled checkmark has been removed from %(count)d interaction log entry.",
        "The canceled checkmark has been removed from %(count)d interaction "
        "log entries.",
        count,
    ) % {"count": count}


class EntryBulkView(StaffView):
    """The list's bulk actions: switch checkmark in canceled, evaluate."""

    http_method_names = ["post"]
    ACTION_PERMISSIONS = {
        BulkActionForm.SWITCH_CANCELED: CANCEL_ENTRIES,
        BulkActionForm.EVALUATE: EVALUATE_ENTRIES,
    }

    def get_permission_required(self) -> tuple[str, ...]:
        action = self.request.POST.get("action", "")
        extra = self.ACTION_PERMISSIONS.get(action)
        return (VIEW_ENTRIES, extra) if extra else (VIEW_ENTRIES,)

    def post(self, request: StaffRequest) -> HttpResponse:
        next_url = safe_next(request, reverse("interactions:entry-list"))
        form = BulkActionForm(request.POST)
        if not form.is_valid():
            show_form_errors(request, form)
            return redirect(next_url)
        entries = form.cleaned_data["entries"]
        if form.cleaned_data["action"] == BulkActionForm.EVALUATE:
            return self.evaluate(form, entries, next_url)
        return self.switch(form, entries, next_url)

    def evaluate(
        self,
        form: BulkActionForm,
        entries: QuerySet[InteractionLogEntry],
        next_url: str,
    ) -> HttpResponse:
        evaluation = form.cleaned_data["evaluation"]
        try:
            count = evaluate_entries(
                actor=self.request.user, entries=entries, evaluation=evaluation
            )
        except ValidationError as error:
            show_validation_error(self.request, error)
            return redirect(next_url)
        messages.success(
            self.request,
            ngettext(
                "%(count)d interaction log entry has been evaluated as "
                "“%(evaluation)s”.",
                "%(count)d interaction log entries have been evaluated as "
                "“%(evaluation)s”.",
                count,
            )
            % {"count": count, "evaluation": Evaluation(evaluation).label},
        )
        return redirect(next_url)

    def switch(
        self,
        form: BulkActionForm,
        entries: QuerySet[InteractionLogEntry],
        next_url: str,
    ) -> HttpResponse:
        """Ask NAV's question, then switch exactly what the question said.

        The confirmation carries a signed :class:`SwitchIntent` (the target
        state and each entry's state as shown); the service refuses, changing
        nothing, when another user or tab changed the selection meanwhile.
        """
        if not form.cleaned_data["confirmed"]:
            selected = list(entries.select_related("contact").order_by("entry_no"))
            # The service switches to the opposite of the lowest entry number's
            # state; ask the question about that same entry.
            first = selected[0]
            return render(
                self.request,
                "interactions/entry_switch_confirm.html",
                {
                    "question": switch_question(first, len(selected)),
                    "entries": selected,
                    "cancels": not first.canceled,
                    "intent": SwitchIntent.shown(selected).seal(),
                    "next_url": next_url,
                    "reason_form": CancelForm(),
                },
            )
        try:
            expected = SwitchIntent.unseal(form.cleaned_data["intent"])
            count = switch_canceled(
                actor=self.request.user,
                entries=InteractionLogEntry.objects.visible().filter(
                    entry_no__in=expected.keys
                ),
                reason=form.cleaned_data["reason"],
                expected=expected,
            )
        except ValidationError as error:
            show_validation_error(self.request, error)
            return redirect(next_url)
        message = canceled_message if expected.target else uncanceled_message
        messages.success(self.request, message(count))
        return redirect(next_url)
