"""A segment's action pages in admin: criteria actions, go back, log (DOMAIN §5).

Each is a small form page linked from the segment's page: add, reduce and
refine contacts, go back, save and reuse criteria, reuse a logged segment,
and log the segment. The forms are the staff pages' own
(:mod:`interactions.web.segments.forms`); the admin page holds one form, so its
fields are posted without the staff pages' prefixes. "Go back" and "log" are
changelist actions too.

Logging runs now or as a background job, as ``runs_in_background`` decides
for the segment's number of lines (the one decision staff pages, admin and
API share).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from interactions.models import LoggedSegment, Segment, SegmentCriteriaAction
from interactions.selectors.segments import CriteriaOutcome
from interactions.services.jobs import runs_in_background
from interactions.services.segments import (
    add_contacts,
    go_back,
    log_segment,
    reduce_contacts,
    refine_contacts,
    reuse_criteria,
    reuse_logged_segment,
    save_criteria,
    start_log_segment_job,
)
from interactions.web.segments.forms import (
    CriteriaForm,
    LogSegmentForm,
    ReuseCriteriaForm,
    ReuseLoggedSegmentForm,
    SaveCriteriaForm,
)
from interactions_crm.platform.actors import user_or_none
from interactions_crm.platform.admin import add_validation_error, error_text
from interactions_crm.platform.models import BackgroundJob

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Kind = SegmentCriteriaAction.Kind

#: A page's service call: (segment, valid form) → the success message.
Run = Callable[[Segment, Any], str]


class ConfirmAdminForm(forms.Form):
    """No input: the page only asks to confirm (go back)."""


def log_now_or_later(
    request: HttpRequest,
    segment: Segment,
    *,
    send: bool = False,
    follow_up: bool = False,
) -> BackgroundJob | LoggedSegment:
    """Log ``segment`` now, or start the job that logs a large one."""
    actor = user_or_none(request.user)
    if runs_in_background(segment.lines.count()):
        return start_log_segment_job(
            actor=actor, segment=segment, send=send, follow_up=follow_up
        )
    return log_segment(segment=segment, actor=actor, send=send, follow_up=follow_up)


def logged_message(segment: Segment, result: BackgroundJob | LoggedSegment) -> str:
    """What :func:`log_now_or_later` did: logged, or a link to the job."""
    if isinstance(result, LoggedSegment):
        return _("Segment %(no)s has been logged.") % {"no": result.segment_no}
    return format_html(
        str(
            _(
                "Segment {no} is being logged in the background: "
                '<a href="{url}">follow the job</a>.'
            )
        ),
        no=segment.no,
        url=reverse("admin:platform_backgroundjob_change", args=[result.pk]),
    )


class SegmentActionsMixin(admin.ModelAdmin[Segment]):
    """The action pages and changelist actions of the segments' admin."""

    def get_urls(self) -> list[URLPattern]:
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

    def has_log_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("interactions.log_segment")

    def _segment_or_deny(
        self, request: HttpRequest, object_id: str, permission: str = "change"
    ) -> Segment:
        segment = get_object_or_404(Segment, pk=object_id)
        allowed = (
            self.has_log_permission(request)
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
        title: "StrOrPromise",
        form_class: type[forms.Form],
        run: Run,
        form_kwargs: dict[str, Any] | None = None,
        permission: str = "change",
        intro: "StrOrPromise" = "",
    ) -> HttpResponse:
        """GET: the form; POST: run the service, message, back to the segment."""
        segment = self._segment_or_deny(request, object_id, permission)
        data = request.POST if request.method == "POST" else None
        form = form_class(data, prefix="", **(form_kwargs or {}))
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

    # --- criteria actions --------------------------------------------------------
    def _criteria_page(
        self,
        request: HttpRequest,
        object_id: str,
        kind: str,
        title: "StrOrPromise",
        service: Callable[..., CriteriaOutcome],
    ) -> HttpResponse:
        def run(segment: Segment, form: CriteriaForm) -> str:
            outcome = service(
                segment=segment,
                actor=user_or_none(request.user),
                criteria=form.criteria(),
                **form.option_values(),
                **form.confirmation(),
            )
            return outcome.message()

        return self._action_page(
            request,
            object_id,
            title=title,
            form_class=CriteriaForm,
            form_kwargs={"kind": kind},
            run=run,
        )

    def add_contacts_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._criteria_page(
            request, object_id, Kind.ADD, _("Add contacts"), add_contacts
        )

    def reduce_contacts_view(
        self, request: HttpRequest, object_id: str
    ) -> HttpResponse:
        return self._criteria_page(
            request, object_id, Kind.REDUCE, _("Reduce contacts"), reduce_contacts
        )

    def refine_contacts_view(
        self, request: HttpRequest, object_id: str
    ) -> HttpResponse:
        return self._criteria_page(
            request, object_id, Kind.REFINE, _("Refine contacts"), refine_contacts
        )

    def go_back_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        def run(segment: Segment, form: ConfirmAdminForm) -> str:
            count = go_back(segment=segment, actor=user_or_none(request.user))
            return ngettext(
                "The last criteria action was undone (%(count)d line changed).",
                "The last criteria action was undone (%(count)d lines changed).",
                count,
            ) % {"count": count}

        return self._action_page(
            request,
            object_id,
            title=_("Go back"),
            form_class=ConfirmAdminForm,
            run=run,
            intro=_(
                "This will undo the last criteria action. Do you want to continue?"
            ),
        )

    # --- saved criteria and logged segments ----------------------------------------
    def save_criteria_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        def run(segment: Segment, form: SaveCriteriaForm) -> str:
            saved = save_criteria(
                segment=segment, actor=user_or_none(request.user), **form.cleaned_data
            )
            return _("The criteria were saved as %(code)s.") % {"code": saved.code}

        return self._action_page(
            request,
            object_id,
            title=_("Save criteria"),
            form_class=SaveCriteriaForm,
            run=run,
        )

    def reuse_criteria_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        def run(segment: Segment, form: ReuseCriteriaForm) -> str:
            outcome = reuse_criteria(
                segment=segment,
                actor=user_or_none(request.user),
                saved=form.cleaned_data["saved"],
                replace=form.cleaned_data["replace"],
            )
            return outcome.message()

        return self._action_page(
            request,
            object_id,
            title=_("Reuse criteria"),
            form_class=ReuseCriteriaForm,
            run=run,
        )

    def reuse_logged_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        def run(segment: Segment, form: ReuseLoggedSegmentForm) -> str:
            outcome = reuse_logged_segment(
                segment=segment,
                actor=user_or_none(request.user),
                logged_segment=form.cleaned_data["logged_segment"],
            )
            return outcome.message()

        return self._action_page(
            request,
            object_id,
            title=_("Reuse logged segment"),
            form_class=ReuseLoggedSegmentForm,
            run=run,
        )

    def log_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        def run(segment: Segment, form: LogSegmentForm) -> str:
            result = log_now_or_later(request, segment, **form.cleaned_data)
            return logged_message(segment, result)

        return self._action_page(
            request,
            object_id,
            title=_("Log segment"),
            form_class=LogSegmentForm,
            run=run,
            permission="log",
        )

    # --- changelist actions ------------------------------------------------------
    @admin.action(permissions=["change"], description=_("Go back (undo last action)"))
    def go_back_action(self, request: HttpRequest, queryset: QuerySet[Segment]) -> None:

        def run(segment: Segment) -> None:
            go_back(segment=segment, actor=user_or_none(request.user))

        self._each(request, queryset, run)

    @admin.action(permissions=["log"], description=_("Log segment"))
    def log_action(self, request: HttpRequest, queryset: QuerySet[Segment]) -> None:
        """Log each selected segment, a large one as a job (its message links it)."""

        def run(segment: Segment) -> str | None:
            result = log_now_or_later(request, segment)
            if isinstance(result, BackgroundJob):
                return logged_message(segment, result)
            return None

        self._each(request, queryset, run)

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Segment],
        run: Callable[[Segment], str | None],
    ) -> None:
        """Run a service per selected segment; report each refusal by number.

        ``run`` returns a message of its own to show (a started job), or None.
        """
        done = 0
        for segment in queryset:
            try:
                message = run(segment)
            except ValidationError as error:
                self.message_user(
                    request, f"{segment.no}: {error_text(error)}", messages.ERROR
                )
                continue
            done += 1
            if message is not None:
                self.message_user(request, message, messages.SUCCESS)
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
