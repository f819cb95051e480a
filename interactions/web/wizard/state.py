"""The Create Interaction wizard (DOMAIN §4.3, NAV reference §7): state and steps.

The wizard is a session-stored sequence of steps. Each step is a plain form;
its data is kept *raw* (the strings a browser posts), so a step can be shown
again after "Back" and every step is validated once more when the user
finishes — exactly as if it had just been typed. Nothing is written to the
domain tables until the user presses *Finish* (``create_interaction``) or
*Finish later* (``postpone=True``); a wizard resumed from the postponed page
finishes with ``resume_interaction`` and keeps its entry number.

Several wizards can be open at the same time (browser tabs): each has its own
id, and the session keeps the most recent few.
"""

import datetime as dt
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, CorrespondenceType, Salesperson
from interactions.models import Campaign, InteractionLogEntry, InteractionTemplate
from interactions.services import (
    create_interaction,
    interaction_defaults,
    render_content,
    resume_interaction,
)
from interactions.services.defaults import round_up_to_minute
from interactions.web.wizard.forms import (
    ContactStepForm,
    ContentStepForm,
    RelatedStepForm,
    ResultStepForm,
    initial_from_raw,
    to_raw,
)
from interactions_crm.platform.forms import add_service_errors

SESSION_KEY = "interaction_wizards"
# How many open wizards a session keeps (oldest dropped first).
KEEP_WIZARDS = 10
UPLOAD_DIR = "wizard-uploads"


@dataclass(frozen=True)
class Step:
    name: str
    title: str | Promise
    question: str | Promise
    form_class: type[forms.Form]


STEPS: tuple[Step, ...] = (
    Step(
        "contact",
        _("Contact and template"),
        _("What is the type of interaction?"),
        ContactStepForm,
    ),
    Step("content", _("Content"), _("What content will be used?"), ContentStepForm),
    Step(
        "related",
        _("Related to"),
        _("What is the interaction related to?"),
        RelatedStepForm,
    ),
    Step("result", _("Result"), _("What was the result?"), ResultStepForm),
)
STEP_NAMES = tuple(step.name for step in STEPS)
STEP_BY_NAME = {step.name: step for step in STEPS}
# Step 1 fields that the template and contact default (refilled over htmx).
DETAIL_FIELDS = (
    "description",
    "salesperson",
    "language",
    "date",
    "time",
    "correspondence_type",
    "information_flow",
    "initiated_by",
)

# Which step and form field a service error key belongs to. Built from the
# step forms, plus the service names that differ from the form's.
ERROR_FIELDS: dict[str, tuple[str, str]] = {
    name: (step.name, name) for step in STEPS for name in step.form_class.base_fields
}
ERROR_FIELDS["attempt_failed"] = ("result", "was_successful")
ERROR_FIELDS["send"] = ("content", "send")


def pair_key(contact: Contact, template: InteractionTemplate) -> str:
    """Identifies the (contact, template) pair some defaults were computed for."""
    return f"{contact.no}|{template.code}"


@dataclass
class WizardState:
    """One open wizard, as kept in the session (JSON-serialisable fields only)."""

    id: str
    data: dict[str, dict[str, str]] = field(default_factory=dict)
    context: dict[str, str] = field(default_factory=dict)
    resume: int | None = None
    locked_contact: bool = False
    # The pair steps 2–4 were last defaulted for; "" when never.
    later_defaults_for: str = ""
    reached: int = 0
    upload: dict[str, Any] | None = None

    # --- persistence ------------------------------------------------------

    @classmethod
    def load(cls, request: HttpRequest, wizard_id: str | None) -> "WizardState | None":
        stored = request.session.get(SESSION_KEY, {}).get(wizard_id or "")
        if stored is None:
            return None
        stored = dict(stored)
        stored.pop("touched", None)
        return cls(**stored)

    def save(self, request: HttpRequest) -> None:
        wizards = dict(request.session.get(SESSION_KEY, {}))
        wizards[self.id] = {**self.__dict__, "touched": time.time()}
        newest = sorted(wizards, key=lambda key: wizards[key]["touched"])
        for stale in newest[:-KEEP_WIZARDS]:
            _delete_upload(wizards[stale].get("upload"))
            del wizards[stale]
        request.session[SESSION_KEY] = wizards

    def discard(self, request: HttpRequest) -> None:
        _delete_upload(self.upload)
        wizards = dict(request.session.get(SESSION_KEY, {}))
        wizards.pop(self.id, None)
        request.session[SESSION_KEY] = wizards

    # --- steps ------------------------------------------------------------

    def raw(self, step: str) -> dict[str, str]:
        return self.data.get(step, {})

    def store(self, step: str, raw: dict[str, str]) -> None:
        self.data[step] = raw

    def initial(self, step: str) -> dict[str, Any]:
        """Initial values that show a step's raw data in an unbound form."""
        return initial_from_raw(STEP_BY_NAME[step].form_class, self.raw(step))

    def bound_form(self, step: str) -> forms.Form:
        return STEP_BY_NAME[step].form_class(data=self.raw(step))

    @property
    def correspondence_type(self) -> str:
        return self.raw("contact").get("correspondence_type", "")

    @property
    def sends_email(self) -> bool:
        return self.correspondence_type == CorrespondenceType.EMAIL

    def reach(self, step: str) -> None:
        self.reached = max(self.reached, STEP_NAMES.index(step))

    def may_show(self, step: str) -> bool:
        return step in STEP_NAMES and STEP_NAMES.index(step) <= self.reached


