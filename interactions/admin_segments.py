"""Django admin for segments, saved criteria and logged segments (DOMAIN §5, §6.5).

Registered from ``interactions/admin.py``. Every write calls a service in
``interactions.services.segments``:

* the segment header → ``create_segment`` / ``update_segment_header`` (with
  "update lines"), deletion → ``delete_segment``;
* lines inline → ``update_segment_line``; a new row → ``add_contact_to_segment``,
  a deleted row → ``remove_contact_from_segment`` (criteria actions, so "go
  back" undoes them too);
* the criteria actions (add, reduce, refine, go back, save/reuse criteria,
  reuse logged segment) and "log segment" are links on the segment's page,
  each a small form page; "go back" and "log" are changelist actions too;
* logged segments: switch canceled, delete canceled, resend.

A segment can have 100,000 lines: the inline shows the first
:data:`INLINE_LINES` and the changelists never count lines row by row.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contacts.admin import (
    ServiceAdmin,
    add_validation_error,
    error_text,
    mark_formsets_handled,
)
from interactions.criteria import ContactCriteriaFilterSet
from interactions.models import (
    InteractionLogEntry,
    LoggedSegment,
    SavedCriteria,
    Segment,
    SegmentCriteriaAction,
    SegmentLine,
)
from interactions.services import resend_entries
from interactions.services.segments import (
    HEADER_FIELDS,
    LINE_FIELDS,
    add_contact_to_segment,
    add_contacts,
    create_segment,
    delete_canceled_logged_segments,
    delete_saved_criteria,
    delete_segment,
    go_back,
    log_segment,
    logged_segments_with_counts,
    reduce_contacts,
    refine_contacts,
    remove_contact_from_segment,
    reuse_criteria,
    reuse_logged_segment,
    save_criteria,
    switch_canceled_logged_segments,
    update_segment_header,
    update_segment_line,
)

#: Lines shown (and editable) inline on a segment's page.
INLINE_LINES = 100


# --- forms of the criteria action pages -----------------------------------------


class CriteriaForm(forms.Form):
    """The criteria vocabulary's fields, plus the options of one action kind."""

    OPTIONS: dict[str, dict[str, Any]] = {
        SegmentCriteriaAction.Kind.ADD: {
            "allow_existing": _("Allow existing contacts"),
            "expand_companies": _("Expand companies (add their persons)"),
            "add_related_companies": _("Add related companies"),
            "ignore_exclusion": _("Ignore “exclude from segment”"),
        },
        SegmentCriteriaAction.Kind.REDUCE: {"entire_companies": _("Entire companies")},
        SegmentCriteriaAction.Kind.REFINE: {"entire_companies": _("Entire companies")},
    }

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in ContactCriteriaFilterSet().form.fields.items():
            field.required = False
            self.fields[name] = field
        for name, label in self.OPTIONS[kind].items():
            self.fields[name] = forms.BooleanField(label=label, required=False)
        self.option_names = list(self.OPTIONS[kind])

    def criteria(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.option_names and value not in (None, "")
        }

    def options(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] for name in self.option_names}


class SaveCriteriaForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    description = forms.CharField(
        label=_("Description"), max_length=100, required=False
    )


class ReuseCriteriaForm(forms.Form):
    saved = forms.ModelChoiceField(
        label=_("Saved criteria"), queryset=SavedCriteria.objects.all()
    )


class ReuseLoggedSegmentForm(forms.Form):
    logged_segment = forms.ModelChoiceField(
        label=_("Logged segment"), queryset=LoggedSegment.objects.all()
    )


class LogSegmentForm(forms.Form):
    send = forms.BooleanField(
        label=_("Send attachments"),
        required=False,
        help_text=_("E-mail the lines with e-mail correspondence after logging."),
    )
    follow_up = forms.BooleanField(label=_("Create follow-up segment"), required=False)


class ConfirmForm(forms.Form):
    """No input: the page only asks to confirm (go back)."""


class SegmentHeaderForm(forms.ModelForm):
    update_lines = forms.BooleanField(
        label=_("Update lines"),
        required=False,
        help_text=_(
            "Also apply the changed values to the lines still on the header's "
            "interaction template (a new template applies to all lines)."
        ),
    )

    class Meta:
        model = Segment
        fields = sorted(HEADER_FIELDS)


# --- segments -----------------------------------------------------------------------


