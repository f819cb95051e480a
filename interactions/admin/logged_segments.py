"""Logged segments in admin (Loggførte segmenter, DOMAIN §6.5).

Read-only rows with three actions: switch canceled
(``switch_canceled_logged_segments``), delete canceled
(``delete_canceled_logged_segments``) and resend (``resend_entries``). The
number of interactions is the selector's (``logged_segments_with_counts``).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from interactions.models import InteractionLogEntry, LoggedSegment
from interactions.selectors import logged_segments_with_counts
from interactions.services import resend_entries
from interactions.services.segments import (
    delete_canceled_logged_segments,
    switch_canceled_logged_segments,
)
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.admin import ReadOnlyAdmin, error_text


@admin.register(LoggedSegment)
class LoggedSegmentAdmin(ReadOnlyAdmin[LoggedSegment]):
    """Loggførte segmenter: read-only, with switch canceled / delete canceled."""

    list_display = [
        "segment_no",
        "description",
        "date",
        "logged_by",
        "canceled",
        "interactions",
    ]
    list_display_links = ["segment_no", "description"]
    list_filter = ["canceled", "date"]
    search_fields = ["=segment_no", "description"]
    list_select_related = ["logged_by"]
    actions = ["switch_canceled_action", "delete_canceled_action", "resend_action"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[LoggedSegment]:
        return logged_segments_with_counts()

    @admin.display(description=_("no. of interactions"), ordering="entry_count")
    def interactions(self, obj: LoggedSegment) -> SafeString:
        url = reverse("admin:interactions_interactionlogentry_changelist") + (
            f"?q={obj.segment_no}"
        )
        count = obj.entry_count  # type: ignore[attr-defined]  # the selector's
        return format_html('<a href="{}">{}</a>', url, count)

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("interactions.change_loggedsegment")

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("interactions.view_interactionlogentry")

    @admin.action(permissions=["cancel"], description=_("Switch checkmark in Canceled"))
    def switch_canceled_action(
        self, request: HttpRequest, queryset: QuerySet[LoggedSegment]
    ) -> None:
        count = switch_canceled_logged_segments(
            actor=user_or_none(request.user), logged_segments=queryset
        )
        self.message_user(
            request,
            ngettext(
                "The canceled checkmark was switched on %(count)d logged segment "
                "and its interactions.",
                "The canceled checkmark was switched on %(count)d logged segments "
                "and their interactions.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(permissions=["cancel"], description=_("Delete canceled segments"))
    def delete_canceled_action(
        self, request: HttpRequest, queryset: QuerySet[LoggedSegment]
    ) -> None:
        count = delete_canceled_logged_segments(
            actor=user_or_none(request.user), logged_segments=queryset
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d logged segment has been deleted.",
                "%(count)d logged segments have been deleted.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.action(permissions=["resend"], description=_("Resend"))
    def resend_action(
        self, request: HttpRequest, queryset: QuerySet[LoggedSegment]
    ) -> None:
        entries = InteractionLogEntry.objects.filter(
            logged_segment__in=queryset.values("pk")
        )
        try:
            count = resend_entries(actor=user_or_none(request.user), entries=entries)
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d interaction is being sent again.",
                "%(count)d interactions are being sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
