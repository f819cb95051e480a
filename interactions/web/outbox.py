"""The staff outbox page (DOMAIN §12): the queue, its rate, and why a message waits.

Shows the queue depth, messages sent in the last minute/hour, and the
messages of one status with their next attempt and last error; a failed
message can be retried or canceled (``change_outboxmessage``).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from interactions.models import OutboxMessage, OutboxStatus
from interactions.selectors.outbox import outbox_messages, outbox_summary
from interactions.services.outbox.queue import cancel_messages, retry_messages
from interactions.web.base import (
    StaffTemplateView,
    StaffView,
    show_validation_error,
)

VIEW_OUTBOX = "interactions.view_outboxmessage"
CHANGE_OUTBOX = "interactions.change_outboxmessage"
PAGE_SIZE = 100


class OutboxView(StaffTemplateView):
    permission_required = VIEW_OUTBOX
    template_name = "interactions/outbox.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        status = self.request.GET.get("status", OutboxStatus.FAILED)
        if status not in OutboxStatus.values:
            status = ""
        return super().get_context_data(
            **kwargs,
            summary=outbox_summary(),
            status=status,
            statuses=OutboxStatus.choices,
            messages_shown=outbox_messages(status=status)[:PAGE_SIZE],
            page_size=PAGE_SIZE,
            can_change=self.request.user.has_perm(CHANGE_OUTBOX),
        )


class OutboxActionView(StaffView):
    """POST: retry or cancel one message (``action`` in the URL)."""

    permission_required = CHANGE_OUTBOX
    http_method_names = ["post"]

    def post(self, request: Any, pk: int, action: str) -> HttpResponse:
        message = get_object_or_404(OutboxMessage, pk=pk)
        service = {"retry": retry_messages, "cancel": cancel_messages}.get(action)
        if service is None:
            return HttpResponse(status=404)
        try:
            service(actor=request.user, messages=[message])
        except ValidationError as error:
            show_validation_error(request, error)
        else:
            done = (
                _("Message queued again.")
                if action == "retry"
                else _("Message canceled.")
            )
            messages.success(request, done)
        return redirect(f"{reverse('interactions:outbox')}?status={message.status}")
