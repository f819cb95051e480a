"""Admin plumbing both apps use, and the admin of the platform's own models.

The admin is an interface like any other (DESIGN.md §3): it parses input and
calls one service; it never writes domain rows itself. :class:`ServiceAdmin`
routes saving and deleting to a service and turns the service's
``ValidationError`` into what an administrator expects to see — messages on
the form's fields (saving) or an error message (deleting) — with nothing
written. :func:`add_validation_error` is THE service-error → admin-form
adapter; :func:`error_text` the same for an admin message.

``NoCountAdmin`` keeps changelists of tables that grow without bound (the log,
audit events) from counting them; ``ReadOnlyAdmin`` shows rows only services
write (audit events, jobs, idempotency keys).
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, TypeVar, cast

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import (
    ImproperlyConfigured,
    ValidationError,
)
from django.core.paginator import Paginator
from django.db import models, router, transaction
from django.db.models import QuerySet
from django.forms import BaseForm, BaseFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.forms import add_service_errors
from interactions_crm.platform.masterdata import MasterDataWrites
from interactions_crm.platform.models import AuditEvent, BackgroundJob, IdempotencyKey

ModelT = TypeVar("ModelT", bound=models.Model)

# Request attribute carrying a service's ValidationError into the second,
# read-only pass of a change form (see ServiceAdmin.changeform_view).
SERVICE_ERROR_ATTR = "_crm_service_error"

# --- service errors on admin forms and messages -----------------------------


#: The admin shows a service's refusal like every other form-based interface.
add_validation_error = add_service_errors


def error_text(error: ValidationError) -> str:
    """All messages of ``error`` as one line for an admin message."""
    return " ".join(str(message) for message in error.messages)


def with_service_error[FormT: BaseForm](
    form_class: type[FormT], error: ValidationError | None
) -> type[FormT]:
    """``form_class``, or a subclass that reports ``error`` when validated."""
    if error is None:
        return form_class
    reported = error

    class ServiceErrorForm(form_class):  # type: ignore[valid-type,misc]  # a class made at run time
        def clean(self) -> dict[str, Any] | None:
            cleaned_data: dict[str, Any] | None = super().clean()
            add_validation_error(self, reported)
            return cleaned_data

    ServiceErrorForm.__name__ = form_class.__name__
    return ServiceErrorForm


def copy_fields(source: models.Model, target: models.Model) -> None:
    """Copy the saved row's values onto the admin's in-memory instance.

    The admin keeps using its own instance after ``save_model`` (for the
    success message, the change log and the redirect).
    """
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False
    target._state.db = source._state.db


def mark_formsets_handled(
    formsets: Iterable[BaseFormSet[Any]],
    new_objects: Mapping[BaseFormSet[Any], Sequence[models.Model]] | None = None,
) -> None:
    """Record on inline formsets what the services did, for the admin's history.

    The admin builds its change message from ``formset.new_objects`` & co.,
    which only ``formset.save()`` sets; inlines handled by a service set them
    here instead (``new_objects`` maps a formset to the rows it created).
    """
    for formset in formsets:
        formset.new_objects = list((new_objects or {}).get(formset, []))  # type: ignore[attr-defined]  # set by save() on model formsets
        formset.changed_objects = []  # type: ignore[attr-defined]  # idem
        formset.deleted_objects = []  # type: ignore[attr-defined]  # idem


# --- writes through services ----------------------------------------------------


class ServiceAdmin(admin.ModelAdmin[ModelT]):
    """A ModelAdmin whose writes go through services.

    Subclasses implement :meth:`service_save` and :meth:`service_delete`. When
    a service raises ``ValidationError`` while saving a change form, the
    admin's transaction is rolled back and the form is shown again with the
    messages on its fields; while deleting, the deletion is rolled back and the
    messages are shown as an error message. Deletion confirmation pages do not
    walk related objects (a template can have a million entries): the service
    decides, and says why when it refuses.
    """

    actions: Sequence[str] | None = ["delete_selected"]

    # --- hooks for subclasses -------------------------------------------------
    def service_save(
        self, request: HttpRequest, obj: ModelT, form: Any, change: bool
    ) -> ModelT | None:
        """Save ``obj`` (the form's instance) through a service; the saved row."""
        raise NotImplementedError

    def service_delete(self, request: HttpRequest, obj: ModelT) -> None:
        """Delete ``obj`` through a service."""
        raise NotImplementedError

    # --- saving ------------------------------------------------------------
    def save_model(
        self, request: HttpRequest, obj: ModelT, form: Any, change: Any
    ) -> None:
        saved = self.service_save(request, obj, form, bool(change))
        if saved is not None and saved is not obj:
            copy_fields(saved, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST" or hasattr(request, SERVICE_ERROR_ATTR):
                raise
            # Everything the first pass wrote is rolled back by the admin's
            # transaction. Run the view again: the form adds the service's
            # messages in clean(), so it is invalid and nothing is saved.
            setattr(request, SERVICE_ERROR_ATTR, error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(
        self,
        request: HttpRequest,
        obj: ModelT | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        return with_service_error(
            form_class, getattr(request, SERVICE_ERROR_ATTR, None)
        )

    # --- deleting ----------------------------------------------------------
    def delete_model(self, request: HttpRequest, obj: ModelT) -> None:
        self.service_delete(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.service_delete(request, obj)

    def get_deleted_objects(
        self, objs: Sequence[ModelT] | QuerySet[ModelT], request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        """List only the objects themselves; the service checks what refers to them."""
        rows = list(objs)
        model_count = {str(self.opts.verbose_name_plural): len(rows)} if rows else {}
        return [str(obj) for obj in rows], model_count, set(), []

    def delete_view(
        self,
        request: HttpRequest,
        object_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[quote(object_id)],
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)

    @admin.action(
        permissions=["delete"],
        description=_("Delete selected %(verbose_name_plural)s"),
    )
    def delete_selected(
        self, request: HttpRequest, queryset: QuerySet[ModelT]
    ) -> HttpResponse | None:
        """Django's delete action, all or nothing, with refusals as messages."""
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return django_delete_selected(self, request, queryset)
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return None


# --- master data: written through the service its app binds -------------------


class MasterDataAdmin(ServiceAdmin[ModelT]):
    """Master data saved and deleted through the master-data service (§8, §9).

    The app owning the table names the service in ``writes``
    (:class:`~interactions_crm.platform.masterdata.MasterDataWrites`; it knows
    the rules, e.g. which entries still refer to a salesperson). Without one,
    every write is refused.
    """

    writes: ClassVar[MasterDataWrites | None] = None

    def master_data_writes(self) -> MasterDataWrites:
        """The service this table is written through; refused when none is bound."""
        if self.writes is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} has no master-data service to write "
                "through: set its `writes`."
            )
        return self.writes

    def service_save(
        self, request: HttpRequest, obj: ModelT, form: Any, change: bool
    ) -> ModelT | None:
        saved = self.master_data_writes().save(
            actor=user_or_none(request.user),
            instance=obj,
            created=not change,
            changed_fields=list(form.changed_data),
        )
        # The service saves and returns the very row it was given.
        return cast(ModelT, saved)

    def service_delete(self, request: HttpRequest, obj: ModelT) -> None:
        self.master_data_writes().delete(actor=user_or_none(request.user), instance=obj)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: Any, change: Any
    ) -> None:
        """Inline rows (a template's content) go through the same service."""
        writes = self.master_data_writes()
        actor = user_or_none(request.user)
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            writes.delete(actor=actor, instance=obj)
        for obj in formset.new_objects:
            writes.save(actor=actor, instance=obj, created=True, changed_fields=[])
        for obj, changed_fields in formset.changed_objects:
            writes.save(
                actor=actor,
                instance=obj,
                created=False,
                changed_fields=list(changed_fields),
            )


# --- large tables: no COUNT(*) ---------------------------------------------


class LookaheadPaginator(Paginator[Any]):
    """A paginator that never counts the whole (filtered) table.

    It only looks ``lookahead`` pages past the page being shown, with one
    ``SELECT pk … LIMIT/OFFSET`` (no ``COUNT(*)``). When there are more rows
    than that, ``count`` is a lower bound and ``is_lower_bound`` is True; the
    changelist then says "at least N". Below that the count is exact.
    """

    lookahead = 10

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *args: Any,
        page: int = 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self.queryset = object_list
        self.requested_page = max(page, 1)
        self.is_lower_bound = False

    @cached_property
    def count(self) -> int:
        start = (self.requested_page - 1) * self.per_page
        window = self.per_page * self.lookahead
        keys = self.queryset.order_by().values_list("pk", flat=True)
        seen = len(keys[start : start + window + 1])
        self.is_lower_bound = seen > window
        return start + seen


class NoCountAdmin(admin.ModelAdmin[ModelT]):
    """Changelist of a table that grows without bound: no counting queries."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_paginator(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
    ) -> LookaheadPaginator:
        try:
            page = int(request.GET.get(PAGE_VAR, 1))
        except ValueError:
            page = 1
        return LookaheadPaginator(
            queryset, per_page, orphans, allow_empty_first_page, page=page
        )


class ReadOnlyAdmin(admin.ModelAdmin[ModelT]):
    """Rows written only by services (audit, jobs): view and search."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ModelT | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ModelT | None = None
    ) -> bool:
        return False

    def get_readonly_fields(
        self, request: HttpRequest, obj: ModelT | None = None
    ) -> list[str]:
        return [field.name for field in self.opts.concrete_fields]


# --- the platform's own models ----------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(NoCountAdmin[AuditEvent], ReadOnlyAdmin[AuditEvent]):
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


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ReadOnlyAdmin[BackgroundJob]):
    list_display = ["id", "kind", "status", "done", "total", "created_at"]
    list_filter = ["kind", "status"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(NoCountAdmin[IdempotencyKey], ReadOnlyAdmin[IdempotencyKey]):
    """Replayable first responses of API requests (kept 24 hours)."""

    list_display = ["created_at", "user", "key", "status_code", "location"]
    list_filter = ["status_code", "created_at"]
    search_fields = ["=key", "user__username"]
    list_select_related = ["user"]


# API tokens: their admin lives with their hashing (issue #11).
from interactions_crm.platform.api import token_admin  # noqa: E402,F401
