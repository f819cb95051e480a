"""Interaction templates in admin: the template, its content, the template setup.

Templates and their content (one per language, the inline) are master data
(``save_master_record`` / ``delete_master_record``). The template setup
(Oppsett av samhandlingsmal) is one page listing every document type with its
template; saving calls ``set_document_template`` per changed row, all or
nothing.
"""

import re
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Exists,
    Field,
    IntegerField,
    OuterRef,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.forms import BaseModelFormSet, ModelForm
from django.forms import Field as FormField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from interactions.admin.masterdata import InteractionsMasterDataAdmin
from interactions.admin.statistics import FIGURES, StatisticsAdminMixin
from interactions.models import (
    DocumentTemplateSetup,
    DocumentType,
    InteractionTemplate,
    TemplateContent,
)
from interactions.services.merge import MERGE_FIELDS
from interactions.services.setup import set_document_template
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.admin import ServiceAdmin, add_validation_error

# Request attribute carrying the setup's refusals (by row id) into the
# changelist formset that shows the page again.
SETUP_ERRORS_ATTR = "_crm_setup_errors"


def merge_field_help() -> str:
    """The help text of a content body: the merge fields it may use."""
    return _("Merge fields: %(fields)s") % {
        "fields": ", ".join(f"{{{{ {name} }}}}" for name in MERGE_FIELDS)
    }


class MergeFieldHelpMixin(BaseModelAdmin[TemplateContent]):
    """Puts the merge fields under a content body's input."""

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name == "body":
            field.help_text = merge_field_help()
        return field


class TemplateContentInline(
    MergeFieldHelpMixin, admin.StackedInline[TemplateContent, InteractionTemplate]
):
    model = TemplateContent
    fields = ["language", "description", "subject", "body", "attachment"]
    autocomplete_fields = ["attachment"]
    extra = 0


