"""Comment lines of log entries in admin: added through ``add_comment`` only.

An entry's page lists its comments read-only and has one inline to add new
ones (:class:`NewCommentFormSet`, handed to ``add_comment`` by the entry's
admin); the comments' own admin adds a comment to any entry. Comments are
never edited or deleted here.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from interactions.models import EntryComment, InteractionLogEntry
from interactions.services import add_comment
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.admin import ServiceAdmin


class EntryCommentInline(admin.TabularInline[EntryComment, InteractionLogEntry]):
    """The entry's comment lines, read-only (they are added below)."""

    model = EntryComment
    fields = readonly_fields = ("date", "code", "text", "author", "created_at")
    extra = 0
    can_delete = False
    verbose_name_plural = _("comments")

    def has_add_permission(
        self, request: HttpRequest, obj: InteractionLogEntry | None = None
    ) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: InteractionLogEntry | None = None
    ) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[EntryComment]:
        return super().get_queryset(request).select_related("author")


class NewCommentFormSet(
    BaseInlineFormSet[EntryComment, InteractionLogEntry, ModelForm[EntryComment]]
):
    """Marks the inline whose rows are handed to ``add_comment``."""


class NewEntryCommentInline(admin.TabularInline[EntryComment, InteractionLogEntry]):
    model = EntryComment
    formset = NewCommentFormSet
    fields = ["code", "text"]
    extra = 1
    can_delete = False
    verbose_name = _("new comment")
    verbose_name_plural = _("add comments")

    def get_queryset(self, request: HttpRequest) -> QuerySet[EntryComment]:
        return super().get_queryset(request).none()

    def has_change_permission(
        self, request: HttpRequest, obj: InteractionLogEntry | None = None
    ) -> bool:
        return False

    def has_view_permission(
        self, request: HttpRequest, obj: InteractionLogEntry | None = None
    ) -> bool:
        return self.has_add_permission(request, obj)


def add_new_comments(
    request: HttpRequest, entry: InteractionLogEntry, formsets: list[Any]
) -> dict[Any, list[EntryComment]]:
    """Hand the new comment lines to ``add_comment``; the rows by formset."""
    added: dict[Any, list[EntryComment]] = {}
    for formset in formsets:
        if not isinstance(formset, NewCommentFormSet):
            continue
        added[formset] = [
            add_comment(
                actor=user_or_none(request.user),
                entry=entry,
                text=comment_form.cleaned_data.get("text", ""),
                code=comment_form.cleaned_data.get("code", ""),
            )
            for comment_form in formset.forms
            if getattr(comment_form, "cleaned_data", None)
            and comment_form.has_changed()
        ]
    return added


@admin.register(EntryComment)
class EntryCommentAdmin(ServiceAdmin[EntryComment]):
    """Comment lines: added through ``add_comment``, never edited or deleted here."""

    list_display = ["entry", "date", "code", "text", "author", "created_at"]
    list_filter = ["date", "code"]
    search_fields = ["=entry__entry_no", "text", "code"]
    list_select_related = ["entry", "author"]
    autocomplete_fields = ["entry"]
    fields = ("entry", "date", "code", "text")

    def get_readonly_fields(
        self, request: HttpRequest, obj: EntryComment | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ()
        return (*self.fields, "author", "created_at", "modified_at")

    def get_form(
        self,
        request: HttpRequest,
        obj: EntryComment | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        if obj is None and "date" in form_class.base_fields:
            form_class.base_fields["date"].required = False
            form_class.base_fields["date"].help_text = _("Blank: today.")
        return form_class

    def get_fields(
        self, request: HttpRequest, obj: EntryComment | None = None
    ) -> tuple[str, ...]:
        return self.fields if obj is None else self.get_readonly_fields(request, obj)

    def has_change_permission(
        self, request: HttpRequest, obj: EntryComment | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: EntryComment | None = None
    ) -> bool:
        return False

    def service_save(
        self, request: HttpRequest, obj: EntryComment, form: Any, change: bool
    ) -> EntryComment:
        data = form.cleaned_data
        return add_comment(
            actor=user_or_none(request.user),
            entry=data["entry"],
            text=data.get("text", ""),
            code=data.get("code", ""),
            date=data.get("date"),
        )
