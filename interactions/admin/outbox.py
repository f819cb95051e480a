"""Admin of the outbox, the suppression list and the opt-out history (§12).

Messages and opt-out events are written by services only: the admin views
them, and retries or cancels messages through the queue service. Addresses
are added to and removed from the suppression list through its service.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from interactions.models import EmailOptOutEvent, OutboxMessage, Suppression
from interactions.services.outbox.queue import (
    add_suppression,
    cancel_messages,
    remove_suppression,
    retry_messages,
)
from interactions_crm.platform.admin import NoCountAdmin, ReadOnlyAdmin, error_text


@admin.register(OutboxMessage)
class OutboxMessageAdmin(NoCountAdmin[OutboxMessage], ReadOnlyAdmin[OutboxMessage]):
    list_display = [
        "id",
        "recipient",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "purpose", "account"]
    search_fields = ["=recipient", "=message_id", "=entry__entry_no"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["retry", "cancel"]

    def has_change_permission(
        self, request: HttpRequest, obj: OutboxMessage | None = None
    ) -> bool:
        """Viewing and the actions need the change permission; editing is off."""
        return obj is None and request.user.has_perm(
            "interactions.change_outboxmessage"
        )

    def _run(self, request: HttpRequest, service: Any, queryset: QuerySet) -> None:
        try:
            count = service(actor=request.user, messages=list(queryset))
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return
        self.message_user(request, _("%(count)s messages done.") % {"count": count})

    @admin.action(description=_("Retry selected failed messages"))
    def retry(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._run(request, retry_messages, queryset)

    @admin.action(description=_("Cancel selected messages"))
    def cancel(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._run(request, cancel_messages, queryset)


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin[Suppression]):
    list_display = ["address", "reason", "source", "created_at", "created_by"]
    list_filter = ["reason"]
    search_fields = ["address"]
    fields = ["address", "source"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Suppression | None = None
    ) -> list[str]:
        return ["address", "reason", "source", "created_by"] if obj else []

    def get_fields(self, request: HttpRequest, obj: Suppression | None = None) -> Any:
        return (
            ["address", "reason", "source", "created_by"]
            if obj
            else ["address", "source"]
        )

    def save_model(
        self, request: HttpRequest, obj: Suppression, form: Any, change: bool
    ) -> None:
        if change:
            return
        saved = add_suppression(
            actor=request.user, address=obj.address, note=obj.source
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Suppression) -> None:
        remove_suppression(actor=request.user, suppression=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for suppression in queryset:
            remove_suppression(actor=request.user, suppression=suppression)


@admin.register(EmailOptOutEvent)
class EmailOptOutEventAdmin(ReadOnlyAdmin[EmailOptOutEvent]):
    list_display = ["at", "contact", "opted_out", "method", "address", "by"]
    list_filter = ["method", "opted_out"]
    search_fields = ["=contact__no", "address"]
    list_select_related = ["contact", "by"]