@admin.register(InteractionTemplate)
class InteractionTemplateAdmin(
    StatisticsAdminMixin, InteractionsMasterDataAdmin[InteractionTemplate]
):
    list_display = [
        "code",
        "description",
        "group",
        "unit_cost",
        "unit_duration",
        "information_flow",
        "initiated_by",
        "correspondence_type",
        "language",
        "campaign",
        "has_content",
        *FIGURES,
    ]
    readonly_fields = FIGURES
    list_filter = [
        "group",
        "information_flow",
        "initiated_by",
        "correspondence_type",
        "wizard_action",
        "campaign",
    ]
    search_fields = ["code", "description"]
    list_select_related = ["group", "campaign"]
    autocomplete_fields = ["group", "campaign"]
    inlines = [TemplateContentInline]
    fieldsets = [
        (None, {"fields": ["code", "group", "description", "purpose"]}),
        (
            _("Interaction"),
            {
                "fields": [
                    "unit_cost",
                    "unit_duration",
                    "information_flow",
                    "initiated_by",
                ]
            },
        ),
        (
            _("Campaign"),
            {"fields": ["campaign", "campaign_target", "campaign_response"]},
        ),
        (
            _("Presentation"),
            {
                "fields": [
                    "correspondence_type",
                    "ignore_contact_correspondence_type",
                    "language",
                    "wizard_action",
                ]
            },
        ),
        (_("Statistics"), {"fields": list(FIGURES)}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[InteractionTemplate]:
        contents = TemplateContent.objects.filter(template=OuterRef("pk"))
        return super().get_queryset(request).annotate(_has_content=Exists(contents))

    @admin.display(description=_("content"), boolean=True, ordering="_has_content")
    def has_content(self, obj: InteractionTemplate) -> bool:
        return bool(obj._has_content)  # type: ignore[attr-defined]  # get_queryset's


@admin.register(TemplateContent)
class TemplateContentAdmin(
    MergeFieldHelpMixin, InteractionsMasterDataAdmin[TemplateContent]
):
    list_display = ["template", "language", "subject", "attachment"]
    list_filter = ["language", "template__group"]
    search_fields = ["template__code", "subject", "description"]
    list_select_related = ["template", "attachment"]
    autocomplete_fields = ["template", "attachment"]
    fields = ["template", "language", "description", "subject", "body", "attachment"]


# --- template setup: one page, every document type ---------------------------


@admin.register(DocumentTemplateSetup)
class DocumentTemplateSetupAdmin(ServiceAdmin[DocumentTemplateSetup]):
    """The "interaction template setup" (Oppsett av samhandlingsmal) as one page.

    Every document type is a row with a template select; saving calls
    ``set_document_template`` per changed row, all or nothing. A refused
    template (one with content) is shown on its row's field.
    """

    list_display = ["document_type_label", "template"]
    list_display_links = None
    list_editable = ["template"]
    list_per_page = 200
    actions = None
    search_fields = ["template__code"]

    @admin.display(description=_("document type"), ordering="_type_order")
    def document_type_label(self, obj: DocumentTemplateSetup) -> str:
        return str(obj.get_document_type_display())

    def get_queryset(self, request: HttpRequest) -> QuerySet[DocumentTemplateSetup]:
        order = Case(
            *(
                When(document_type=value, then=Value(index))
                for index, value in enumerate(DocumentType.values)
            ),
            default=Value(len(DocumentType.values)),
            output_field=IntegerField(),
        )
        # Not super(): it would order by "_type_order" before annotating it.
        return (
            self.model._default_manager.select_related("template")
            .annotate(_type_order=order)
            .order_by("_type_order")
        )

    def get_ordering(self, request: HttpRequest) -> list[str | Combinable]:
        return ["_type_order"]

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        """A plain select per row: no add/change/view icons on 30 rows."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget = field.widget.widget
        return field

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: DocumentTemplateSetup | None = None
    ) -> bool:
        return False

    def get_readonly_fields(
        self, request: HttpRequest, obj: DocumentTemplateSetup | None = None
    ) -> list[str]:
        return ["document_type"]

    def service_save(
        self,
        request: HttpRequest,
        obj: DocumentTemplateSetup,
        form: Any,
        change: bool,
    ) -> DocumentTemplateSetup:
        return set_document_template(
            actor=user_or_none(request.user),
            document_type=obj.document_type,
            template=obj.template,
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if (
            request.method == "POST"
            and "_save" in request.POST
            and self.has_change_permission(request)
        ):
            errors = self._save_setup(request)
            if errors is None:
                return HttpResponseRedirect(request.get_full_path())
            # Show the page again with each refusal on its row's field: the
            # changelist's own formset re-validates and reports them.
            setattr(request, SETUP_ERRORS_ATTR, errors)
        title = _("Interaction template setup")
        extra_context = {"title": title, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_changelist_formset(
        self, request: HttpRequest, **kwargs: Any
    ) -> type[BaseModelFormSet[Any, Any]]:
        formset_class = super().get_changelist_formset(request, **kwargs)
        errors: dict[int, ValidationError] = getattr(request, SETUP_ERRORS_ATTR, {})
        if not errors:
            return formset_class
        form_class: type[ModelForm[Any]] = formset_class.form

        class SetupForm(form_class):  # type: ignore[valid-type,misc]  # made at run time
            def clean(self) -> dict[str, Any] | None:
                cleaned_data: dict[str, Any] | None = super().clean()
                error = errors.get(self.instance.pk)
                if error is not None:
                    add_validation_error(self, error)
                return cleaned_data

        formset_class.form = SetupForm
        return formset_class

    def _save_setup(self, request: HttpRequest) -> dict[int, ValidationError] | None:
        """Save every changed row through the service; None when all succeeded.

        Returns the refusals by row id (nothing saved then), or ``{}`` when the
        submitted formset itself is invalid.
        """
        formset_class = self.get_changelist_formset(request)
        pk_key = re.compile(
            rf"^{re.escape(formset_class.get_default_prefix())}-\d+-id$"
        )
        pks = [str(value) for key, value in request.POST.items() if pk_key.match(key)]
        queryset = self.get_queryset(request).filter(pk__in=pks)
        formset = formset_class(request.POST, request.FILES, queryset=queryset)
        if not formset.is_valid():
            return {}
        errors: dict[int, ValidationError] = {}
        changed = 0
        with transaction.atomic():
            for form in formset.forms:
                if not form.has_changed():
                    continue
                try:
                    set_document_template(
                        actor=user_or_none(request.user),
                        document_type=form.instance.document_type,
                        template=form.cleaned_data["template"],
                    )
                    changed += 1
                except ValidationError as error:
                    errors[form.instance.pk] = error
            if errors:
                transaction.set_rollback(True)
        if errors:
            self.message_user(
                request,
                _("Nothing was saved. Correct the errors below."),
                messages.ERROR,
            )
            return errors
        if changed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d document type now uses its new template.",
                    "%(count)d document types now use their new templates.",
                    changed,
                )
                % {"count": changed},
                messages.SUCCESS,
            )
        return None