class FirstLinesFormSet(BaseInlineFormSet):
    """Only the first :data:`INLINE_LINES` lines: a segment can be huge."""

    def get_queryset(self) -> QuerySet:
        if not hasattr(self, "_limited"):
            self._limited = super().get_queryset().order_by("id")[:INLINE_LINES]
        return self._limited

    def clean(self) -> None:
        super().clean()
        for form in self.initial_forms:
            if "contact" in form.changed_data:
                form.add_error(
                    "contact",
                    _("Remove the line and add a new one to change the contact."),
                )


class SegmentLineInline(admin.TabularInline):
    model = SegmentLine
    formset = FirstLinesFormSet
    fields = [
        "contact",
        "template",
        "description",
        "date",
        "salesperson",
        "campaign",
        "cost",
        "duration",
        "correspondence_type",
        "language",
        "evaluation",
    ]
    autocomplete_fields = ["contact", "template", "salesperson", "campaign"]
    extra = 0
    verbose_name_plural = _("Lines (the first 100)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contact")


class CriteriaActionInline(admin.TabularInline):
    model = SegmentCriteriaAction
    fields = ["seq", "kind", "criteria", "options", "line_count", "actor", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("Criteria actions (go back undoes the last)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Segment)
class SegmentAdmin(ServiceAdmin):
    """Segmenter: header, lines and the criteria actions."""

    form = SegmentHeaderForm
    change_form_template = "admin/interactions/segment/change_form.html"
    list_display = [
        "no",
        "description",
        "date",
        "template",
        "campaign",
        "salesperson",
        "line_count",
    ]
    list_display_links = ["no", "description"]
    list_filter = ["date", "template", "campaign", "salesperson"]
    search_fields = ["=no", "description"]
    list_select_related = ["template", "campaign", "salesperson"]
    autocomplete_fields = ["template", "campaign", "salesperson"]
    readonly_fields = ["no", "created_by", "created_at"]
    actions = ["delete_selected", "go_back_action", "log_action"]
    inlines = [SegmentLineInline, CriteriaActionInline]
    fieldsets = [
        (None, {"fields": ["no", "description", "date", "salesperson", "template"]}),
        (
            _("Campaign"),
            {"fields": ["campaign", "campaign_target", "campaign_response"]},
        ),
        (
            _("Interaction"),
            {
                "fields": [
                    "information_flow",
                    "initiated_by",
                    "unit_cost",
                    "unit_duration",
                    "correspondence_type",
                    "ignore_contact_correspondence_type",
                    "subject",
                    "language",
                ]
            },
        ),
        (None, {"fields": ["update_lines", "created_by", "created_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(line_total=Count("lines"))

    @admin.display(description=_("no. of lines"), ordering="line_total")
    def line_count(self, obj) -> int:
        return obj.line_total

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # no number before saving, no lines to update yet
            fieldsets = [
                (name, {"fields": [f for f in opts["fields"] if f in HEADER_FIELDS]})
                for name, opts in self.fieldsets
            ]
            return [(name, opts) for name, opts in fieldsets if opts["fields"]]
        return self.fieldsets

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    # --- writes ----------------------------------------------------------------
    def service_save(self, request, obj, form, change):
        data = form.cleaned_data
        # Only what the user set: the rest comes from the template and defaults.
        changed = {
            name: data[name] for name in form.changed_data if name in HEADER_FIELDS
        }
        if not change:
            return create_segment(actor=request.user, **changed)
        return update_segment_header(
            actor=request.user,
            segment=obj,
            update_lines=data.get("update_lines", False),
            **changed,
        )

    def service_delete(self, request, obj) -> None:
        delete_segment(actor=request.user, segment=obj)

    def save_formset(self, request, form, formset, change) -> None:
        """Lines go through the line services; criteria actions are read-only."""
        if formset.model is not SegmentLine:
            mark_formsets_handled([formset])
            return
        formset.save(commit=False)
        segment = form.instance
        for line in formset.deleted_objects:
            remove_contact_from_segment(
                segment=segment, actor=request.user, contact=line.contact
            )
        added = []
        for line_form in formset.extra_forms:
            if not line_form.has_changed() or line_form in formset.deleted_forms:
                continue
            line = add_contact_to_segment(
                segment=segment,
                actor=request.user,
                contact=line_form.cleaned_data["contact"],
            )
            _update_line(request, line, line_form, exclude={"contact"})
            added.append(line)
        for line, _changed in formset.changed_objects:
            line_form = next(f for f in formset.initial_forms if f.instance == line)
            _update_line(request, line, line_form, exclude=set())
        mark_formsets_handled([formset], {formset: added})

    # --- criteria action pages ---------------------------------------------------
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        views = [
            ("add-contacts", self.add_contacts_view, "add_contacts"),
            ("reduce-contacts", self.reduce_contacts_view, "reduce_contacts"),
            ("refine-contacts", self.refine_contacts_view, "refine_contacts"),
            ("go-back", self.go_back_view, "go_back"),
            ("save-criteria", self.save_criteria_view, "save_criteria"),
            ("reuse-criteria", self.reuse_criteria_view, "reuse_criteria"),
            ("reuse-logged-segment", self.reuse_logged_view, "reuse_logged_segment"),
            ("log", self.log_view, "log"),
        ]
        return [
            path(
                f"<path:object_id>/{route}/",
                self.admin_site.admin_view(view),
                name="{}_{}_{}".format(*info, name),
            )
            for route, view, name in views
        ] + super().get_urls()

    def _segment_or_deny(
        self, request: HttpRequest, object_id: str, permission: str = "change"
    ) -> Segment:
        segment = get_object_or_404(Segment, pk=object_id)
        allowed = (
            request.user.has_perm("interactions.log_segment")
            if permission == "log"
            else self.has_change_permission(request, segment)
        )
        if not allowed:
            raise PermissionDenied
        return segment

    def _action_page(
        self,
        request: HttpRequest,
        object_id: str,
        *,
        title: str,
        form_class: type[forms.Form],
        run,
        form_kwargs: dict | None = None,
        permission: str = "change",
        intro: str = "",
    ) -> HttpResponse:
        """GET: the form; POST: run the service, message, back to the segment."""
        segment = self._segment_or_deny(request, object_id, permission)
        data = request.POST if request.method == "POST" else None
        form = form_class(data, **(form_kwargs or {}))
        if form.is_bound and form.is_valid():
            try:
                message = run(segment, form)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                self.message_user(request, message, messages.SUCCESS)
                if not Segment.objects.filter(pk=segment.pk).exists():
                    return HttpResponseRedirect(
                        reverse("admin:interactions_loggedsegment_changelist")
                    )
                return HttpResponseRedirect(
                    reverse("admin:interactions_segment_change", args=[segment.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "opts": self.opts,
            "original": segment,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(
            request, "admin/interactions/segment/action_form.html", context
        )

    def _criteria_page(self, request, object_id, kind: str, title: str, service):
        def run(segment, form):
            count = service(
                segment=segment,
                actor=request.user,
                criteria=form.criteria(),
                **form.options(),
            )
            if kind == SegmentCriteriaAction.Kind.ADD:
                return ngettext(
                    "%(count)d contact was added.",
                    "%(count)d contacts were added.",
                    count,
                ) % {"count": count}
            return ngettext(
                "%(count)d line was removed.", "%(count)d lines were removed.", count
            ) % {"count": count}

        return self._action_page(
            request,
            object_id,
            title=title,
            form_class=CriteriaForm,
            form_kwargs={"kind": kind},
            run=run,
        )

    def add_contacts_view(self, request, object_id):
        return self._criteria_page(
            request,
            object_id,
            SegmentCriteriaAction.Kind.ADD,
            _("Add contacts"),
            add_contacts,
        )

    def reduce_contacts_view(self, request, object_id):
        return self._criteria_page(
            request,
            object_id,
            SegmentCriteriaAction.Kind.REDUCE,
            _("Reduce contacts"),
            reduce_contacts,
        )

    def refine_contacts_view(self, request, object_id):
        return self._criteria_page(
            request,
            object_id,
            SegmentCriteriaAction.Kind.REFINE,
            _("Refine contacts"),
            refine_contacts,
        )

    def go_back_view(self, request, object_id):
        def run(segment, form):
            count = go_back(segment=segment, actor=request.user)
            return ngettext(
                "The last criteria action was undone (%(count)d line changed).",
                "The last criteria action was undone (%(count)d lines changed).",
                count,
            ) % {"count": count}

        return self._action_page(
            request,
            object_id,
            title=_("Go back"),
            form_class=ConfirmForm,
            run=run,
            intro=_(
                "This will undo the last criteria action. Do you want to continue?"
            ),
        )

    def save_criteria_view(self, request, object_id):
        def run(segment, form):
            saved = save_criteria(
                segment=segment, actor=request.user, **form.cleaned_data
            )
            return _("The criteria were saved as %(code)s.") % {"code": saved.code}

        return self._action_page(
            request,
            object_id,
            title=_("Save criteria"),
            form_class=SaveCriteriaForm,
            run=run,
        )

    def reuse_criteria_view(self, request, object_id):
        def run(segment, form):
            count = reuse_criteria(
                segment=segment, actor=request.user, saved=form.cleaned_data["saved"]
            )
            return ngettext(
                "The criteria were applied (%(count)d line changed).",
                "The criteria were applied (%(count)d lines changed).",
                count,
            ) % {"count": count}

        return self._action_page(
            request,
            object_id,
            title=_("Reuse criteria"),
            form_class=ReuseCriteriaForm,
            run=run,
        )

    def reuse_logged_view(self, request, object_id):
        def run(segment, form):
            count = reuse_logged_segment(
                segment=segment,
                actor=request.user,
                logged_segment=form.cleaned_data["logged_segment"],
            )
            return ngettext(
                "%(count)d contact was added.", "%(count)d contacts were added.", count
            ) % {"count": count}

        return self._action_page(
            request,
            object_id,
            title=_("Reuse logged segment"),
            form_class=ReuseLoggedSegmentForm,
            run=run,
        )

    def log_view(self, request, object_id):
        def run(segment, form):
            logged = log_segment(
                segment=segment, actor=request.user, **form.cleaned_data
            )
            return _("Segment %(no)s has been logged.") % {"no": logged.segment_no}

        return self._action_page(
            request,
            object_id,
            title=_("Log segment"),
            form_class=LogSegmentForm,
            run=run,
            permission="log",
        )

    # --- changelist actions ------------------------------------------------------
    def has_log_permission(self, request) -> bool:
        return request.user.has_perm("interactions.log_segment")

    @admin.action(permissions=["change"], description=_("Go back (undo last action)"))
    def go_back_action(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda segment: go_back(segment=segment, actor=request.user),
        )

    @admin.action(permissions=["log"], description=_("Log segment"))
    def log_action(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda segment: log_segment(segment=segment, actor=request.user),
        )

    def _each(self, request, queryset, run) -> None:
        """Run a service per selected segment; report each refusal by number."""
        done = 0
        for segment in queryset:
            try:
                run(segment)
            except ValidationError as error:
                self.message_user(
                    request, f"{segment.no}: {error_text(error)}", messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d segment was processed.",
                    "%(count)d segments were processed.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )


def _update_line(request, line: SegmentLine, form, *, exclude: set[str]) -> None:
    fields = {
        name: form.cleaned_data[name]
        for name in form.changed_data
        if name in LINE_FIELDS and name not in exclude
    }
    if fields:
        update_segment_line(actor=request.user, line=line, **fields)


# --- saved criteria ------------------------------------------------------------


@admin.register(SavedCriteria)
class SavedCriteriaAdmin(ServiceAdmin):
    """Saved segment criteria: created from a segment ("Save criteria")."""

    list_display = ["code", "description", "step_count", "created_by", "created_at"]
    search_fields = ["code", "description"]
    list_select_related = ["created_by"]
    readonly_fields = ["code", "description", "actions", "created_by", "created_at"]

    @admin.display(description=_("no. of criteria actions"))
    def step_count(self, obj) -> int:
        return len(obj.actions)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def service_save(self, request, obj, form, change):
        raise PermissionDenied

    def service_delete(self, request, obj) -> None:
        delete_saved_criteria(actor=request.user, saved=obj)


# --- logged segments ---------------------------------------------------------------


@admin.register(LoggedSegment)
class LoggedSegmentAdmin(admin.ModelAdmin):
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

    def get_queryset(self, request):
        return logged_segments_with_counts()

    @admin.display(description=_("no. of interactions"), ordering="entry_count")
    def interactions(self, obj) -> str:
        url = reverse("admin:interactions_interactionlogentry_changelist") + (
            f"?q={obj.segment_no}"
        )
        return format_html('<a href="{}">{}</a>', url, obj.entry_count)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.opts.concrete_fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # only "delete canceled logged segments"

    def has_cancel_permission(self, request) -> bool:
        return request.user.has_perm("interactions.change_loggedsegment")

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("interactions.view_interactionlogentry")

    @admin.action(permissions=["cancel"], description=_("Switch checkmark in Canceled"))
    def switch_canceled_action(self, request, queryset) -> None:
        count = switch_canceled_logged_segments(
            actor=request.user, logged_segments=queryset
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
    def delete_canceled_action(self, request, queryset) -> None:
        count = delete_canceled_logged_segments(
            actor=request.user, logged_segments=queryset
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
    def resend_action(self, request, queryset) -> None:
        entries = InteractionLogEntry.objects.filter(
            logged_segment__in=queryset.values("pk")
        )
        try:
            count = resend_entries(actor=request.user, entries=entries)
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
