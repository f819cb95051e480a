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
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interactions.models import Evaluation, InteractionLogEntry, SavedLogView
from interactions.selectors.log_page import (
    DEFAULT_PAGE_SORT,
    ENTRY_NO_SORTS,
    PAGE_SORTS,
    Column,
    UnknownSort,
    all_columns,
    check_filters,
    log_columns,
    page_filterset,
    page_sort,
    rows_page,
    saved_log_views,
    shown_columns,
)
from interactions.services import evaluate_entries, switch_canceled
from interactions.services.ledger import SwitchIntent
from interactions.services.preferences import filter_query
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
from interactions.web.entries.preferences import saved_view_url

PAGE_SIZE = 50
# Filters shown in the always-visible row; the others sit under "More filters".
MAIN_FILTERS = ("q", "contact", "date_from", "date_to", "template", "canceled")


class EntryListView(StaffTemplateView):
    """Every entry that is not postponed: NAV's columns, chosen per user.

    Filters with the shared ``EntryFilterSet`` (an unknown code or a range
    from after to is a message on the field, no rows), sorts by any sortable
    column and pages by keyset on (column, entry no.). The columns are the
    user's choice, or those of the saved view named by ``view``.
    """

    permission_required = VIEW_ENTRIES
    template_name = "interactions/entry_list.html"

    def get_template_names(self) -> list[str]:
        if self.request.htmx and self.request.GET.get("cursor"):
            return [f"{self.template_name}#rows"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        params = self.request.GET
        user = self.request.user
        filterset = page_filterset(params)
        form = decorate_filter_form(filterset.form)
        if filterset.is_valid():
            check_filters(form)
        sort_error = ""
        try:
            sort = page_sort(params.get("sort"))
        except UnknownSort:
            sort = DEFAULT_PAGE_SORT
            sort_error = _(
                "There is no sort order “%(sort)s”; the entries are shown newest first."
            ) % {"sort": params["sort"]}
        views = saved_log_views(user)
        view, view_error = applied_view(views, params.get("view"))
        chosen = log_columns(user)
        columns = shown_columns(view.columns if view else chosen)
        page = page_or_first(
            rows_page,
            params.get("cursor"),
            filterset=filterset,
            sort=sort,
            size=PAGE_SIZE,
        )
        shown = {column.key for column in columns}
        context.update(
            filter_form=form,
            main_fields=[form[name] for name in MAIN_FILTERS],
            more_fields=[
                form[name] for name in form.fields if name not in MAIN_FILTERS
            ],
            more_open=any(
                params.get(name) for name in form.fields if name not in MAIN_FILTERS
            )
            or any(name not in MAIN_FILTERS for name in form.errors),
            filtered=any(params.get(name) for name in form.fields),
            page=page,
            sort=sort,
            sort_error=sort_error,
            sorts=[(key, order.label) for key, order in PAGE_SORTS.items()],
            columns=columns,
            shown=shown,
            headers=[header(params, column, sort) for column in columns],
            entry_no_header=header(
                params, Column("entry_no", _("Entry no."), ENTRY_NO_SORTS), sort
            ),
            column_count=len(columns) + 2,
            all_columns=all_columns(),
            saved_views=[(v, saved_view_url(v)) for v in views],
            view=view,
            view_error=view_error,
            view_query=filter_query(params.urlencode()),
            evaluations=Evaluation.choices[1:],
            can_cancel=user.has_perm(CANCEL_ENTRIES),
            can_evaluate=user.has_perm(EVALUATE_ENTRIES),
            can_create=user.has_perm(ADD_ENTRIES),
            can_delete_canceled=user.has_perm(DELETE_CANCELED),
            continued=bool(params.get("cursor")),
        )
        return context


def applied_view(
    views: list[SavedLogView], key: str | None
) -> tuple[SavedLogView | None, str]:
    """The saved view named by the ``view`` parameter, and a message if unknown."""
    if not key:
        return None, ""
    for view in views:
        if str(view.pk) == key:
            return view, ""
    return None, _(
        "The saved view you asked for does not exist (any more); your own "
        "columns are shown."
    )


def header(params: QueryDict, column: Column, sort: str) -> dict[str, Any]:
    """A column header: its sort link (first or second order), ``aria-sort``."""
    if column.sorts is None:
        return {"column": column, "href": "", "aria_sort": "", "arrow": ""}
    first, second = column.sorts
    target = second if sort == first else first
    query = params.copy()
    query["sort"] = target
    query.pop("cursor", None)
    aria_sort = arrow = ""
    if sort in column.sorts:
        descending = PAGE_SORTS[sort].descending
        aria_sort = "descending" if descending else "ascending"
        arrow = "↓" if descending else "↑"
    return {
        "column": column,
        "href": f"?{query.urlencode()}",
        "aria_sort": aria_sort,
        "arrow": arrow,
        "next_label": PAGE_SORTS[target].label,
    }


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
