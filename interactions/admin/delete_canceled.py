""" "Delete canceled interaction log entries" in admin (DOMAIN §6.4).

A page of the log entries' admin: filters → confirmation with the count (a
dry run of ``delete_canceled_entries``) → delete now, or as a background job
when ``runs_in_background`` says the run is too large for a request (the one
decision staff pages, admin and API share).

The filters are the staff page's
:class:`~interactions.web.delete_canceled.DeleteCanceledForm` (its range
checks and its filter object) with admin widgets: related rows are
chosen with the admin's autocomplete instead of typed as codes.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import AdminSite
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, Salesperson
from interactions.models import (
    Campaign,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from interactions.services import start_delete_canceled_job
from interactions.services.delete_canceled import (
    DeletePreview,
    delete_previewed,
    preview_delete_canceled,
)
from interactions.services.jobs import runs_in_background
from interactions.web.delete_canceled import DeleteCanceledForm
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.admin import add_validation_error

# Filter name -> model; the widget searches through that model's admin.
RELATED_FILTERS: dict[str, type[Model]] = {
    "contact": Contact,
    "campaign": Campaign,
    "group": InteractionGroup,
    "template": InteractionTemplate,
    "salesperson": Salesperson,
}

TEMPLATES = "admin/interactions/interactionlogentry"


class DeleteCanceledAdminForm(DeleteCanceledForm):
    """The staff filters with admin widgets (autocomplete, admin date picker)."""

    def __init__(self, *args: Any, admin_site: AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in RELATED_FILTERS.items():
            field = forms.ModelChoiceField(
                label=self.fields[name].label,
                queryset=model._default_manager.all(),
                required=False,
            )
            field.widget = AutocompleteSelect(
                InteractionLogEntry._meta.get_field(name), admin_site
            )
            field.widget.choices = field.choices
            self.fields[name] = field
        for name in ("date_from", "date_to"):
            self.fields[name].widget = AdminDateWidget()

    def described(self) -> list[tuple[Any, Any]]:
        """(label, value) of every filter that is set, for the confirmation page."""
        return [
            (self.fields[name].label, value)
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        ]


class DeleteCanceledAdminMixin(admin.ModelAdmin[InteractionLogEntry]):
    """The batch job's pages on the log entries' admin."""

    def has_delete_canceled_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("interactions.delete_canceled_interactionlogentry")

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "delete-canceled/",
                self.admin_site.admin_view(self.delete_canceled_view),
                name="{}_{}_delete_canceled".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            "can_delete_canceled": self.has_delete_canceled_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def delete_canceled_view(self, request: HttpRequest) -> HttpResponse:
        """Filters → confirmation with the count (dry run) → delete → message."""
        if not self.has_delete_canceled_permission(request):
            raise PermissionDenied
        form = DeleteCanceledAdminForm(
            request.POST if request.method == "POST" else None,
            admin_site=self.admin_site,
        )
        if not form.is_bound or not form.is_valid() or "_edit" in request.POST:
            return self._render_delete_canceled(request, form)
        actor = user_or_none(request.user)
        filters = form.to_filter()
        try:
            if "_confirm" not in request.POST:
                preview = preview_delete_canceled(filters=filters)
                if preview.count == 0:
                    self.message_user(
                        request,
                        _("No canceled interaction log entries match these filters."),
                        messages.WARNING,
                    )
                    return self._render_delete_canceled(request, form)
                return self._render_delete_canceled(
                    request, form, count=preview.count, intent=preview.seal(filters)
                )
            # Delete exactly what the confirmation page counted (DOMAIN §6.4).
            preview = DeletePreview.unseal(
                request.POST.get("intent", ""), filters=filters
            )
            count = preview.count
            if runs_in_background(count):
                job = start_delete_canceled_job(
                    actor=actor, filters=filters, preview=preview
                )
                self.message_user(
                    request,
                    format_html(
                        str(
                            _(
                                "{count} canceled interaction log entries are being "
                                'deleted in the background: <a href="{url}">follow '
                                "the job</a>."
                            )
                        ),
                        count=count,
                        url=reverse(
                            "admin:platform_backgroundjob_change", args=[job.pk]
                        ),
                    ),
                    messages.SUCCESS,
                )
            else:
                outcome = delete_previewed(
                    actor=actor, filters=filters, preview=preview
                )
                first, *differences = outcome.messages()
                self.message_user(request, first, messages.SUCCESS)
                for line in differences:
                    self.message_user(request, line, messages.WARNING)
        except ValidationError as error:
            add_validation_error(form, error)
            return self._render_delete_canceled(request, form)
        return HttpResponseRedirect(
            reverse("admin:interactions_interactionlogentry_changelist")
        )

    def _render_delete_canceled(
        self,
        request: HttpRequest,
        form: DeleteCanceledAdminForm,
        count: int | None = None,
        intent: str = "",
    ) -> TemplateResponse:
        confirming = count is not None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Delete canceled interaction log entries"),
            "opts": self.opts,
            "form": form,
            "count": count,
            "intent": intent,
            "filters": form.described() if confirming else [],
            "media": self.media + form.media,
        }
        template = (
            "delete_canceled_confirm.html" if confirming else "delete_canceled.html"
        )
        return TemplateResponse(request, f"{TEMPLATES}/{template}", context)
