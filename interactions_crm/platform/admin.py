"""Admin plumbing both apps use, and the admin of the platform's own models.

``NoCountAdmin`` keeps changelists of tables that grow without bound (the log,
audit events) from counting them; ``ReadOnlyAdmin`` shows rows only services
write (audit events, jobs, idempotency keys).
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from interactions_crm.platform.models import AuditEvent, BackgroundJob, IdempotencyKey

# --- large tables: no COUNT(*) ---------------------------------------------


class LookaheadPaginator(Paginator):
    """A paginator that never counts the whole (filtered) table.

    It only looks ``lookahead`` pages past the page being shown, with one
    ``SELECT pk … LIMIT/OFFSET`` (no ``COUNT(*)``). When there are more rows
    than that, ``count`` is a lower bound and ``is_lower_bound`` is True; the
    changelist then says "at least N". Below that the count is exact.
    """

    lookahead = 10

    def __init__(self, object_list, per_page, *args: Any, page: int = 1, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.requested_page = max(page, 1)
        self.is_lower_bound = False

    @cached_property
    def count(self) -> int:
        start = (self.requested_page - 1) * self.per_page
        window = self.per_page * self.lookahead
        keys = self.object_list.order_by().values_list("pk", flat=True)
        seen = len(keys[start : start + window + 1])
        self.is_lower_bound = seen > window
        return start + seen


class NoCountAdmin(admin.ModelAdmin):
    """Changelist of a table that grows without bound: no counting queries."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_paginator(
        self, request, queryset, per_page, orphans=0, allow_empty_first_page=True
    ):
        try:
            page = int(request.GET.get(PAGE_VAR, 1))
        except ValueError:
            page = 1
        return LookaheadPaginator(
            queryset, per_page, orphans, allow_empty_first_page, page=page
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services (audit, jobs): view and search."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(NoCountAdmin, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "actor_repr",
        "action",
        "object_type",
        "object_id",
        "count",
    ]
    list_filter = ["action", "object_type", "created_at"]
    search_fields = ["=object_id", "actor_repr", "action"]
    fields = [
        "created_at",
        "actor",
        "actor_repr",
        "action",
        "object_type",
        "object_id",
        "count",
        "changes",
    ]
    readonly_fields = fields


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "status", "done", "total", "created_at"]
    list_filter = ["kind", "status"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.opts.concrete_fields]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(NoCountAdmin, ReadOnlyAdmin):
    """Replayable first responses of API requests (kept 24 hours)."""

    list_display = ["created_at", "user", "key", "status_code", "location"]
    list_filter = ["status_code", "created_at"]
    search_fields = ["=key", "user__username"]
    list_select_related = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.opts.concrete_fields]
