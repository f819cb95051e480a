"""The interaction log in admin (Samhandlingsposter, DOMAIN §6).

Entries are read-only: "Create interaction" → ``create_interaction``, new
comment lines → ``add_comment``, the changelist actions → ``switch_canceled``
and ``evaluate_entries``, and "Delete canceled interaction log entries" (its
own pages, :mod:`interactions.admin.delete_canceled`) →
``delete_canceled_entries``. The changelist never counts the whole table
(:class:`~interactions_crm.platform.admin.LookaheadPaginator`).
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from interactions.admin.comments import (
    EntryCommentInline,
    NewEntryCommentInline,
    add_new_comments,
)
from interactions.admin.delete_canceled import DeleteCanceledAdminMixin
from interactions.admin.entry_forms import CreateInteractionAdminForm, EvaluateAdminForm
from interactions.models import InteractionLogEntry, InteractionLogEntryQuerySet
from interactions.services import create_interaction, evaluate_entries, switch_canceled
from interactions.services.ledger import SwitchIntent
from interactions.web.entries.log import switch_question
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.admin import (
    NoCountAdmin,
    ServiceAdmin,
    error_text,
    mark_formsets_handled,
)

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec


class EntryStatusFilter(admin.SimpleListFilter):
    """The log shows entries that are not postponed; postponed ones on request."""

    title = _("status")
    parameter_name = "status"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, Any]]:
        return [
            ("postponed", _("Postponed")),
            ("all", _("All, including postponed")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        entries = cast(InteractionLogEntryQuerySet, queryset)
        if self.value() == "postponed":
            return entries.postponed()
        if self.value() == "all":
            return entries
        return entries.visible()

    def choices(self, changelist: ChangeList) -> Iterator[Any]:
        for index, choice in enumerate(super().choices(changelist)):
            if index == 0:
                choice["display"] = _("In the log")
            yield choice


ENTRY_FIELDSETS: "_FieldsetSpec" = [
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

ADD_FIELDSETS: "_FieldsetSpec" = [
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
class InteractionLogEntryAdmin(
    DeleteCanceledAdminMixin,
    NoCountAdmin[InteractionLogEntry],
    ServiceAdmin[InteractionLogEntry],
):
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
    def company_name(self, obj: InteractionLogEntry) -> str:
        company = obj.contact_company
        return company.name if company is not None else ""

    @admin.display(description=_("template"), ordering="template__code")
    def template_code(self, obj: InteractionLogEntry) -> str:
        return obj.template.code

    @admin.display(description=_("salesperson"), ordering="salesperson__code")
    def salesperson_code(self, obj: InteractionLogEntry) -> str:
        return obj.salesperson.code if obj.salesperson else ""

    @admin.display(description=_("campaign"), ordering="campaign__no")
    def campaign_no(self, obj: InteractionLogEntry) -> str:
        return obj.campaign.no if obj.campaign else ""

    # --- permissions: read-only ledger ------------------------------------------
    def has_change_permission(
        self, request: HttpRequest, obj: InteractionLogEntry | None = None
    ) -> bool:
        """Here "change" only means adding comments: every field is read-only."""
        return super().has_view_permission(request, obj) and request.user.has_perm(
            "interactions.add_entrycomment"
        )

    def has_delete_permission(
        self, request: HttpRequest, obj: InteractionLogEntry | None = None
    ) -> bool:
        return False  # only "Delete canceled interaction log entries" deletes

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("interactions.cancel_interactionlogentry")

    def has_evaluate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("interactions.evaluate_interactionlogentry")

    # --- forms ----------------------------------------------------------------------
    def get_fieldsets(
        self, request: HttpRequest, obj: InteractionLogEntry | None = None
    ) -> "_FieldsetSpec":
        return ADD_FIELDSETS if obj is None else ENTRY_FIELDSETS

    def get_readonly_fields(
        self, request: HttpRequest, obj: InteractionLogEntry | None = None
    ) -> list[str]:
        if obj is None:
            return []
        return [
            str(name) for _title, opts in ENTRY_FIELDSETS for name in opts["fields"]
        ]

    def get_form(
        self,
        request: HttpRequest,
        obj: InteractionLogEntry | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        if obj is None:
            kwargs["form"] = CreateInteractionAdminForm
        return super().get_form(request, obj, change, **kwargs)

    def get_inlines(
        self, request: HttpRequest, obj: InteractionLogEntry | None
    ) -> list[type[InlineModelAdmin[Any, Any]]]:
        return list(self.inlines) if obj is not None else []

    def add_view(
        self,
        request: HttpRequest,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = {"title": _("Create interaction"), **(extra_context or {})}
        return super().add_view(request, form_url, extra_context)

    def get_changeform_initial_data(
        self, request: HttpRequest
    ) -> dict[str, str | list[str]]:
        initial = super().get_changeform_initial_data(request)
        salesperson = getattr(request.user, "salesperson", None)
        if salesperson is not None and "salesperson" not in initial:
            initial["salesperson"] = str(salesperson.pk)
        return initial

    # --- writes --------------------------------------------------------------------
    def service_save(
        self,
        request: HttpRequest,
        obj: InteractionLogEntry,
        form: Any,
        change: bool,
    ) -> InteractionLogEntry | None:
        if change:
            return None  # the entry itself never changes here; comments below
        return create_interaction(
            actor=user_or_none(request.user), **form.service_arguments()
        )

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: Any
    ) -> None:
        """Hand new comment lines to ``add_comment``; nothing else is saved."""
        added = add_new_comments(request, form.instance, formsets)
        mark_formsets_handled(formsets, added)

    def response_add(
        self,
        request: HttpRequest,
        obj: InteractionLogEntry,
        post_url_continue: str | None = None,
    ) -> HttpResponse:
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
    def switch_canceled_action(
        self, request: HttpRequest, queryset: QuerySet[InteractionLogEntry]
    ) -> HttpResponse | None:
        """Ask NAV's question on an intermediate page, then switch exactly that.

        The page carries a signed :class:`SwitchIntent` (target state and, for
        a selection of rows, each one's state as shown); an entry changed or
        deleted meanwhile makes the switch refuse and change nothing.
        """
        if "apply" not in request.POST:
            return self._switch_question(request, queryset)
        try:
            expected = SwitchIntent.unseal(request.POST.get("intent", ""))
            entries = (
                InteractionLogEntry.objects.filter(pk__in=expected.keys)
                if expected.seen is not None
                else queryset
            )
            count = switch_canceled(
                actor=user_or_none(request.user),
                entries=entries,
                reason=request.POST.get("reason", "")[:200],
                expected=expected,
            )
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return None
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
        return None

    def _switch_question(
        self, request: HttpRequest, queryset: QuerySet[InteractionLogEntry]
    ) -> HttpResponse | None:
        select_across = request.POST.get("select_across") == "1"
        shown = list(queryset.select_related("contact").order_by("entry_no")[:21])
        if not shown:
            return None
        first = shown[0]
        count = (
            queryset.count()
            if select_across
            else len(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
        )
        # "Select all" can be very many rows: it states only the target, and
        # the first entry must still have the opposite state when confirmed.
        expected = (
            SwitchIntent(target=not first.canceled)
            if select_across
            else SwitchIntent.shown(queryset)
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Switch checkmark in Canceled"),
            "opts": self.opts,
            "question": switch_question(first, count),
            "entries": shown[:20],
            "more": max(count - 20, 0),
            "cancels": not first.canceled,
            "intent": expected.seal(),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": select_across,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(
            request,
            "admin/interactions/interactionlogentry/switch_canceled.html",
            context,
        )

    @admin.action(permissions=["evaluate"], description=_("Evaluate"))
    def evaluate_action(
        self, request: HttpRequest, queryset: QuerySet[InteractionLogEntry]
    ) -> HttpResponse | None:
        """Ask for the evaluation on an intermediate page, then set it."""
        form = EvaluateAdminForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            evaluation = form.cleaned_data["evaluation"]
            try:
                count = evaluate_entries(
                    actor=user_or_none(request.user),
                    entries=queryset,
                    evaluation=evaluation,
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
                    "evaluation": dict(form.fields["evaluation"].choices)[  # type: ignore[attr-defined]  # a ChoiceField
                        evaluation
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
