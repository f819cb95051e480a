"""Django admin: master data, templates, the template setup and the interaction log.

The CRM administrator configures groups, templates and their content, the
template setup, salespeople and campaigns here, and runs the domain actions on
the log (DOMAIN §1, DESIGN.md §4.2). Every write calls a service:

* master data → ``save_master_record`` / ``delete_master_record``
  (campaigns without a number → ``create_campaign``);
* the template setup → ``set_document_template`` (one page, every type);
* log entries are read-only; "Create interaction" → ``create_interaction``,
  comments → ``add_comment``, the actions → ``switch_canceled`` /
  ``evaluate_entries``, and the batch job → ``delete_canceled_entries``.

The log changelist never counts the whole table (:class:`LookaheadPaginator`).
"""

import re
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Value, When
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contacts.admin import (
    ServiceAdmin,
    add_validation_error,
    copy_fields,
    error_text,
    mark_formsets_handled,
)
from contacts.models import (
    BusinessRelation,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
    NumberSeries,
    Salesperson,
)
from interactions.admin_forms import (
    AddInteractionForm,
    DeleteCanceledForm,
    EvaluateForm,
)
from interactions.models import (
    Attachment,
    Campaign,
    DocumentTemplateSetup,
    DocumentType,
    EntryComment,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    TemplateContent,
)
from interactions.services import (
    add_comment,
    create_interaction,
    delete_canceled_entries,
    evaluate_entries,
    start_delete_canceled_job,
    switch_canceled,
)
from interactions.services.jobs import runs_in_background
from interactions.services.ledger import deleted_message
from interactions.services.masterdata import (
    create_campaign,
    delete_master_record,
    save_master_record,
)
from interactions.services.merge import MERGE_FIELDS
from interactions.services.setup import set_document_template
from interactions_crm.platform.admin import (
    LookaheadPaginator,
    NoCountAdmin,
)

admin.site.site_header = _("Interactions CRM administration")
admin.site.site_title = _("Interactions CRM")
admin.site.index_title = _("Configuration and interaction log")

# --- master data ----------------------------------------------------------------


class MasterDataAdmin(ServiceAdmin):
    """Master data saved and deleted through the master-data services (§8, §9)."""

    def service_save(self, request, obj, form, change):
        return save_master_record(
            actor=request.user,
            instance=obj,
            created=not change,
            changed_fields=list(form.changed_data),
        )

    def service_delete(self, request, obj) -> None:
        delete_master_record(actor=request.user, instance=obj)

    def save_formset(self, request, form, formset, change) -> None:
        """Inline rows (template content) go through the same services."""
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete_master_record(actor=request.user, instance=obj)
        for obj in formset.new_objects:
            save_master_record(
                actor=request.user, instance=obj, created=True, changed_fields=[]
            )
        for obj, changed_fields in formset.changed_objects:
            save_master_record(
                actor=request.user,
                instance=obj,
                created=False,
                changed_fields=list(changed_fields),
            )


