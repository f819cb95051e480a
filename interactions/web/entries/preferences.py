"""The log page's column chooser and saved views (issue #13 item 1).

POST-only: each parses its form, calls one service of
:mod:`interactions.services.preferences` and goes back to the log with a
message. A refusal is shown as a message naming the field, nothing written.
"""

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interactions.models import LogColumn, SavedLogView
from interactions.services import choose_log_columns, delete_log_view, save_log_view
from interactions.web.base import (
    VIEW_ENTRIES,
    StaffRequest,
    StaffView,
    safe_next,
)


class ColumnsForm(forms.Form):
    columns = forms.MultipleChoiceField(
        label=gettext_lazy("Columns"),
        choices=LogColumn.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class SaveViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("View name"), max_length=60)
    # The page's query string, the columns shown and the sort, as the page had them.
    query = forms.CharField(
        label=gettext_lazy("Filters"),
        required=False,
        max_length=2000,
        widget=forms.HiddenInput,
    )
    columns = forms.MultipleChoiceField(
        label=gettext_lazy("Columns"),
        choices=LogColumn.choices,
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    sort = forms.CharField(
        label=gettext_lazy("Sort"),
        required=False,
        max_length=40,
        widget=forms.HiddenInput,
    )


def log_url() -> str:
    return reverse("interactions:entry-list")


def without_view(url: str) -> str:
    """``url`` without its ``view`` and ``cursor`` parameters.

    After choosing columns the page shows the chosen ones, not those of a
    saved view it was showing, from the first page.
    """
    parts = urlsplit(url)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name not in {"view", "cursor"}
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def show_error(
    request: StaffRequest, errors: Mapping[str, Sequence[Any]], form: forms.Form
) -> None:
    """Errors as messages, each with the label of the field it is about."""
    for name, messages_ in errors.items():
        form_field = form.fields.get(name)
        label = form_field.label if form_field is not None else None
        for message in messages_:
            text = f"{label}: {message}" if label else str(message)
            messages.error(request, text)


class LogColumnsView(StaffView):
    """Remember the columns the user ticked in the chooser."""

    permission_required = VIEW_ENTRIES
    http_method_names = ["post"]

    def post(self, request: StaffRequest) -> HttpResponse:
        next_url = without_view(safe_next(self.request, log_url()))
        form = ColumnsForm(self.request.POST)
        if not form.is_valid():
            show_error(self.request, form.errors, form)
            return redirect(next_url)
        try:
            choose_log_columns(
                actor=self.request.user, columns=form.cleaned_data["columns"]
            )
        except ValidationError as error:
            show_error(self.request, error.message_dict, form)
            return redirect(next_url)
        messages.success(self.request, _("Your columns have been saved."))
        return redirect(next_url)


class LogViewSaveView(StaffView):
    """Save the page's filters, columns and sort as a named view."""

    permission_required = VIEW_ENTRIES
    http_method_names = ["post"]

    def post(self, request: StaffRequest) -> HttpResponse:
        next_url = safe_next(self.request, log_url())
        form = SaveViewForm(self.request.POST)
        if not form.is_valid():
            show_error(self.request, form.errors, form)
            return redirect(next_url)
        data = form.cleaned_data
        try:
            view = save_log_view(
                actor=self.request.user,
                name=data["name"],
                query=data["query"],
                columns=data["columns"],
                sort=data["sort"],
            )
        except ValidationError as error:
            show_error(self.request, error.message_dict, form)
            return redirect(next_url)
        messages.success(
            self.request, _("The view “%(name)s” has been saved.") % {"name": view.name}
        )
        return redirect(saved_view_url(view))


def saved_view_url(view: SavedLogView) -> str:
    """The log with ``view``'s filters, sort and columns."""
    params = parse_qsl(view.query)
    if view.sort:
        params.append(("sort", view.sort))
    params.append(("view", str(view.pk)))
    return f"{log_url()}?{urlencode(params)}"


class LogViewDeleteView(StaffView):
    """Delete one of the user's saved views (another user's is not found)."""

    permission_required = VIEW_ENTRIES
    http_method_names = ["post"]

    def post(self, request: StaffRequest, pk: int) -> HttpResponse:
        view = get_object_or_404(SavedLogView, pk=pk, user=self.request.user)
        next_url = without_view(safe_next(self.request, log_url()))
        try:
            delete_log_view(actor=self.request.user, view=view)
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
            return redirect(next_url)
        messages.success(
            self.request,
            _("The view “%(name)s” has been deleted.") % {"name": view.name},
        )
        return redirect(next_url)
