"""Staff pages of the interaction log (DESIGN §4.1): thin views over the services.

Each view checks one permission (``PermissionRequiredMixin``, 403 when
missing; ``LoginRequiredMiddleware`` sends anonymous users to the login page),
parses its input with a form, calls one service and redirects with a message
(post/redirect/get). State changes are POST-only.
"""

import csv
import io
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import DetailView, TemplateView

from contacts.models import Contact, Salesperson
from interactions import wizard
from interactions.filters import EntryFilterSet
from interactions.forms import (
    BulkActionForm,
    CancelForm,
    CommentForm,
    ContactStepForm,
    DeleteCanceledForm,
    PostponedDeleteForm,
    find_contact,
    initial_from_raw,
)
from interactions.models import (
    EntryComment,
    Evaluation,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
)
from interactions.services import (
    add_comment,
    cancel_entries,
    delete_canceled_entries,
    delete_postponed_entries,
    evaluate_entries,
    switch_canceled,
    uncancel_entries,
)
from interactions.services.delivery import resend_entries
from interactions.services.ledger import (
    resume_delete_canceled_job,
    start_delete_canceled_job,
)
from interactions_crm.platform.keyset import InvalidCursor, keyset_page
from interactions_crm.platform.models import BackgroundJob

PAGE_SIZE = 50
VIEW_ENTRIES = "interactions.view_interactionlogentry"
ADD_ENTRIES = "interactions.add_interactionlogentry"
CANCEL_ENTRIES = "interactions.cancel_interactionlogentry"
EVALUATE_ENTRIES = "interactions.evaluate_interactionlogentry"
ADD_COMMENTS = "interactions.add_entrycomment"
DELETE_CANCELED = "interactions.delete_canceled_interactionlogentry"

# The log's sort keys. Each ends with the entry number, so the ordering is
# unique and keyset pagination pages every row exactly once.
SORTS: dict[str, tuple[tuple[str, ...], Any]] = {
    "newest": (("-date", "-entry_no"), gettext_lazy("Newest first")),
    "oldest": (("date", "entry_no"), gettext_lazy("Oldest first")),
    "entry_no": (("-entry_no",), gettext_lazy("Entry no., highest first")),
    "cost": (("-cost", "-entry_no"), gettext_lazy("Cost, highest first")),
    "duration": (("-duration", "-entry_no"), gettext_lazy("Duration, longest first")),
}
DEFAULT_SORT = "newest"
# Filters shown in the always-visible row; the others sit under "More filters".
MAIN_FILTERS = ("q", "contact", "date_from", "date_to", "template", "canceled")


