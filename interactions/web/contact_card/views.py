"""The contact card's interaction parts (DESIGN §4.1): statistics, timeline, actions.

``/contacts/<no>/`` is the contacts app's card (:class:`contacts.views.
ContactDetailView`) extended here with the contact's interactions: the
statistics (DOMAIN §7), the timeline (a company's includes its persons'
entries) and the actions make phone call, send e-mail, print cover sheet and
add to segment. The contacts app cannot show them — it must not import this
app — so the project's URLconf routes the card and these actions here, under
the ``contacts`` namespace (:mod:`interactions.web.contact_card.urls`).
"""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.forms import Form
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import Contact
from contacts.views import (
    ContactDetailView,
    StaffRequest,
    card_context,
    contact_or_404,
)
from interactions.selectors import timeline
from interactions.selectors.statistics import contact_statistics
from interactions.services import (
    RecordResult,
    add_contact_to_segment,
    record_cover_sheet,
    record_email_sent,
    record_phone_call,
)
from interactions.web.base import (
    ADD_ENTRIES,
    CHANGE_SEGMENT,
    VIEW_CONTACT,
    VIEW_ENTRIES,
    StaffView,
)
from interactions.web.contact_card.forms import (
    AddToSegmentForm,
    EmailForm,
    PhoneCallForm,
)
from interactions_crm.platform.forms import add_service_errors
from interactions_crm.platform.keyset import InvalidCursor, KeysetPage
from interactions_crm.platform.localformat import LocalFormats

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TIMELINE_PAGE_SIZE = 20
#: The partials of the actions' forms (``call-form`` for ``call_form`` …).
ACTION_FORMS = "interactions/includes/contact_action_forms.html"


def timeline_page(
    contact: Contact, cursor: str | None = None, *, focus_first: bool = False
) -> KeysetPage:
    """A page of the contact's timeline; a tampered cursor is a bad request.

    ``focus_first``: the first item's link takes the focus (a "Load more" page).
    """
    try:
        return timeline.timeline_items(
            contact, cursor=cursor, size=TIMELINE_PAGE_SIZE, focus_first=focus_first
        )
    except InvalidCursor as exc:
        raise BadRequest(_("The page link is not valid.")) from exc


def shown_statistics(statistics: dict[str, Any]) -> dict[str, str]:
    """The card's figures as text in the active language (no filter per figure).

    The same text as ``floatformat:"2g"`` (cost), ``floatformat:"-2g"``
    (duration) and ``date:"SHORT_DATE_FORMAT"`` would give.
    """
    formats = LocalFormats.active()
    shown = {
        "count": formats.number(statistics["count"]),
        "cost": formats.decimal(statistics["cost"], 2, grouping=True),
        "duration": formats.decimal(statistics["duration"], -2, grouping=True),
    }
    for key in ("last_interaction_date", "last_attempted_date"):
        day = statistics[key]
        shown[f"{key}_iso"] = day.isoformat() if day else ""
        shown[key] = formats.short_date(day) if day else ""
    return shown


def interaction_card_context(
    request: StaffRequest, contact: Contact, **forms: Form
) -> dict[str, Any]:
    """Everything the card shows; ``forms`` is an action's form to show open.

    The query count does not depend on the number of entries, persons or
    classifications: each collection is one query (prefetch or keyset page).
    """
    user = request.user
    can_view_entries = user.has_perm(VIEW_ENTRIES)
    can_record = user.has_perm(ADD_ENTRIES)
    can_segment = user.has_perm(CHANGE_SEGMENT)
    context = card_context(request, contact) | {
        "can_view_entries": can_view_entries,
        "can_record": can_record,
        "can_segment": can_segment,
        "open_panel": next(iter(forms), ""),
    }
    if can_view_entries:
        context["statistics"] = contact_statistics(contact)
        context["shown_statistics"] = shown_statistics(context["statistics"])
        context["page"] = timeline_page(contact)
    # Only an open action's form is rendered with the card (the others are
    # fetched when their drop-down opens: ContactActionView.get).
    context.update(forms)
    return context


class ContactCardView(ContactDetailView):
    """``/contacts/<no>/``: details, classification, statistics, timeline, actions."""

    template_name = "interactions/contact_card.html"

    def get_context(self, contact: Contact) -> dict[str, Any]:
        return interaction_card_context(self.request, contact)


class ContactTimelineView(StaffView):
    """``/contacts/<no>/timeline/?cursor=…``: the next page of the timeline.

    htmx ("load more") receives only the new items; without JavaScript the
    link opens a page that shows the older entries.
    """

    permission_required = (VIEW_CONTACT, VIEW_ENTRIES)
    http_method_names = ["get", "head", "options"]

    def get(self, request: StaffRequest, no: str) -> HttpResponse:
        contact = contact_or_404(no)
        page = timeline_page(contact, request.GET.get("cursor"), focus_first=True)
        context = {"contact": contact, "page": page}
        if request.htmx:
            return render(
                request,
                "interactions/includes/contact_timeline.html#timeline-items",
                context,
            )
        return render(request, "interactions/contact_timeline.html", context)


