"""The log page's per-user columns and saved views, read-only (issue #13).

Each user writes their own on the log page (``interactions.services.preferences``);
the administrator can see them, e.g. to answer "why does my log look like this?".
"""

from django.contrib import admin

from interactions.models import LogViewPreference, SavedLogView
from interactions_crm.platform.admin import ReadOnlyAdmin


@admin.register(LogViewPreference)
class LogViewPreferenceAdmin(ReadOnlyAdmin[LogViewPreference]):
    list_display = ["user", "columns", "updated_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]


@admin.register(SavedLogView)
class SavedLogViewAdmin(ReadOnlyAdmin[SavedLogView]):
    list_display = ["name", "user", "query", "sort", "created_at"]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]