@admin.register(Salesperson)
class SalespersonAdmin(MasterDataAdmin):
    list_display = ["code", "name", "job_title", "email", "phone", "user", "blocked"]
    list_filter = ["blocked"]
    search_fields = ["code", "name", "email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


class ClassificationCodeAdmin(MasterDataAdmin):
    """The code tables segments select on (DOMAIN §2)."""

    list_display = ["code", "description", "contact_count"]
    search_fields = ["code", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_contacts=self.contact_count_expr)

    contact_count_expr = Count("contacts", distinct=True)

    @admin.display(description=_("contacts"), ordering="_contacts")
    def contact_count(self, obj) -> int:
        return obj._contacts


@admin.register(BusinessRelation)
class BusinessRelationAdmin(ClassificationCodeAdmin):
    contact_count_expr = Count("contact_links", distinct=True)


admin.site.register(JobResponsibility, ClassificationCodeAdmin)
admin.site.register(IndustryGroup, ClassificationCodeAdmin)
admin.site.register(MailingGroup, ClassificationCodeAdmin)


@admin.register(NumberSeries)
class NumberSeriesAdmin(MasterDataAdmin):
    list_display = ["code", "description", "prefix", "width", "last_number"]
    search_fields = ["code", "description"]

    def get_readonly_fields(self, request, obj=None):
        # Lowering the last number would hand out numbers twice.
        return ["code", "last_number"] if obj is not None else []


@admin.register(InteractionGroup)
class InteractionGroupAdmin(MasterDataAdmin):
    list_display = ["code", "description", "template_count"]
    search_fields = ["code", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_templates=Count("templates"))

    @admin.display(description=_("templates"), ordering="_templates")
    def template_count(self, obj) -> int:
        return obj._templates


@admin.register(Campaign)
class CampaignAdmin(MasterDataAdmin):
    list_display = [
        "no",
        "description",
        "status",
        "starting_date",
        "ending_date",
        "salesperson",
    ]
    list_filter = ["status", "salesperson"]
    search_fields = ["no", "description"]
    list_select_related = ["salesperson"]
    autocomplete_fields = ["salesperson"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if obj is None and "no" in form_class.base_fields:
            form_class.base_fields["no"].required = False
            form_class.base_fields["no"].help_text = _(
                "Leave blank to take the next number from the number series."
            )
        return form_class

    def service_save(self, request, obj, form, change):
        if change or obj.no:
            return super().service_save(request, obj, form, change)
        fields = {
            name: value for name, value in form.cleaned_data.items() if name != "no"
        }
        return create_campaign(actor=request.user, **fields)


@admin.register(Attachment)
class AttachmentAdmin(MasterDataAdmin):
    list_display = ["__str__", "file_name", "content_type", "read_only", "created_at"]
    list_filter = ["read_only"]
    search_fields = ["file_name", "subject"]
    readonly_fields = ["read_only", "created_at"]
    fields = ["file", "file_name", "content_type", "subject", "body", *readonly_fields]

    def has_change_permission(self, request, obj=None) -> bool:
        # Content that was sent (read only) is part of the ledger's history.
        if obj is not None and obj.read_only:
            return False
        return super().has_change_permission(request, obj)


def merge_field_help() -> str:
    return _("Merge fields: %(fields)s") % {
        "fields": ", ".join(f"{{{{ {name} }}}}" for name in MERGE_FIELDS)
    }


class TemplateContentInline(admin.StackedInline):
    model = TemplateContent
    fields = ["language", "description", "subject", "body", "attachment"]
    autocomplete_fields = ["attachment"]
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "body":
            field.help_text = merge_field_help()
        return field


@admin.register(InteractionTemplate)
class InteractionTemplateAdmin(MasterDataAdmin):
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
    ]
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
        (None, {"fields": ["code", "group", "description"]}),
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
    ]

    def get_queryset(self, request):
        contents = TemplateContent.objects.filter(template=OuterRef("pk"))
        return super().get_queryset(request).annotate(_has_content=Exists(contents))

    @admin.display(description=_("content"), boolean=True, ordering="_has_content")
    def has_content(self, obj) -> bool:
        return obj._has_content


