"""Segments in admin: the header, the lines inline and saved criteria (DOMAIN §5).

Every write calls a segment service:

* the header → ``create_segment`` / ``update_segment_header`` (with "update
  lines"), deletion → ``delete_segment``; the form is the staff pages'
  :class:`~interactions.web.segments.forms.SegmentHeaderForm` with admin widgets;
* lines inline → ``update_segment_line``; a new row →
  ``add_contact_to_segment``, a deleted row → ``remove_contact_from_segment``
  (criteria actions, so "go back" undoes them too);
* the criteria actions and "log segment" are pages of their own
  (:mod:`interactions.admin.segment_actions`);
* saved criteria: created from a segment, deleted with
  ``delete_saved_criteria``.

A segment can have 100,000 lines: the inline shows the first
:data:`INLINE_LINES` and the changelist never counts lines row by row.
"""

import copy
from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from interactions.admin.segment_actions import SegmentActionsMixin
from interactions.models import (
    SavedCriteria,
    Segment,
    SegmentCriteriaAction,
    SegmentLine,
)
from interactions.models.segments import SegmentContent
from interactions.services.segments import (
    LINE_FIELDS,
    add_contact_to_segment,
    create_segment,
    delete_saved_criteria,
    delete_segment,
    remove_contact_from_segment,
    update_segment_header,
    update_segment_line,
)
from interactions.services.segments.header import (
    set_segment_content,
    template_header_values,
)
from interactions.web.segments.forms import CREATE_FIELDS, SegmentHeaderForm
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.admin import ServiceAdmin, mark_formsets_handled

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec

#: Lines shown (and editable) inline on a segment's page.
INLINE_LINES = 100


class SegmentHeaderAdminForm(SegmentHeaderForm):
    """The staff header form with the admin's widgets (date picker, autocomplete).

    Creating asks what the staff "new segment" page asks; the template fills
    in the rest, which the segment's page then shows.
    """

    # The admin's own autocomplete selects instead of the staff page's lookups.
    template = None  # type: ignore[assignment]
    salesperson = None  # type: ignore[assignment]
    campaign = None  # type: ignore[assignment]

    class Meta(SegmentHeaderForm.Meta):
        widgets: dict[str, Any] = {}

    def __init__(self, *args: Any, instance: Segment | None = None, **kwargs: Any):
        super().__init__(*args, instance=instance, creating=instance is None, **kwargs)
        self.original = instance

    def clean(self) -> dict[str, Any]:
        """A new template's defaults are shown before they are saved (DOMAIN §5).

        Admin has no htmx preview: choosing another template fills its
        defaults into the form, which comes back with a message; saving it
        again saves what the user then sees (their values win). Never a value
        still shown on the form silently replaced by the template's.
        """
        cleaned = super().clean() or {}
        if (
            self.original is not None
            and "template" in self.changed_data
            and not self.errors
            and not self.template_defaults_shown()
        ):
            self._show_template_defaults(cleaned)
            raise ValidationError(
                _(
                    "The template's defaults have been filled in. Check them "
                    "and save again."
                )
            )
        return cleaned

    def _show_template_defaults(self, cleaned: dict[str, Any]) -> None:
        """Put the chosen template's header values into the submitted data."""
        template = cleaned.get("template")
        data = cast(QueryDict, self.data).copy()
        data[self.add_prefix("defaults_for")] = template.code if template else ""
        if template is not None and self.original is not None:
            current = copy.copy(self.original)
            current.campaign = cleaned.get("campaign")
            for name, value in template_header_values(current, template).items():
                key = self.add_prefix(name)
                if isinstance(value, bool):
                    if value:
                        data[key] = "on"
                    else:
                        data.pop(key, None)
                elif isinstance(value, Model):
                    data[key] = str(value.pk)
                else:
                    data[key] = "" if value is None else str(value)
        self.data = data


# --- lines and criteria actions inline --------------------------------------------


class FirstLinesFormSet(
    BaseInlineFormSet[SegmentLine, Segment, ModelForm[SegmentLine]]
):
    """Only the first :data:`INLINE_LINES` lines: a segment can be huge."""

    def get_queryset(self) -> QuerySet[SegmentLine]:
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


class SegmentLineInline(admin.TabularInline[SegmentLine, Segment]):
    model = SegmentLine
    formset = FirstLinesFormSet
    fields = [
        "contact",
        "template",
        "description",
        "subject",
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[SegmentLine]:
        return super().get_queryset(request).select_related("contact")


class CriteriaActionInline(admin.TabularInline[SegmentCriteriaAction, Segment]):
    model = SegmentCriteriaAction
    fields = readonly_fields = (
        "seq",
        "kind",
        "criteria",
        "options",
        "line_count",
        "actor",
        "created_at",
    )
    extra = 0
    can_delete = False
    verbose_name_plural = _("Criteria actions (go back undoes the last)")

    def has_add_permission(
        self, request: HttpRequest, obj: Segment | None = None
    ) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Segment | None = None
    ) -> bool:
        return False


# --- segments -----------------------------------------------------------------------