def raw_from_post(step: str, data: QueryDict) -> dict[str, str]:
    """The posted values of one step's fields (and step 1's defaults marker)."""
    form_class = STEP_BY_NAME[step].form_class
    raw = {
        name: data.get(name, "")
        for name, form_field in form_class.base_fields.items()
        if name in data and not isinstance(form_field, forms.FileField)
    }
    if step == "contact":
        raw["defaults_for"] = data.get("defaults_for", "")
    return raw


def now_rounded() -> dt.time:
    """Now, rounded up to the next minute (NAV's default time of interaction)."""
    return round_up_to_minute(timezone.localtime())


def _context_objects(
    context: dict[str, str],
) -> tuple[Salesperson | None, Campaign | None]:
    salesperson = campaign = None
    if context.get("salesperson"):
        salesperson = Salesperson.objects.filter(code=context["salesperson"]).first()
    if context.get("campaign"):
        campaign = Campaign.objects.filter(no=context["campaign"]).first()
    return salesperson, campaign


def detail_defaults(
    *,
    actor: AbstractBaseUser,
    contact: Contact,
    template: InteractionTemplate,
    context: dict[str, str],
) -> dict[str, Any]:
    """The service defaults (DOMAIN §4.1) for the wizard's context."""
    salesperson, campaign = _context_objects(context)
    return interaction_defaults(
        contact=contact,
        template=template,
        actor=actor,
        salesperson=salesperson,
        campaign=campaign,
    )


def contact_step_raw(
    defaults: dict[str, Any], *, keep: dict[str, str] | None = None
) -> dict[str, str]:
    """Step 1's raw data from the defaults; ``keep`` keeps typed date/time."""
    raw = to_raw(ContactStepForm, defaults)
    for name in ("date", "time"):
        if keep and keep.get(name):
            raw[name] = keep[name]
    raw["defaults_for"] = pair_key(defaults["contact"], defaults["template"])
    return raw


def fill_later_steps(
    state: WizardState,
    *,
    actor: AbstractBaseUser,
    cleaned: dict[str, Any],
) -> None:
    """Default steps 2–4 from the contact, template and step 1's choices.

    Done once per (contact, template) pair, so going back to step 1 and on
    again keeps what the user typed in the later steps.
    """
    contact, template = cleaned["contact"], cleaned["template"]
    key = pair_key(contact, template)
    if state.later_defaults_for == key:
        return
    defaults = detail_defaults(
        actor=actor, contact=contact, template=template, context=state.context
    )
    subject, body = render_content(
        template=template,
        contact=contact,
        language=cleaned["language"] or "",
        salesperson=cleaned["salesperson"] or defaults["salesperson"],
        date=cleaned["date"],
    )
    state.store("content", {"subject": subject, "body": body})
    state.store("related", to_raw(RelatedStepForm, defaults))
    state.store(
        "result",
        to_raw(ResultStepForm, {**defaults, "evaluation": "", "was_successful": True}),
    )
    state.later_defaults_for = key


def start_state(
    *,
    contact: Contact | None,
    template: InteractionTemplate | None,
    context: dict[str, str],
    actor: AbstractBaseUser,
) -> WizardState:
    """A new wizard, prefilled from the page it was started from (NAV §7)."""
    state = WizardState(id=uuid.uuid4().hex, context=context)
    state.locked_contact = contact is not None and bool(context.get("contact"))
    if contact is not None and template is not None:
        defaults = detail_defaults(
            actor=actor, contact=contact, template=template, context=context
        )
        state.store("contact", contact_step_raw(defaults))
    else:
        salesperson, _campaign = _context_objects(context)
        state.store(
            "contact",
            to_raw(
                ContactStepForm,
                {
                    "contact": contact,
                    "template": template,
                    "salesperson": salesperson,
                    "date": timezone.localdate(),
                    "time": now_rounded(),
                },
            ),
        )
    return state


def resume_state(entry: InteractionLogEntry) -> WizardState:
    """A wizard prefilled from a postponed entry; the date is reset to today."""
    values = {
        field_name: getattr(entry, field_name)
        for field_name in (
            "contact",
            "template",
            "description",
            "salesperson",
            "language",
            "correspondence_type",
            "information_flow",
            "initiated_by",
            "campaign",
            "campaign_target",
            "campaign_response",
            "opportunity_ref",
            "evaluation",
            "cost",
            "duration",
        )
    }
    values |= {
        "date": timezone.localdate(),
        "time": now_rounded(),
        "was_successful": not entry.attempt_failed,
        "comments": "\n".join(comment.text for comment in entry.comments.all()),
    }
    attachment = entry.attachment
    state = WizardState(
        id=uuid.uuid4().hex,
        resume=entry.entry_no,
        locked_contact=True,
        later_defaults_for=pair_key(entry.contact, entry.template),
        reached=len(STEPS) - 1,
    )
    contact_raw = to_raw(ContactStepForm, values)
    contact_raw["defaults_for"] = state.later_defaults_for
    state.store("contact", contact_raw)
    state.store(
        "content",
        {
            "subject": attachment.subject if attachment else entry.subject,
            "body": attachment.body if attachment else "",
        },
    )
    state.store("related", to_raw(RelatedStepForm, values))
    state.store("result", to_raw(ResultStepForm, values))
    return state


