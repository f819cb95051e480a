"""The Create Interaction wizard's pages (DOMAIN §4.3, NAV reference §7).

``/interactions/new/`` walks contact and template → content → related to →
result → finish (or finish later: postponed). The steps, their session state
and finishing live in :mod:`interactions.web.wizard.state`; this module only
shows a step, stores what was posted and moves on. Step 1's details are
defaulted over htmx as soon as a contact and template are chosen
(``/interactions/new/defaults/``).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from contacts.lookups import ContactLookupField
from contacts.models import Contact
from interactions.models import (
    DeliveryStatus,
    InteractionLogEntry,
    InteractionTemplate,
)
from interactions.services.creation import check_contact_choice
from interactions.web.base import (
    ADD_ENTRIES,
    StaffRequest,
    StaffView,
    safe_next,
)
from interactions.web.wizard import state as wizard
from interactions.web.wizard.forms import ContactStepForm, initial_from_raw


def chosen_contact(text: str) -> Contact | None:
    """The contact ``text`` names (its no., or a unique name), else None.

    For showing what was chosen; validating the step says why not.
    """
    try:
        contact: Contact | None = ContactLookupField(required=False).clean(text)
    except ValidationError:
        return None
    return contact


def contact_choice(text: str) -> tuple[Contact | None, ValidationError | None]:
    """The contact ``text`` names, and why it cannot be used (if it cannot).

    What step 1 says as soon as a contact is typed or chosen: an ambiguous or
    unknown value (the lookup), a privacy-blocked contact (the service).
    """
    if not text.strip():
        return None, None
    try:
        contact: Contact = ContactLookupField().clean(text)
    except ValidationError as error:
        return None, error
    try:
        check_contact_choice(contact)
    except ValidationError as error:
        return contact, error
    return contact, None


def wizard_context_from(request: StaffRequest) -> dict[str, str]:
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


class CreateInteractionView(StaffView):
    """The wizard: contact+template → content → related to → result → finish."""

    permission_required = ADD_ENTRIES
    http_method_names = ["get", "post"]
    template_name = "interactions/wizard.html"

    # --- GET: start or show a step --------------------------------------------

    def get(self, request: StaffRequest) -> HttpResponse:
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
        typed = context.get("contact", "")
        contact, problem = contact_choice(typed)
        if typed and contact is None:
            context.pop("contact")  # not fixed: the user chooses
        template = (
            InteractionTemplate.objects.filter(code=context["template"]).first()
            if context.get("template")
            else None
        )
        state = wizard.start_state(
            contact=contact, template=template, context=context, actor=request.user
        )
        if problem is not None:
            # The page's contact names no single contact, or cannot be used:
            # say why at once, with what was given still in the field.
            if contact is None:
                state.store("contact", {**state.raw("contact"), "contact": typed})
            for message in problem.messages:
                messages.error(request, message)
        state.save(request)
        return self.render_step(state, wizard.STEP_NAMES[0])

    # --- POST: store a step and move on -----------------------------------------

    def post(self, request: StaffRequest) -> HttpResponse:
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
        if entry.delivery_status == DeliveryStatus.QUEUED:
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
        other_steps: list[str | Promise] | None = None,
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
            # Contact and template each refresh the details: a change aborts
            # the other's request still under way, so an older answer (the
            # contact alone) never replaces a newer one (both chosen).
            "hx-sync": "closest form:replace",
            "data-defaults-input": "",
        }
        form.fields["template"].widget.attrs.update(hx)
        form.fields["contact"].widget.attrs.update(hx)
        for name, errors_id in (
            ("contact", "wizard-contact-errors"),
            ("template", "wizard-template-errors"),
        ):
            # The messages live in a container the details refresh replaces.
            described = [errors_id]
            if form.fields[name].help_text:
                described.insert(0, f"id_{name}_helptext")
            form.fields[name].widget.attrs["aria-describedby"] = " ".join(described)
        form.fields["date"].widget.attrs["data-defaults-input"] = ""
        form.fields["time"].widget.attrs["data-defaults-input"] = ""
        if state.locked_contact:
            form.fields["contact"].widget.attrs["readonly"] = True
            form.fields["contact"].help_text = _(
                "Given by the page the wizard was opened from."
            )
        contact = chosen_contact(raw.get("contact", ""))
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
            "contact": chosen_contact(raw.get("contact", "")),
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


class WizardDefaultsView(StaffView):
    """htmx: step 1's details, defaulted for the chosen contact and template."""

    permission_required = ADD_ENTRIES
    http_method_names = ["get"]

    def get(self, request: StaffRequest) -> HttpResponse:
        params = request.GET
        state = wizard.WizardState.load(request, params.get("wizard"))
        contact, contact_error = contact_choice(params.get("contact", ""))
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
            "interactions/includes/wizard_defaults.html",
            {
                "form": form,
                "defaults_for": defaults_for,
                "details": DetailsInfo(contact, template),
                "contact_typed": bool(params.get("contact")),
                # Out of band: the contact's message as it is now (an
                # ambiguous, unknown or refused contact says so at once; a
                # fixed one's message goes), the template's once chosen.
                "contact_errors": contact_error.messages if contact_error else [],
                "contact_ambiguous": getattr(contact_error, "code", "") == "ambiguous",
                "template_chosen": template is not None,
            },
        )