@admin.register(TemplateContent)
class TemplateContentAdmin(MasterDataAdmin):
    list_display = ["template", "language", "subject", "attachment"]
    list_filter = ["language", "template__group"]
    search_fields = ["template__code", "subject", "description"]
    list_select_related = ["template", "attachment"]
    autocomplete_fields = ["template", "attachment"]
    fields = ["template", "language", "description", "subject", "body", "attachment"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "body":
            field.help_text = merge_field_help()
        return field


# --- template setup: one page, every document type ---------------------------


@admin.register(DocumentTemplateSetup)
class DocumentTemplateSetupAdmin(ServiceAdmin):
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
    def document_type_label(self, obj) -> str:
        return obj.get_document_type_display()

    def get_queryset(self, request):
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

    def get_ordering(self, request):
        return ["_type_order"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """A plain select per row: no add/change/view icons on 30 rows."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget = field.widget.widget
        return field

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["document_type"]

    def service_save(self, request, obj, form, change):
        return set_document_template(
            actor=request.user,
            document_type=obj.document_type,
            template=obj.template,
        )

    def changelist_view(self, request, extra_context=None):
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
            request._crm_setup_errors = errors
        title = _("Interaction template setup")
        extra_context = {"title": title, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def get_changelist_formset(self, request, **kwargs):
        formset_class = super().get_changelist_formset(request, **kwargs)
        errors: dict[int, ValidationError] = getattr(request, "_crm_setup_errors", {})
        if not errors:
            return formset_class
        form_class = formset_class.form

        class SetupForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                error = errors.get(self.instance.pk)
                if error is not None:
                    add_validation_error(self, error)
                return cleaned_data

        formset_class.form = SetupForm
        return formset_class

    def _save_setup(self, request) -> dict[int, ValidationError] | None:
        """Save every changed row through the service; None when all succeeded.

        Returns the refusals by row id (nothing saved then), or ``{}`` when the
        submitted formset itself is invalid.
        """
        formset_class = self.get_changelist_formset(request)
        pk_key = re.compile(
            rf"^{re.escape(formset_class.get_default_prefix())}-\d+-id$"
        )
        pks = [value for key, value in request.POST.items() if pk_key.match(key)]
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
                        actor=request.user,
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


# --- the interaction log -------------------------------------------------------


class EntryStatusFilter(admin.SimpleListFilter):
    """The log shows entries that are not postponed; postponed ones on request."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("postponed", _("Postponed")),
            ("all", _("All, including postponed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "postponed":
            return queryset.postponed()
        if self.value() == "all":
            return queryset
        return queryset.visible()

    def choices(self, changelist):
        for index, choice in enumerate(super().choices(changelist)):
            if index == 0:
                choice["display"] = _("In the log")
            yield choice


class EntryCommentInline(admin.TabularInline):
    """The entry's comment lines, read-only (they are added below)."""

    model = EntryComment
    fields = ["date", "code", "text", "author", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("comments")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class NewCommentFormSet(BaseInlineFormSet):
    """Marks the inline whose rows are handed to ``add_comment``."""


class NewEntryCommentInline(admin.TabularInline):
    model = EntryComment
    formset = NewCommentFormSet
    fields = ["code", "text"]
    extra = 1
    can_delete = False
    verbose_name = _("new comment")
    verbose_name_plural = _("add comments")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request, obj)


ENTRY_FIELDSETS = [
    (
        None,
        {
            "fields": [
                "entry_no",
                "contact",
                "contact_company",
                "date",
                "time",
                "description",
                "subject",
                "template",
                "group",
                "salesperson",
                "language",
                "contact_via",
            ]
        },
    ),
    (
        _("Result"),
        {
            "fields": [
                "information_flow",
                "initiated_by",
                "attempt_failed",
                "evaluation",
                "cost",
                "duration",
            ]
        },
    ),
    (
        _("Correspondence"),
        {"fields": ["correspondence_type", "delivery_status", "attachment"]},
    ),
    (
        _("Campaign and opportunity"),
        {
            "fields": [
                "campaign",
                "campaign_target",
                "campaign_response",
                "opportunity_ref",
            ]
        },
    ),
    (_("Segment"), {"fields": ["segment_no", "logged_segment"]}),
    (
        _("Document"),
        {"fields": ["document_type", "document_no", "version_no", "doc_occurrence"]},
    ),
    (
        _("Status"),
        {
            "fields": [
                "canceled",
                "canceled_by",
                "canceled_at",
                "cancel_reason",
                "canceled_with_segment",
                "postponed",
                "logged_by",
                "created_at",
            ]
        },
    ),
]

ADD_FIELDSETS = [
    (
        None,
        {
            "fields": [
                "contact",
                "template",
                "date",
                "time",
                "description",
                "subject",
                "salesperson",
            ]
        },
    ),
    (
        _("Related to"),
        {
            "fields": [
                "campaign",
                "campaign_target",
                "campaign_response",
                "opportunity_ref",
            ]
        },
    ),
    (
        _("Result"),
        {
            "fields": [
                "evaluation",
                "attempt_failed",
                "cost",
                "duration",
                "correspondence_type",
                "contact_via",
            ]
        },
    ),
    (_("Finish"), {"fields": ["comment", "postpone"]}),
]


@admin.register(InteractionLogEntry)
class InteractionLogEntryAdmin(NoCountAdmin, ServiceAdmin):
    """Samhandlingsposter: read-only entries plus the domain actions (§6)."""

    change_list_template = "admin/interactions/interactionlogentry/change_list.html"
    # NAV's default columns of the Interaction Log Entries page (§9), by code.
    list_display = [
        "entry_no",
        "date",
        "canceled",
        "attempt_failed",
        "template_code",
        "description",
        "contact",
        "company_name",
        "evaluation",
        "cost",
        "duration",
        "salesperson_code",
        "campaign_no",
        "document_no",
    ]
    list_display_links = ["entry_no", "description"]
    list_filter = [
        EntryStatusFilter,
        "canceled",
        "date",
        "evaluation",
        "group",
        "template",
        "salesperson",
        "campaign",
        "information_flow",
        "initiated_by",
        "correspondence_type",
        "delivery_status",
        "attempt_failed",
        "document_type",
    ]
    search_fields = [
        "=entry_no",
        "=contact__no",
        "=contact_company__no",
        "=document_no",
        "=segment_no",
        "description",
        "subject",
    ]
    search_help_text = _(
        "Entry no., contact or company no., document no. or segment no. (exact), "
        "or words in the description or subject."
    )
    list_select_related = [
        "contact",
        "contact_company",
        "template",
        "salesperson",
        "campaign",
    ]
    autocomplete_fields = ["contact", "template", "salesperson", "campaign"]
    actions = ["switch_canceled_action", "evaluate_action"]
    inlines = [EntryCommentInline, NewEntryCommentInline]

    @admin.display(description=_("company name"), ordering="contact_company__name")
    def company_name(self, obj) -> str:
        return obj.contact_company.name if obj.contact_company_id else ""

    @admin.display(description=_("template"), ordering="template__code")
    def template_code(self, obj) -> str:
        return obj.template.code

    @admin.display(description=_("salesperson"), ordering="salesperson__code")
    def salesperson_code(self, obj) -> str:
        return obj.salesperson.code if obj.salesperson_id else ""

    @admin.display(description=_("campaign"), ordering="campaign__no")
    def campaign_no(self, obj) -> str:
        return obj.campaign.no if obj.campaign_id else ""

    # --- permissions: read-only ledger ------------------------------------------
    def has_change_permission(self, request, obj=None) -> bool:
        """Here "change" only means adding comments: every field is read-only."""
        return super().has_view_permission(request, obj) and request.user.has_perm(
            "interactions.add_entrycomment"
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # only "Delete canceled interaction log entries" deletes

    def has_cancel_permission(self, request) -> bool:
        return request.user.has_perm("interactions.cancel_interactionlogentry")

    def has_evaluate_permission(self, request) -> bool:
        return request.user.has_perm("interactions.evaluate_interactionlogentry")

    def has_delete_canceled_permission(self, request) -> bool:
        return request.user.has_perm("interactions.delete_canceled_interactionlogentry")

    # --- forms ----------------------------------------------------------------------
    def get_fieldsets(self, request, obj=None):
        return ADD_FIELDSETS if obj is None else ENTRY_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [name for _title, opts in ENTRY_FIELDSETS for name in opts["fields"]]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AddInteractionForm
        return super().get_form(request, obj, change, **kwargs)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {"title": _("Create interaction"), **(extra_context or {})}
        return super().add_view(request, form_url, extra_context)

    def get_changeform_initial_data(self, request) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        salesperson = getattr(request.user, "salesperson", None)
        if salesperson is not None and "salesperson" not in initial:
            initial["salesperson"] = salesperson.pk
        return initial

    # --- writes --------------------------------------------------------------------
    def service_save(self, request, obj, form, change):
        if change:
            return None  # the entry itself never changes here; comments below
        return create_interaction(actor=request.user, **form.service_arguments())

    def save_related(self, request, form, formsets, change) -> None:
        """Hand new comment lines to ``add_comment``; nothing else is saved."""
        added: dict = {}
        for formset in formsets:
            if not isinstance(formset, NewCommentFormSet):
                continue
            added[formset] = [
                add_comment(
                    actor=request.user,
                    entry=form.instance,
                    text=comment_form.cleaned_data.get("text", ""),
                    code=comment_form.cleaned_data.get("code", ""),
                )
                for comment_form in formset.forms
                if getattr(comment_form, "cleaned_data", None)
                and comment_form.has_changed()
            ]
        mark_formsets_handled(formsets, added)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.postponed:
            self.message_user(
                request,
                _("Interaction %(entry_no)s was saved as postponed.")
                % {"entry_no": obj.entry_no},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:interactions_interactionlogentry_changelist")
                + "?status=postponed"
            )
        return super().response_add(request, obj, post_url_continue)

    # --- actions ------------------------------------------------------------------
    @admin.action(permissions=["cancel"], description=_("Switch checkmark in Canceled"))
    def switch_canceled_action(self, request, queryset) -> None:
        try:
            count = switch_canceled(actor=request.user, entries=queryset)
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "The canceled checkmark was switched on %(count)d interaction "
                "log entry.",
                "The canceled checkmark was switched on %(count)d interaction "
                "log entries.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(permissions=["evaluate"], description=_("Evaluate"))
    def evaluate_action(self, request, queryset) -> HttpResponse | None:
        """Ask for the evaluation on an intermediate page, then set it."""
        form = EvaluateForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                count = evaluate_entries(
                    actor=request.user,
                    entries=queryset,
                    evaluation=form.cleaned_data["evaluation"],
                )
            except ValidationError as error:
                self.message_user(request, error_text(error), messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext(
                    "%(count)d interaction log entry was evaluated as "
                    "“%(evaluation)s”.",
                    "%(count)d interaction log entries were evaluated as "
                    "“%(evaluation)s”.",
                    count,
                )
                % {
                    "count": count,
                    "evaluation": dict(form.fields["evaluation"].choices)[
                        form.cleaned_data["evaluation"]
                    ],
                },
                messages.SUCCESS,
            )
            return None
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Evaluate interaction log entries"),
            "opts": self.opts,
            "form": form,
            "selected": selected,
            "select_across": request.POST.get("select_across") == "1",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request, "admin/interactions/interactionlogentry/evaluate.html", context
        )

    # --- delete canceled interaction log entries (batch job) --------------------
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "delete-canceled/",
                self.admin_site.admin_view(self.delete_canceled_view),
                name="{}_{}_delete_canceled".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "can_delete_canceled": self.has_delete_canceled_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def delete_canceled_view(self, request: HttpRequest) -> HttpResponse:
        """Filters → confirmation with the count (dry run) → delete → message."""
        if not self.has_delete_canceled_permission(request):
            raise PermissionDenied
        form = DeleteCanceledForm(
            request.POST if request.method == "POST" else None,
            admin_site=self.admin_site,
        )
        if not form.is_bound or not form.is_valid() or "_edit" in request.POST:
            return self._render_delete_canceled(request, form)
        filters = form.filters()
        try:
            count = delete_canceled_entries(
                actor=request.user, filters=filters, dry_run=True
            )
            if "_confirm" not in request.POST or count == 0:
                if count == 0:
                    self.message_user(
                        request,
                        _("No canceled interaction log entries match these filters."),
                        messages.WARNING,
                    )
                    return self._render_delete_canceled(request, form)
                return self._render_delete_canceled(request, form, count=count)
            if runs_in_background(count):
                job = start_delete_canceled_job(actor=request.user, filters=filters)
                self.message_user(
                    request,
                    format_html(
                        _(
                            "{count} canceled interaction log entries are being "
                            'deleted in the background: <a href="{url}">follow the '
                            "job</a>."
                        ),
                        count=count,
                        url=reverse(
                            "admin:platform_backgroundjob_change", args=[job.pk]
                        ),
                    ),
                    messages.SUCCESS,
                )
            else:
                deleted = delete_canceled_entries(actor=request.user, filters=filters)
                self.message_user(request, deleted_message(deleted), messages.SUCCESS)
        except ValidationError as error:
            add_validation_error(form, error)
            return self._render_delete_canceled(request, form)
        return HttpResponseRedirect(
            reverse("admin:interactions_interactionlogentry_changelist")
        )

    def _render_delete_canceled(
        self, request: HttpRequest, form: DeleteCanceledForm, count: int | None = None
    ) -> TemplateResponse:
        confirming = count is not None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Delete canceled interaction log entries"),
            "opts": self.opts,
            "form": form,
            "count": count,
            "filters": form.described() if confirming else [],
            "media": self.media + form.media,
        }
        template = (
            "delete_canceled_confirm.html" if confirming else "delete_canceled.html"
        )
        return TemplateResponse(
            request, f"admin/interactions/interactionlogentry/{template}", context
        )


@admin.register(EntryComment)
class EntryCommentAdmin(ServiceAdmin):
    """Comment lines: added through ``add_comment``, never edited or deleted here."""

    list_display = ["entry", "date", "code", "text", "author", "created_at"]
    list_filter = ["date", "code"]
    search_fields = ["=entry__entry_no", "text", "code"]
    list_select_related = ["entry", "author"]
    autocomplete_fields = ["entry"]
    fields = ["entry", "date", "code", "text"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.fields, "author", "created_at", "modified_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        if obj is None and "date" in form_class.base_fields:
            form_class.base_fields["date"].required = False
            form_class.base_fields["date"].help_text = _("Blank: today.")
        return form_class

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else self.get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        return add_comment(
            actor=request.user,
            entry=data["entry"],
            text=data.get("text", ""),
            code=data.get("code", ""),
            date=data.get("date"),
        )


# The segments' admin (segments with their lines, saved criteria, logged
# segments) lives in its own module; importing it here keeps one entry point.
from interactions import admin_segments  # noqa: E402, F401

__all__ = ["LookaheadPaginator", "MasterDataAdmin", "NoCountAdmin", "copy_fields"]