# --- uploads --------------------------------------------------------------------------


def keep_upload(state: WizardState, upload: UploadedFile[bytes]) -> None:
    """Park an imported file in storage until the wizard finishes."""
    _delete_upload(state.upload)
    name = default_storage.save(f"{UPLOAD_DIR}/{state.id}/{upload.name}", upload)
    state.upload = {
        "path": name,
        "name": upload.name,
        "content_type": upload.content_type or "application/octet-stream",
        "size": upload.size,
    }


def drop_upload(state: WizardState) -> None:
    _delete_upload(state.upload)
    state.upload = None


def _delete_upload(upload: dict[str, Any] | None) -> None:
    if upload and default_storage.exists(upload["path"]):
        default_storage.delete(upload["path"])


def _open_upload(state: WizardState) -> UploadedFile[bytes] | None:
    if not state.upload or not default_storage.exists(state.upload["path"]):
        return None
    return UploadedFile(
        file=default_storage.open(state.upload["path"], "rb"),
        name=state.upload["name"],
        content_type=state.upload["content_type"],
        size=state.upload["size"],
    )


# --- finishing ------------------------------------------------------------------------


class StepInvalid(Exception):
    """A step's stored data no longer validates; show that step."""

    def __init__(self, step: str, form: forms.Form) -> None:
        super().__init__(step)
        self.step = step
        self.form = form


def cleaned_steps(state: WizardState) -> dict[str, dict[str, Any]]:
    """Every step validated again from its raw data (raises StepInvalid)."""
    cleaned = {}
    for step in STEPS:
        form = state.bound_form(step.name)
        if not form.is_valid():
            raise StepInvalid(step.name, form)
        cleaned[step.name] = form.cleaned_data
    return cleaned


def service_values(
    state: WizardState, cleaned: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The keyword arguments of create_interaction/resume_interaction."""
    first, content = cleaned["contact"], cleaned["content"]
    related, result = cleaned["related"], cleaned["result"]
    return {
        "contact": first["contact"],
        "template": first["template"],
        "date": first["date"],
        "time": first["time"],
        "description": first["description"],
        "salesperson": first["salesperson"],
        "language": first["language"],
        "correspondence_type": first["correspondence_type"],
        "information_flow": first["information_flow"],
        "initiated_by": first["initiated_by"],
        "subject": content["subject"],
        "body": content["body"],
        "send": bool(content["send"]) and state.sends_email,
        "campaign": related["campaign"],
        "campaign_target": related["campaign_target"],
        "campaign_response": related["campaign_response"],
        "opportunity_ref": related["opportunity_ref"],
        "evaluation": result["evaluation"],
        "attempt_failed": not result["was_successful"],
        "cost": result["cost"],
        "duration": result["duration"],
        "comments": result["comments"],
    }


def finish(
    state: WizardState,
    *,
    actor: AbstractBaseUser,
    postpone: bool,
    resume_entry: InteractionLogEntry | None = None,
) -> InteractionLogEntry:
    """Write the interaction through the service (StepInvalid/ValidationError)."""
    values = service_values(state, cleaned_steps(state))
    values["attachment_file"] = _open_upload(state)
    try:
        if resume_entry is not None:
            return resume_interaction(
                actor=actor, entry=resume_entry, postpone=postpone, **values
            )
        return create_interaction(actor=actor, postpone=postpone, **values)
    finally:
        if values["attachment_file"] is not None:
            values["attachment_file"].close()


def errors_by_step(
    error: ValidationError,
) -> dict[str, dict[str | None, list[ValidationError]]]:
    """A service's ValidationError sorted onto the steps and fields it names.

    Keys that no step has (or a plain, non-dict error) go to the first step's
    non-field errors, so no message is ever lost.
    """
    sorted_errors: dict[str, dict[str | None, list[ValidationError]]] = {}
    items = (
        error.error_dict.items() if hasattr(error, "error_dict") else [(None, error)]
    )
    for key, errors in items:
        step, form_field = ERROR_FIELDS.get(key or "", (STEP_NAMES[0], None))
        messages = errors if isinstance(errors, list) else errors.error_list
        sorted_errors.setdefault(step, {}).setdefault(form_field, []).extend(messages)
    return sorted_errors


def form_with_errors(
    state: WizardState, step: str, errors: dict[str | None, list[ValidationError]]
) -> forms.Form:
    """The step's form bound to its data, carrying the service's messages."""
    form = state.bound_form(step)
    form.is_valid()
    add_service_errors(
        form,
        ValidationError(
            {name or NON_FIELD_ERRORS: messages for name, messages in errors.items()}
        ),
    )
    return form
