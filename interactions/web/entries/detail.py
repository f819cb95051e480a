"""One entry's page (``/interactions/<entry_no>/``) and its actions.

Every field of the entry, its content and comments; add a comment, cancel or
uncancel it, download its attachment, send its e-mail again (DOMAIN §3, §6.2,
§6.3). Each action is a POST that calls one service and redirects back.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interactions.models import Evaluation, InteractionLogEntry
from interactions.selectors.log import entry_comments, entry_with_details
from interactions.services import add_comment, cancel_entries, uncancel_entries
from interactions.services.ledger import resend_active_entries
from interactions.web.base import (
    ADD_COMMENTS,
    ADD_ENTRIES,
    CANCEL_ENTRIES,
    EVALUATE_ENTRIES,
    VIEW_ENTRIES,
    StaffDetailView,
    StaffRequest,
    StaffView,
    show_validation_error,
)
from interactions.web.entries.forms import CancelForm, CommentForm
from interactions.web.entries.log import canceled_message, uncanceled_message
from interactions_crm.platform.forms import add_service_errors


def visible_entry(entry_no: int) -> InteractionLogEntry:
    """An entry of the log (not postponed) or 404."""
    entry: InteractionLogEntry = get_object_or_404(
        InteractionLogEntry.objects.visible(), entry_no=entry_no
    )
    return entry


def only(entry: InteractionLogEntry) -> QuerySet[InteractionLogEntry]:
    """The one entry as the queryset the bulk services take."""
    return InteractionLogEntry.objects.filter(pk=entry.pk)


class EntryDetailView(StaffDetailView[InteractionLogEntry]):
    """Every field of one entry, its content, comments and actions."""

    permission_required = VIEW_ENTRIES
    template_name = "interactions/entry_detail.html"
    context_object_name = "entry"
    pk_url_kwarg = "entry_no"
    comment_form: CommentForm | None = None

    def get_queryset(self) -> QuerySet[InteractionLogEntry]:
        return entry_with_details()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        user = self.request.user
        entry = self.object
        context.update(
            comments=entry_comments(entry),
            comment_form=self.comment_form or CommentForm(),
            cancel_form=CancelForm(),
            evaluations=Evaluation.choices[1:],
            can_cancel=user.has_perm(CANCEL_ENTRIES),
            can_evaluate=user.has_perm(EVALUATE_ENTRIES),
            can_comment=user.has_perm(ADD_COMMENTS),
            can_resend=user.has_perm(ADD_ENTRIES)
            and not entry.canceled
            and entry.correspondence_type == "email"
            and entry.attachment_id is not None,
            can_create=user.has_perm(ADD_ENTRIES),
        )
        return context


class EntryAttachmentView(StaffView):
    """Download the file of an entry's attachment (never rendered inline)."""

    permission_required = VIEW_ENTRIES
    http_method_names = ["get"]

    def get(self, request: StaffRequest, entry_no: int) -> FileResponse:
        entry = visible_entry(entry_no)
        attachment = entry.attachment
        if attachment is None or not attachment.file:
            raise Http404(_("This entry has no attached file."))
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.file_name
            or (attachment.file.name or "").rsplit("/", 1)[-1],
        )


class EntryCommentAddView(StaffView):
    """Add a comment; an invalid one shows the entry's page with the errors."""

    permission_required = ADD_COMMENTS
    http_method_names = ["post"]

    def post(self, request: StaffRequest, entry_no: int) -> HttpResponse:
        entry = visible_entry(entry_no)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                add_comment(
                    actor=request.user,
                    entry=entry,
                    text=form.cleaned_data["text"],
                    code=form.cleaned_data["code"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The comment has been added."))
                return redirect(entry)
        view = EntryDetailView(comment_form=form)
        view.setup(request, entry_no=entry_no)
        view.object = view.get_object()
        return render(
            request,
            view.template_name,
            view.get_context_data(object=view.object),
            status=400,
        )


class EntryCancelView(StaffView):
    permission_required = CANCEL_ENTRIES
    http_method_names = ["post"]

    def post(self, request: StaffRequest, entry_no: int) -> HttpResponse:
        entry = visible_entry(entry_no)
        form = CancelForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            count = cancel_entries(
                actor=request.user, entries=only(entry), reason=reason
            )
        except ValidationError as error:
            show_validation_error(request, error)
        else:
            if count:
                messages.success(request, canceled_message(count))
            else:
                messages.info(request, _("The entry was already canceled."))
        return redirect(entry)


class EntryUncancelView(StaffView):
    permission_required = CANCEL_ENTRIES
    http_method_names = ["post"]

    def post(self, request: StaffRequest, entry_no: int) -> HttpResponse:
        entry = visible_entry(entry_no)
        try:
            count = uncancel_entries(actor=request.user, entries=only(entry))
        except ValidationError as error:
            show_validation_error(request, error)
        else:
            if count:
                messages.success(request, uncanceled_message(count))
            else:
                messages.info(request, _("The entry was not canceled."))
        return redirect(entry)


class EntryResendView(StaffView):
    permission_required = ADD_ENTRIES
    http_method_names = ["post"]

    def post(self, request: StaffRequest, entry_no: int) -> HttpResponse:
        entry = visible_entry(entry_no)
        try:
            count = resend_active_entries(actor=request.user, entries=only(entry))
        except ValidationError as error:
            show_validation_error(request, error)
        else:
            messages.success(request, resent_message(count))
        return redirect(entry)


def resent_message(count: int) -> str:
    """The message after a resend (the entry's page, the logged segments page)."""
    return ngettext(
        "%(count)d interaction log entry is being sent again.",
        "%(count)d interaction log entries are being sent again.",
        count,
    ) % {"count": count}