class SegmentContentInline(admin.StackedInline[SegmentContent, Segment]):
    """The segment's own content per language (copied from the template when
    it is chosen, DOMAIN §5); saved through ``set_segment_content``."""

    model = SegmentContent
    fields = ["language", "subject", "body"]
    extra = 0
    can_delete = False


@admin.register(Segment)
class SegmentAdmin(SegmentActionsMixin, ServiceAdmin[Segment]):
    """Segmenter: header, lines and the criteria actions."""

    form = SegmentHeaderAdminForm
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
    inlines = [SegmentContentInline, SegmentLineInline, CriteriaActionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "no",
                    "description",
                    "date",
                    "salesperson",
                    "template",
                    "defaults_for",
                ]
            },
        ),
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Segment]:
        return super().get_queryset(request).annotate(line_total=Count("lines"))

    @admin.display(description=_("no. of lines"), ordering="line_total")
    def line_count(self, obj: Segment) -> int:
        return int(obj.line_total)  # type: ignore[attr-defined]  # get_queryset's

    def get_fieldsets(
        self, request: HttpRequest, obj: Segment | None = None
    ) -> "_FieldsetSpec":
        """The form's fields: creating asks less; no lines, nothing to update."""
        if obj is None:
            return [(None, {"fields": list(CREATE_FIELDS)})]
        if obj.lines.exists():
            return self.fieldsets
        return [
            (
                name,
                {**opts, "fields": [f for f in opts["fields"] if f != "update_lines"]},
            )
            for name, opts in self.fieldsets
        ]

    def get_inlines(self, request: HttpRequest, obj: Segment | None) -> list[Any]:
        return list(self.inlines) if obj is not None else []

    # --- writes ----------------------------------------------------------------
    def service_save(
        self, request: HttpRequest, obj: Segment, form: Any, change: bool
    ) -> Segment:
        # Only what the user set: the rest comes from the template and defaults.
        changed = form.service_values()
        actor = user_or_none(request.user)
        if not change:
            return create_segment(actor=actor, **changed)
        return update_segment_header(
            actor=actor,
            segment=obj,
            update_lines=form.cleaned_data.get("update_lines", False),
            **changed,
        )

    def service_delete(self, request: HttpRequest, obj: Segment) -> None:
        delete_segment(actor=user_or_none(request.user), segment=obj)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: Any, change: Any
    ) -> None:
        """Lines go through the line services, content through
        ``set_segment_content``; criteria actions are read-only."""
        if formset.model is SegmentContent:
            saved = [
                set_segment_content(
                    actor=user_or_none(request.user),
                    segment=form.instance,
                    language=content_form.cleaned_data.get("language", ""),
                    subject=content_form.cleaned_data.get("subject", ""),
                    body=content_form.cleaned_data.get("body", ""),
                )
                for content_form in formset.forms
                if content_form.has_changed()
            ]
            mark_formsets_handled([formset], {formset: saved})
            return
        if formset.model is not SegmentLine:
            mark_formsets_handled([formset])
            return
        actor = user_or_none(request.user)
        formset.save(commit=False)
        segment = form.instance
        for line in formset.deleted_objects:
            remove_contact_from_segment(
                segment=segment, actor=actor, contact=line.contact
            )
        added = []
        for line_form in formset.extra_forms:
            if not line_form.has_changed() or line_form in formset.deleted_forms:
                continue
            line = add_contact_to_segment(
                segment=segment, actor=actor, contact=line_form.cleaned_data["contact"]
            )
            _update_line(request, line, line_form, exclude={"contact"})
            added.append(line)
        for line, _changed in formset.changed_objects:
            line_form = next(f for f in formset.initial_forms if f.instance == line)
            _update_line(request, line, line_form, exclude=set())
        mark_formsets_handled([formset], {formset: added})


def _update_line(
    request: HttpRequest, line: SegmentLine, form: Any, *, exclude: set[str]
) -> None:
    fields = {
        name: form.cleaned_data[name]
        for name in form.changed_data
        if name in LINE_FIELDS and name not in exclude
    }
    if fields:
        update_segment_line(actor=user_or_none(request.user), line=line, **fields)


# --- saved criteria ------------------------------------------------------------


@admin.register(SavedCriteria)
class SavedCriteriaAdmin(ServiceAdmin[SavedCriteria]):
    """Saved segment criteria: created from a segment ("Save criteria")."""

    list_display = ["code", "description", "step_count", "created_by", "created_at"]
    search_fields = ["code", "description"]
    list_select_related = ["created_by"]
    readonly_fields = ["code", "description", "actions", "created_by", "created_at"]

    @admin.display(description=_("no. of criteria actions"))
    def step_count(self, obj: SavedCriteria) -> int:
        return len(obj.actions)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: SavedCriteria | None = None
    ) -> bool:
        return False

    def service_save(
        self, request: HttpRequest, obj: SavedCriteria, form: Any, change: bool
    ) -> SavedCriteria:
        raise PermissionDenied

    def service_delete(self, request: HttpRequest, obj: SavedCriteria) -> None:
        delete_saved_criteria(actor=user_or_none(request.user), saved=obj)