class ContactActionView(StaffView):
    """A form in a drop-down of the contact card that calls one service.

    GET shows the empty form: to htmx (the drop-down opening) the form
    alone, without JavaScript a page with the form (the closed drop-down
    links to it) — the card itself does not render the closed drop-downs'
    forms (issue #12: they were an eighth of its time). POST: valid → the
    service runs and the user is redirected with a message; invalid (form or
    service) → the card is shown again with the errors on the action's form,
    its drop-down open (status 400).
    """

    http_method_names = ["get", "post", "head", "options"]
    form_class: type[Form]
    form_name: str
    title: "StrOrPromise"

    def get(self, request: StaffRequest, no: str) -> HttpResponse:
        contact = contact_or_404(no)
        form_partial = f"{ACTION_FORMS}#{self.form_name.replace('_', '-')}"
        context = {"contact": contact, self.form_name: self.form_class()}
        if request.htmx:
            return render(request, form_partial, context)
        context |= {"action_title": self.title, "form_partial": form_partial}
        return render(request, "interactions/contact_action.html", context)

    def post(self, request: StaffRequest, no: str) -> HttpResponse:
        contact = contact_or_404(no)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                response = self.perform(contact, form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return response
        contact = contact_or_404(contact.no)  # as it is now, with its relations
        context = interaction_card_context(request, contact, **{self.form_name: form})
        return render(request, ContactCardView.template_name, context, status=400)

    def perform(self, contact: Contact, form: Form) -> HttpResponse:
        raise NotImplementedError

    def recorded(
        self, contact: Contact, result: RecordResult, success: str
    ) -> HttpResponseRedirect:
        """Redirect to the card with ``success``, or why nothing was recorded."""
        if result.recorded:
            messages.success(self.request, success)
        else:
            messages.warning(
                self.request,
                _("Nothing was recorded: %(reason)s") % {"reason": result.reason},
            )
        return redirect(contact)


class ContactPhoneCallView(ContactActionView):
    """Make phone call: records an outgoing call with "was successful"."""

    permission_required = ADD_ENTRIES
    form_class = PhoneCallForm
    form_name = "call_form"
    title = gettext_lazy("Make phone call")

    def perform(self, contact: Contact, form: Form) -> HttpResponse:
        successful = form.cleaned_data["successful"]
        result = record_phone_call(
            actor=self.request.user,
            contact=contact,
            successful=successful,
            description=form.cleaned_data["description"],
        )
        if successful:
            message = _("The phone call to %(name)s was recorded.")
        else:
            message = _("The unsuccessful call attempt to %(name)s was recorded.")
        return self.recorded(contact, result, message % {"name": contact.name})


class ContactEmailView(ContactActionView):
    """Send e-mail: sends the message and records an e-mail interaction.

    The service refuses a contact without an e-mail address; its message is
    shown on the form.
    """

    permission_required = ADD_ENTRIES
    form_class = EmailForm
    form_name = "email_form"
    title = gettext_lazy("Send e-mail")

    def perform(self, contact: Contact, form: Form) -> HttpResponse:
        result = record_email_sent(
            actor=self.request.user,
            contact=contact,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
        )
        message = _("The e-mail to %(email)s was sent and recorded.")
        return self.recorded(contact, result, message % {"email": contact.email})


class ContactAddToSegmentView(ContactActionView):
    """Add to segment: a one-contact criteria action on an open segment."""

    permission_required = CHANGE_SEGMENT
    form_class = AddToSegmentForm
    form_name = "segment_form"
    title = gettext_lazy("Add to segment")

    def perform(self, contact: Contact, form: Form) -> HttpResponse:
        segment = form.cleaned_data["segment"]
        add_contact_to_segment(
            actor=self.request.user, segment=segment, contact=contact
        )
        messages.success(
            self.request,
            _("%(contact)s was added to segment %(segment)s.")
            % {"contact": contact.name, "segment": segment.no},
        )
        return redirect(contact)


class ContactCoverSheetView(StaffView):
    """Print cover sheet.

    POST records a cover-sheet interaction and redirects (post/redirect/get)
    to GET, which shows the printable sheet; GET alone records nothing.
    """

    http_method_names = ["get", "post", "head", "options"]

    def get_permission_required(self) -> tuple[str, ...]:
        if self.request.method == "POST":
            return (VIEW_CONTACT, ADD_ENTRIES)
        return (VIEW_CONTACT,)

    def get(self, request: StaffRequest, no: str) -> HttpResponse:
        contact = contact_or_404(no)
        entry_no = request.GET.get("entry", "")
        entry = (
            timeline.timeline_entry(contact, int(entry_no))
            if entry_no.isdigit()
            else None
        )
        context = {"contact": contact, "entry": entry}
        return render(request, "interactions/contact_cover_sheet.html", context)

    def post(self, request: StaffRequest, no: str) -> HttpResponse:
        contact = contact_or_404(no)
        try:
            result = record_cover_sheet(actor=request.user, contact=contact)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(contact)
        url = reverse("contacts:contact-cover-sheet", kwargs={"no": contact.no})
        if result.recorded and result.entry is not None:
            messages.success(request, _("The cover sheet was recorded."))
            return redirect(f"{url}?entry={result.entry.entry_no}")
        messages.warning(
            request,
            _("The cover sheet was not recorded: %(reason)s")
            % {"reason": result.reason},
        )
        return redirect(url)