class StaffPermissionMixin(PermissionRequiredMixin):
    """403 (not a login redirect) for a logged-in user without the permission."""

    raise_exception = True


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` URL of a form if it points back into this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def visible_entry(entry_no: int) -> InteractionLogEntry:
    """An entry of the log (not postponed) or 404."""
    return get_object_or_404(InteractionLogEntry.objects.visible(), entry_no=entry_no)


def show_validation_error(request: HttpRequest, error: ValidationError) -> None:
    """A service's refusal as error messages on the next page."""
    for message in error.messages:
        messages.error(request, message)


# --- Interaction log entries page (DOMAIN §6.1) ---------------------------------------


def log_queryset() -> QuerySet:
    """The log rows with everything a row shows, in one query."""
    return (
        InteractionLogEntry.objects.visible()
        .select_related(
            "contact", "contact_company", "template", "salesperson", "campaign"
        )
        .annotate(
            has_comments=Exists(EntryComment.objects.filter(entry=OuterRef("pk")))
        )
    )


def _all_choice(choices) -> list[tuple[str, Any]]:
    return [("", _("All")), *[choice for choice in choices if choice[0] != ""]]


def decorate_filter_form(form: forms.Form) -> forms.Form:
    """Friendlier widgets for the shared FilterSet's form (no other changes).

    Codes become selects of the (small) code tables, yes/no filters get an
    "All" choice and dates a date picker. Costs three small queries.
    """
    code_tables = {
        "template": InteractionTemplate.objects.only("code", "description"),
        "group": InteractionGroup.objects.only("code", "description"),
        "salesperson": Salesperson.objects.only("code", "name"),
    }
    for name, queryset in code_tables.items():
        choices = [(row.code, str(row)) for row in queryset]
        form.fields[name].widget = forms.Select(choices=_all_choice(choices))
    for name, form_field in form.fields.items():
        widget = form_field.widget
        if isinstance(form_field, forms.NullBooleanField):
            form_field.widget = forms.Select(
                choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]
            )
        elif isinstance(form_field, forms.DateField):
            form_field.widget = forms.DateInput(attrs={"type": "date"})
        elif isinstance(widget, forms.Select) and name not in code_tables:
            widget.choices = _all_choice(widget.choices)
    form.fields["q"].label = _("Search")
    form.fields["q"].widget.attrs.update(
        {"type": "search", "placeholder": _("Description or subject")}
    )
    form.fields["template"].label = _("Template")
    form.fields["contact"].widget.attrs.update({"placeholder": "CT000001"})
    return form


def entry_filterset(request: HttpRequest) -> EntryFilterSet:
    return EntryFilterSet(request.GET, queryset=log_queryset())


def sort_key(request: HttpRequest) -> str:
    key = request.GET.get("sort", DEFAULT_SORT)
    return key if key in SORTS else DEFAULT_SORT


class EntryListView(StaffPermissionMixin, TemplateView):
    """Every entry that is not postponed; filters, sort, keyset pages."""

    permission_required = VIEW_ENTRIES
    template_name = "interactions/entry_list.html"

    def get_template_names(self) -> list[str]:
        if self.request.htmx and self.request.GET.get("cursor"):
            return [f"{self.template_name}#rows"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset = entry_filterset(self.request)
        # Before validating: bound fields copy their label when first made.
        form = decorate_filter_form(filterset.form)
        # An invalid filter shows nothing rather than silently everything.
        rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        sort = sort_key(self.request)
        try:
            page = keyset_page(
                rows,
                ordering=SORTS[sort][0],
                cursor=self.request.GET.get("cursor"),
                size=PAGE_SIZE,
            )
        except InvalidCursor:
            page = keyset_page(rows, ordering=SORTS[sort][0], size=PAGE_SIZE)
        user = self.request.user
        context.update(
            filter_form=form,
            main_fields=[form[name] for name in MAIN_FILTERS],
            more_fields=[
                form[name] for name in form.fields if name not in MAIN_FILTERS
            ],
            more_open=any(
                self.request.GET.get(name)
                for name in form.fields
                if name not in MAIN_FILTERS
            ),
            filtered=any(self.request.GET.get(name) for name in form.fields),
            page=page,
            sort=sort,
            sorts=[(key, label) for key, (_ordering, label) in SORTS.items()],
            evaluations=Evaluation.choices[1:],
            can_cancel=user.has_perm(CANCEL_ENTRIES),
            can_evaluate=user.has_perm(EVALUATE_ENTRIES),
            can_create=user.has_perm(ADD_ENTRIES),
            can_delete_canceled=user.has_perm(DELETE_CANCELED),
            continued=bool(self.request.GET.get("cursor")),
        )
        return context


EXPORT_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("entry_no", gettext_lazy("Entry no.")),
    ("date", gettext_lazy("Date")),
    ("time", gettext_lazy("Time")),
    ("contact__no", gettext_lazy("Contact no.")),
    ("contact__name", gettext_lazy("Contact name")),
    ("contact_company__no", gettext_lazy("Company no.")),
    ("description", gettext_lazy("Description")),
    ("subject", gettext_lazy("Subject")),
    ("template__code", gettext_lazy("Interaction template")),
    ("group__code", gettext_lazy("Interaction group")),
    ("salesperson__code", gettext_lazy("Salesperson")),
    ("campaign__no", gettext_lazy("Campaign no.")),
    ("cost", gettext_lazy("Cost (LCY)")),
    ("duration", gettext_lazy("Duration (min.)")),
    ("information_flow", gettext_lazy("Information flow")),
    ("initiated_by", gettext_lazy("Initiated by")),
    ("evaluation", gettext_lazy("Evaluation")),
    ("attempt_failed", gettext_lazy("Attempt failed")),
    ("correspondence_type", gettext_lazy("Correspondence type")),
    ("delivery_status", gettext_lazy("Delivery status")),
    ("canceled", gettext_lazy("Canceled")),
    ("segment_no", gettext_lazy("Segment no.")),
    ("document_type", gettext_lazy("Document type")),
    ("document_no", gettext_lazy("Document no.")),
    ("opportunity_ref", gettext_lazy("Opportunity")),
)


class EntryExportView(StaffPermissionMixin, View):
    """The filtered log as CSV, streamed row by row (flat memory, DESIGN §5)."""

    permission_required = VIEW_ENTRIES
    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> StreamingHttpResponse:
        filterset = EntryFilterSet(
            request.GET, queryset=InteractionLogEntry.objects.visible()
        )
        selected = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        rows = selected.order_by(*SORTS[sort_key(request)][0]).values_list(
            *(name for name, _label in EXPORT_COLUMNS)
        )
        response = StreamingHttpResponse(
            self.lines(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            'attachment; filename="interaction-log-entries.csv"'
        )
        return response

    @staticmethod
    def lines(rows: QuerySet, chunk_size: int = 2000) -> Iterator[bytes]:
        """CSV in chunks of ``chunk_size`` rows, encoded once per chunk.

        One yield per row made the response encode and re-check every line;
        a chunk keeps memory flat and the per-row cost in the csv module.
        """
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([str(label) for _name, label in EXPORT_COLUMNS])
        for i, row in enumerate(rows.iterator(chunk_size=chunk_size), start=1):
            writer.writerow(row)
            if i % chunk_size == 0:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()


def switch_question(first: InteractionLogEntry, count: int) -> str:
    """NAV's confirmation wording for Switch Checkmark in Canceled (§9.2)."""
    if count == 1:
        if first.canceled:
            return _(
                "Interaction Log Entry %(entry_no)s is marked Canceled. Do you "
                "wish to remove the checkmark?"
            ) % {"entry_no": first.entry_no}
        return _(
            "Do you wish to mark Interaction Log Entry %(entry_no)s as Canceled?"
        ) % {"entry_no": first.entry_no}
    if first.canceled:
        return _(
            "Do you wish to remove the checkmark from the selected Interaction "
            "Log Entry lines?"
        )
    return _(
        "Do you wish to mark the selected Interaction Log Entry lines as Canceled?"
    )


def canceled_message(count: int) -> str:
    return ngettext(
        "%(count)d interaction log entry has been canceled.",
        "%(count)d interaction log entries have been canceled.",
        count,
    ) % {"count": count}


def uncanceled_message(count: int) -> str:
    return ngettext(
        "The canceled checkmark has been removed from %(count)d interaction log entry.",
        "The canceled checkmark has been removed from %(count)d interaction "
        "log entries.",
        count,
    ) % {"count": count}


class EntryBulkView(StaffPermissionMixin, View):
    """The list's bulk actions: switch checkmark in canceled, evaluate."""

    http_method_names = ["post"]
    ACTION_PERMISSIONS = {
        BulkActionForm.SWITCH_CANCELED: CANCEL_ENTRIES,
        BulkActionForm.EVALUATE: EVALUATE_ENTRIES,
    }

    def get_permission_required(self) -> tuple[str, ...]:
        action = self.request.POST.get("action", "")
        extra = self.ACTION_PERMISSIONS.get(action)
        return (VIEW_ENTRIES, extra) if extra else (VIEW_ENTRIES,)

    def post(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next(request, reverse("interactions:entry-list"))
        form = BulkActionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(next_url)
        entries = form.cleaned_data["entries"]
        if form.cleaned_data["action"] == BulkActionForm.EVALUATE:
            return self.evaluate(form, entries, next_url)
        return self.switch(form, entries, next_url)

    def evaluate(
        self, form: BulkActionForm, entries: QuerySet, next_url: str
    ) -> HttpResponse:
        evaluation = form.cleaned_data["evaluation"]
        try:
            count = evaluate_entries(
                actor=self.request.user, entries=entries, evaluation=evaluation
            )
        except ValidationError as error:
            show_validation_error(self.request, error)
            return redirect(next_url)
        messages.success(
            self.request,
            ngettext(
                "%(count)d interaction log entry has been evaluated as "
                "“%(evaluation)s”.",
                "%(count)d interaction log entries have been evaluated as "
                "“%(evaluation)s”.",
                count,
            )
            % {"count": count, "evaluation": Evaluation(evaluation).label},
        )
        return redirect(next_url)

    def switch(
        self, form: BulkActionForm, entries: QuerySet, next_url: str
    ) -> HttpResponse:
        selected = list(entries.select_related("contact").order_by("entry_no"))
        # The service switches to the opposite of the lowest entry number's
        # state; ask the question about that same entry.
        first = selected[0]
        if not form.cleaned_data["confirmed"]:
            return render(
                self.request,
                "interactions/entry_switch_confirm.html",
                {
                    "question": switch_question(first, len(selected)),
                    "entries": selected,
                    "cancels": not first.canceled,
                    "next_url": next_url,
                    "reason_form": CancelForm(),
                },
            )
        try:
            count = switch_canceled(
                actor=self.request.user,
                entries=entries,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            show_validation_error(self.request, error)
            return redirect(next_url)
        message = uncanceled_message if first.canceled else canceled_message
        messages.success(self.request, message(count))
        return redirect(next_url)


# --- One entry ------------------------------------------------------------------------


class EntryDetailView(StaffPermissionMixin, DetailView):
    """Every field of one entry, its content, comments and actions."""

    permission_required = VIEW_ENTRIES
    template_name = "interactions/entry_detail.html"
    context_object_name = "entry"
    pk_url_kwarg = "entry_no"
    comment_form: CommentForm | None = None

    def get_queryset(self) -> QuerySet:
        return InteractionLogEntry.objects.visible().select_related(
            "contact",
            "contact_company",
            "template",
            "group",
            "salesperson",
            "campaign",
            "logged_segment",
            "attachment",
            "logged_by",
            "canceled_by",
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            comments=self.object.comments.select_related("author").order_by(
                "date", "id"
            ),
            comment_form=self.comment_form or CommentForm(),
            cancel_form=CancelForm(),
            evaluations=Evaluation.choices[1:],
            can_cancel=user.has_perm(CANCEL_ENTRIES),
            can_evaluate=user.has_perm(EVALUATE_ENTRIES),
            can_comment=user.has_perm(ADD_COMMENTS),
            can_resend=user.has_perm(ADD_ENTRIES)
            and self.object.correspondence_type == "email"
            and self.object.attachment_id is not None,
            can_create=user.has_perm(ADD_ENTRIES),
        )
        return context


class EntryAttachmentView(StaffPermissionMixin, View):
    """Download the file of an entry's attachment (never rendered inline)."""

    permission_required = VIEW_ENTRIES
    http_method_names = ["get"]

    def get(self, request: HttpRequest, entry_no: int) -> FileResponse:
        entry = visible_entry(entry_no)
        attachment = entry.attachment
        if attachment is None or not attachment.file:
            raise Http404(_("This entry has no attached file."))
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.file_name or attachment.file.name.rsplit("/", 1)[-1],
        )


class EntryCommentAddView(StaffPermissionMixin, View):
    permission_required = ADD_COMMENTS
    http_method_names = ["post"]

    def post(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        entry = visible_entry(entry_no)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                add_comment(
                    actor=request.user,
                    entry=entry,
                    text=form.cleaned_data["text"],
                    code=form.cleaned_data["code"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The comment has been added."))
                return redirect(entry)
        view = EntryDetailView(comment_form=form)
        view.setup(request, entry_no=entry_no)
        view.object = view.get_object()
        return render(
            request,
            view.template_name,
            view.get_context_data(object=view.object),
            status=400,
        )


class EntryCancelView(StaffPermissionMixin, View):
    permission_required = CANCEL_ENTRIES
    http_method_names = ["post"]

    def post(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        entry = visible_entry(entry_no)
        form = CancelForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            count = cancel_entries(
                actor=request.user,
                entries=InteractionLogEntry.objects.filter(pk=entry.pk),
                reason=reason,
            )
        except ValidationError as error:
            show_validation_error(request, error)
        else:
            if count:
                messages.success(request, canceled_message(count))
            else:
                messages.info(request, _("The entry was already canceled."))
        return redirect(entry)


class EntryUncancelView(StaffPermissionMixin, View):
    permission_required = CANCEL_ENTRIES
    http_method_names = ["post"]

    def post(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        entry = visible_entry(entry_no)
        try:
            count = uncancel_entries(
                actor=request.user,
                entries=InteractionLogEntry.objects.filter(pk=entry.pk),
            )
        except ValidationError as error:
            show_validation_error(request, error)
        else:
            if count:
                messages.success(request, uncanceled_message(count))
            else:
                messages.info(request, _("The entry was not canceled."))
        return redirect(entry)


class EntryResendView(StaffPermissionMixin, View):
    permission_required = ADD_ENTRIES
    http_method_names = ["post"]

    def post(self, request: HttpRequest, entry_no: int) -> HttpResponse:
        entry = visible_entry(entry_no)
        try:
            count = resend_entries(
                actor=request.user,
                entries=InteractionLogEntry.objects.filter(pk=entry.pk),
            )
        except ValidationError as error:
            show_validation_error(request, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d interaction log entry is being sent again.",
                    "%(count)d interaction log entries are being sent again.",
                    count,
                )
                % {"count": count},
            )
        return redirect(entry)


# --- Create interaction wizard (DOMAIN §4.3) ------------------------------------------


def wizard_context_from(request: HttpRequest) -> dict[str, str]:
    """What the page that opened the wizard fixes: contact, salesperson, campaign.

    Accepts ``?contact=`` and the log's own filter names, so "Create
    interaction" on a filtered log starts with the list's filters (NAV §7).
    """
    params = request.GET
    context = {
        "contact": params.get("contact") or params.get("company") or "",
        "salesperson": params.get("salesperson", ""),
        "campaign": params.get("campaign", ""),
        "template": params.get("template", ""),
        "next": safe_next(request, ""),
    }
    return {key: value for key, value in context.items() if value}


class CreateInteractionView(StaffPermissionMixin, View):
    """The wizard: contact+template → content → related to → result → finish."""

    permission_required = ADD_ENTRIES
    http_method_names = ["get", "post"]
    template_name = "interactions/wizard.html"

    # --- GET: start or show a step --------------------------------------------

    def get(self, request: HttpRequest) -> HttpResponse:
        wizard_id = request.GET.get("wizard")
        if wizard_id:
            state = wizard.WizardState.load(request, wizard_id)
            if state is None:
                messages.warning(
                    request, _("That wizard has expired. Please start again.")
                )
                return redirect("interactions:entry-create")
            step = request.GET.get("step", wizard.STEP_NAMES[0])
            if not state.may_show(step):
                step = wizard.STEP_NAMES[state.reached]
            return self.render_step(state, step)
        context = wizard_context_from(request)
        contact = find_contact(context.get("contact", ""))
        if context.get("contact") and contact is None:
            context.pop("contact")
        template = (
            InteractionTemplate.objects.filter(code=context["template"]).first()
            if context.get("template")
            else None
        )
        state = wizard.start_state(
            contact=contact, template=template, context=context, actor=request.user
        )
        state.save(request)
        return self.render_step(state, wizard.STEP_NAMES[0])

    # --- POST: store a step and move on -----------------------------------------

    def post(self, request: HttpRequest) -> HttpResponse:
        state = wizard.WizardState.load(request, request.POST.get("wizard"))
        if state is None:
            messages.warning(request, _("That wizard has expired. Please start again."))
            return redirect("interactions:entry-create")
        step = request.POST.get("step")
        if step not in wizard.STEP_NAMES or not state.may_show(step):
            return redirect(self.step_url(state, wizard.STEP_NAMES[state.reached]))
        raw = wizard.raw_from_post(step, request.POST)
        if state.locked_contact and step == "contact":
            raw["contact"] = state.raw("contact").get("contact", "")
        nav = request.POST.get("nav", "next")
        index = wizard.STEP_NAMES.index(step)
        if nav == "back":
            state.store(step, raw)
            state.save(request)
            return redirect(self.step_url(state, wizard.STEP_NAMES[max(index - 1, 0)]))

        form = wizard.STEP_BY_NAME[step].form_class(data=raw, files=request.FILES)
        if not form.is_valid():
            state.store(step, raw)
            state.save(request)
            return self.render_step(state, step, form=form, status=400)
        if step == "contact":
            raw["contact"] = form.cleaned_data["contact"].no
            if not self.details_defaulted(state, form, raw):
                return self.render_step(state, step, defaulted=True)
            wizard.fill_later_steps(
                state, actor=request.user, cleaned=form.cleaned_data
            )
        if step == "content":
            self.handle_upload(state, form)
        state.store(step, raw)

        if nav in ("finish", "postpone"):
            return self.finish(state, postpone=nav == "postpone", current=step)
        next_step = wizard.STEP_NAMES[min(index + 1, len(wizard.STEPS) - 1)]
        state.reach(next_step)
        state.save(request)
        return redirect(self.step_url(state, next_step))

    def details_defaulted(
        self, state: wizard.WizardState, form: forms.Form, raw: dict[str, str]
    ) -> bool:
        """Were step 1's details shown for this contact and template?

        With htmx they are filled as soon as the template is chosen. Without
        it (or after a late change) they are filled now and the step is shown
        once more, so the user sees the defaults before moving on.
        """
        contact = form.cleaned_data["contact"]
        template = form.cleaned_data["template"]
        if raw.get("defaults_for") == wizard.pair_key(contact, template):
            return True
        defaults = wizard.detail_defaults(
            actor=self.request.user,
            contact=contact,
            template=template,
            context=state.context,
        )
        state.store("contact", wizard.contact_step_raw(defaults, keep=raw))
        state.save(self.request)
        return False

    def handle_upload(self, state: wizard.WizardState, form: forms.Form) -> None:
        upload = form.cleaned_data.get("attachment_file")
        if upload:
            wizard.keep_upload(state, upload)
        elif self.request.POST.get("remove_upload"):
            wizard.drop_upload(state)

    def finish(
        self, state: wizard.WizardState, *, postpone: bool, current: str
    ) -> HttpResponse:
        resume_entry = None
        if state.resume is not None:
            resume_entry = (
                InteractionLogEntry.objects.postponed()
                .filter(entry_no=state.resume)
                .first()
            )
            if resume_entry is None:
                state.discard(self.request)
                messages.error(
                    self.request, _("This postponed interaction no longer exists.")
                )
                return redirect("interactions:postponed-list")
        try:
            entry = wizard.finish(
                state,
                actor=self.request.user,
                postpone=postpone,
                resume_entry=resume_entry,
            )
        except wizard.StepInvalid as invalid:
            state.reach(invalid.step)
            state.save(self.request)
            return self.render_step(state, invalid.step, form=invalid.form, status=400)
        except ValidationError as error:
            by_step = wizard.errors_by_step(error)
            step = next(name for name in wizard.STEP_NAMES if name in by_step)
            form = wizard.form_with_errors(state, step, by_step[step])
            state.save(self.request)
            other_steps = [
                wizard.STEP_BY_NAME[name].title for name in by_step if name != step
            ]
            return self.render_step(
                state, step, form=form, status=400, other_steps=other_steps
            )
        state.discard(self.request)
        if postpone:
            messages.success(
                self.request,
                _(
                    "The interaction has been saved as postponed. You can resume "
                    "it from the postponed interactions page."
                ),
            )
            return redirect("interactions:postponed-list")
        message = _("Interaction log entry %(entry_no)s has been created.") % {
            "entry_no": entry.entry_no
        }
        if entry.delivery_status == "in_progress":
            message += " " + _("It is being sent by e-mail.")
        messages.success(self.request, message)
        return redirect(entry)

    # --- rendering ------------------------------------------------------------------

    @staticmethod
    def step_url(state: wizard.WizardState, step: str) -> str:
        return f"{reverse('interactions:entry-create')}?wizard={state.id}&step={step}"

    def render_step(
        self,
        state: wizard.WizardState,
        step: str,
        *,
        form: forms.Form | None = None,
        status: int = 200,
        defaulted: bool = False,
        other_steps: list | None = None,
    ) -> HttpResponse:
        definition = wizard.STEP_BY_NAME[step]
        if form is None:
            form = definition.form_class(initial=state.initial(step))
        index = wizard.STEP_NAMES.index(step)
        context: dict[str, Any] = {
            "state": state,
            "step": definition,
            "step_index": index,
            "steps": [
                {
                    "number": number,
                    "title": item.title,
                    "status": (
                        "current"
                        if number - 1 == index
                        else "done"
                        if number - 1 < index
                        else "todo"
                    ),
                }
                for number, item in enumerate(wizard.STEPS, start=1)
            ],
            "is_first": index == 0,
            "is_last": index == len(wizard.STEPS) - 1,
            "form": form,
            "defaulted": defaulted,
            "other_steps": other_steps or [],
            "summary": self.summary(state) if index else None,
            "cancel_url": state.context.get("next")
            or reverse("interactions:entry-list"),
        }
        if step == "contact":
            context |= self.contact_step_context(state, form)
        return render(self.request, self.template_name, context, status=status)

    def contact_step_context(
        self, state: wizard.WizardState, form: forms.Form
    ) -> dict[str, Any]:
        raw = state.raw("contact")
        defaults_url = reverse("interactions:entry-create-defaults")
        hx = {
            "hx-get": defaults_url,
            "hx-trigger": "change",
            "hx-target": "#wizard-details",
            "hx-swap": "outerHTML",
            "hx-include": "#wizard-form [data-defaults-input]",
            "data-defaults-input": "",
        }
        form.fields["template"].widget.attrs.update(hx)
        form.fields["contact"].widget.attrs.update(hx)
        form.fields["date"].widget.attrs["data-defaults-input"] = ""
        form.fields["time"].widget.attrs["data-defaults-input"] = ""
        if state.locked_contact:
            form.fields["contact"].widget.attrs["readonly"] = True
            form.fields["contact"].help_text = _(
                "Given by the page the wizard was opened from."
            )
        contact = find_contact(raw.get("contact", ""))
        template = InteractionTemplate.objects.filter(
            code=raw.get("template", "")
        ).first()
        return {
            "defaults_for": raw.get("defaults_for", ""),
            "details": DetailsInfo(contact, template),
        }

    @staticmethod
    def summary(state: wizard.WizardState) -> dict[str, Any]:
        """Who and what the later steps are about, shown above them."""
        raw = state.raw("contact")
        return {
            "contact": find_contact(raw.get("contact", "")),
            "template": InteractionTemplate.objects.filter(code=raw.get("template", ""))
            .select_related("group")
            .first(),
            "description": raw.get("description", ""),
            "correspondence_type": state.correspondence_type,
        }


class DetailsInfo:
    """What the details partial says about the chosen contact and template."""

    def __init__(
        self, contact: Contact | None, template: InteractionTemplate | None
    ) -> None:
        self.contact = contact
        self.template = template

    @property
    def complete(self) -> bool:
        return self.contact is not None and self.template is not None


class WizardDefaultsView(StaffPermissionMixin, View):
    """htmx: step 1's details, defaulted for the chosen contact and template."""

    permission_required = ADD_ENTRIES
    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        params = request.GET
        state = wizard.WizardState.load(request, params.get("wizard"))
        contact = find_contact(params.get("contact", ""))
        template = InteractionTemplate.objects.filter(
            code=params.get("template", "")
        ).first()
        defaults_for = ""
        raw = {name: params.get(name, "") for name in ContactStepForm.base_fields}
        if contact is not None and template is not None:
            defaults = wizard.detail_defaults(
                actor=request.user,
                contact=contact,
                template=template,
                context=state.context if state else {},
            )
            raw = wizard.contact_step_raw(defaults, keep=params)
            defaults_for = raw["defaults_for"]
        form = ContactStepForm(initial=initial_from_raw(ContactStepForm, raw))
        return render(
            request,
            "interactions/includes/wizard_details.html",
            {
                "form": form,
                "defaults_for": defaults_for,
                "details": DetailsInfo(contact, template),
                "contact_typed": bool(params.get("contact")),
            },
        )


# --- Postponed interactions (DOMAIN §4.4) ---------------------------------------------


class PostponedListView(StaffPermissionMixin, TemplateView):
    """Unfinished interactions: the user's own, or everyone's with ``?all=1``."""

    permission_required = VIEW_ENTRIES
    template_name = "interactions/postponed_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        show_all = self.request.GET.get("all") == "1"
        queryset = InteractionLogEntry.objects.postponed().select_related(
            "contact", "template", "salesperson", "logged_by"
        )
        if not show_all:
            queryset = queryset.filter(logged_by=self.request.user)
        try:
            page = keyset_page(
                queryset,
                ordering=("-entry_no",),
                cursor=self.request.GET.get("cursor"),
                size=PAGE_SIZE,
            )
        except InvalidCursor:
            page = keyset_page(queryset, ordering=("-entry_no",), size=PAGE_SIZE)
        context.update(
            page=page,
            show_all=show_all,
            can_change=self.request.user.has_perm(ADD_ENTRIES),
        )
        return context


class PostponedResumeView(StaffPermissionMixin, View):
    """Open the wizard prefilled from a postponed entry (nothing written yet)."""

    permission_required = ADD_ENTRIES
    http_method_names = ["get"]

    def get(self, request: HttpRequest, entry_no: int) -> HttpResponseRedirect:
        entry = get_object_or_404(
            InteractionLogEntry.objects.postponed().select_related(
                "contact", "template", "salesperson", "campaign", "attachment"
            ),
            entry_no=entry_no,
        )
        state = wizard.resume_state(entry)
        state.context["next"] = reverse("interactions:postponed-list")
        state.save(request)
        return redirect(CreateInteractionView.step_url(state, wizard.STEP_NAMES[0]))


class PostponedDeleteView(StaffPermissionMixin, View):
    """Delete selected postponed entries directly (after one confirmation)."""

    permission_required = ADD_ENTRIES
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        next_url = safe_next(request, reverse("interactions:postponed-list"))
        form = PostponedDeleteForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(next_url)
        entries = form.cleaned_data["entries"]
        if not form.cleaned_data["confirmed"]:
            selected = list(entries.select_related("contact").order_by("entry_no"))
            return render(
                request,
                "interactions/postponed_delete_confirm.html",
                {"entries": selected, "next_url": next_url},
            )
        try:
            count = delete_postponed_entries(actor=request.user, entries=entries)
        except ValidationError as error:
            show_validation_error(request, error)
            return redirect(next_url)
        messages.success(
            request,
            ngettext(
                "%(count)d postponed interaction has been deleted.",
                "%(count)d postponed interactions have been deleted.",
                count,
            )
            % {"count": count},
        )
        return redirect(next_url)


# --- Delete canceled interaction log entries (DOMAIN §6.4) ----------------------------


class DeleteCanceledView(StaffPermissionMixin, View):
    """Filters → preview count (dry run) → confirm → background job."""

    permission_required = DELETE_CANCELED
    http_method_names = ["get", "post"]
    template_name = "interactions/delete_canceled.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        previewing = "preview" in request.GET
        form = DeleteCanceledForm(request.GET if previewing else None)
        count, review_url = None, ""
        if previewing and form.is_valid():
            filters = form.to_filter()
            try:
                count = delete_canceled_entries(
                    actor=request.user, filters=filters, dry_run=True
                )
            except ValidationError as error:
                self.add_errors(form, error)
            else:
                # The log's FilterSet uses the same names and business keys.
                review_url = "{}?{}".format(
                    reverse("interactions:entry-list"),
                    urlencode({"canceled": "true", **filters.describe()}),
                )
        return render(
            request,
            self.template_name,
            {"form": form, "count": count, "review_url": review_url},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DeleteCanceledForm(request.POST)
        if form.is_valid():
            try:
                job = start_delete_canceled_job(
                    actor=request.user, filters=form.to_filter()
                )
            except ValidationError as error:
                self.add_errors(form, error)
            else:
                messages.info(
                    request,
                    _("Deleting canceled interaction log entries has started."),
                )
                return redirect("interactions:job-detail", pk=job.pk)
        return render(
            request, self.template_name, {"form": form, "count": None}, status=400
        )

    @staticmethod
    def add_errors(form: forms.Form, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field_name, errors in error.error_dict.items():
                form.add_error(
                    field_name if field_name in form.fields else None, errors
                )
        else:
            form.add_error(None, error)


class JobDetailView(StaffPermissionMixin, DetailView):
    """A background job's progress; htmx polls the progress partial."""

    permission_required = DELETE_CANCELED
    model = BackgroundJob
    context_object_name = "job"
    template_name = "interactions/job_detail.html"

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["interactions/includes/job_progress.html"]
        return [self.template_name]


class JobResumeView(StaffPermissionMixin, View):
    """Queue a failed or interrupted job again; it continues where it stopped."""

    permission_required = DELETE_CANCELED
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        job = get_object_or_404(BackgroundJob, pk=pk)
        try:
            resume_delete_canceled_job(actor=request.user, job=job)
        except ValidationError as error:
            show_validation_error(request, error)
        else:
            messages.info(request, _("The job has been queued again."))
        return redirect("interactions:job-detail", pk=job.pk)
