"""Staff pages for contacts: list, card with timeline, actions, create and edit.

Views are thin (DESIGN.md §3): they check the model permission, validate a
form, call one service and redirect with a message (post/redirect/get). A
service's ``ValidationError`` is shown on the form's fields.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Prefetch
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from contacts.filters import ContactFilterSet
from contacts.forms import (
    AddToSegmentForm,
    ContactForm,
    EmailForm,
    PhoneCallForm,
    add_service_errors,
)
from contacts.models import Contact, ContactBusinessRelation
from contacts.services import create_contact, update_contact
from interactions.models import InteractionLogEntry
from interactions.selectors import contact_statistics
from interactions.services.entries import (
    RecordResult,
    record_cover_sheet,
    record_email_sent,
    record_phone_call,
)
from interactions.services.segments import add_contact_to_segment
from interactions_crm.platform.keyset import InvalidCursor, KeysetPage, keyset_page

#: Contact list orderings offered to the user; each is unique for keyset paging.
CONTACT_ORDERINGS: dict[str, tuple[str, ...]] = {
    "no": ("no",),
    "name": ("name", "no"),
}
CONTACT_PAGE_SIZE = 50

#: The timeline is newest first; entry_no breaks ties between equal dates.
TIMELINE_ORDERING = ("-date", "-entry_no")
TIMELINE_PAGE_SIZE = 20
#: Persons listed on a company's card (the list links to the full search).
CARD_PERSONS = 25


def _page(queryset, *, ordering: tuple[str, ...], cursor: str | None, size: int):
    """One keyset page; a tampered cursor is the client's error (400)."""
    try:
        return keyset_page(queryset, ordering=ordering, cursor=cursor, size=size)
    except InvalidCursor as exc:
        raise BadRequest(_("The page link is not valid.")) from exc


def timeline_page(contact: Contact, cursor: str | None = None) -> KeysetPage:
    """A page of the contact's timeline, newest first (DOMAIN §3, §7).

    A company's timeline includes its persons' entries; postponed entries are
    not shown, canceled ones are (marked). One query per page, whatever the
    number of rows, thanks to ``with_related()`` and the keyset on the
    (contact|company, date, entry_no) indexes.
    """
    entries = InteractionLogEntry.objects.visible().for_contact(contact).with_related()
    return _page(
        entries, ordering=TIMELINE_ORDERING, cursor=cursor, size=TIMELINE_PAGE_SIZE
    )


def _contact_or_404(no: str) -> Contact:
    return get_object_or_404(Contact.objects.with_related(), no=no)


# --------------------------------------------------------------------------
# List
# --------------------------------------------------------------------------


class ContactListView(PermissionRequiredMixin, View):
    """``/contacts/``: search, filters and keyset pages ("show more").

    No ``COUNT(*)``: a page fetches one row more than it shows to know whether
    another page follows. An htmx request gets only the next rows.
    """

    permission_required = "contacts.view_contact"
    raise_exception = True
    http_method_names = ["get", "head", "options"]
    template_name = "contacts/contact_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = ContactFilterSet(
            request.GET or None, queryset=Contact.objects.with_related()
        )
        if not filterset.is_bound:
            contacts = filterset.queryset
        elif filterset.is_valid():
            contacts = filterset.qs
        else:
            # An unknown code shows its error and no rows rather than all rows.
            contacts = filterset.queryset.none()
        sort = request.GET.get("sort", "no")
        if sort not in CONTACT_ORDERINGS:
            sort = "no"
        page = _page(
            contacts,
            ordering=CONTACT_ORDERINGS[sort],
            cursor=request.GET.get("cursor"),
            size=CONTACT_PAGE_SIZE,
        )
        context = {
            "filter": filterset,
            "page": page,
            "contacts": page.rows,
            "sort": sort,
            "is_filtered": any(
                value for key, value in request.GET.items() if key in filterset.filters
            ),
            "more_focus": bool(request.GET.get("cursor")),
        }
        template = self.template_name
        if request.htmx:
            template += "#contact-rows"
        return render(request, template, context)


# --------------------------------------------------------------------------
# Card and timeline
# --------------------------------------------------------------------------


def card_context(
    request: HttpRequest, contact: Contact, **forms: Form
) -> dict[str, Any]:
    """Everything the contact card shows; ``forms`` replaces an action's form.

    The query count does not depend on the number of entries, persons or
    classifications: each collection is one query (prefetch or keyset page).
    """
    user = request.user
    can_view_entries = user.has_perm("interactions.view_interactionlogentry")
    can_record = user.has_perm("interactions.add_interactionlogentry")
    can_segment = user.has_perm("interactions.change_segment")
    context: dict[str, Any] = {
        "contact": contact,
        "business_relations": contact.business_relations.all(),
        "persons": list(contact.persons.order_by("name")[: CARD_PERSONS + 1])
        if contact.is_company
        else [],
        "card_persons": CARD_PERSONS,
        "can_view_entries": can_view_entries,
        "can_record": can_record,
        "can_segment": can_segment,
        "can_change": user.has_perm("contacts.change_contact"),
    }
    if can_view_entries:
        context["statistics"] = contact_statistics(contact)
        context["page"] = timeline_page(contact)
    if can_record:
        context["call_form"] = forms.get("call_form") or PhoneCallForm()
        context["email_form"] = forms.get("email_form") or EmailForm()
    if can_segment:
        context["segment_form"] = forms.get("segment_form") or AddToSegmentForm()
    context["open_panel"] = next(iter(forms), "")
    return context


def _card_queryset():
    return Contact.objects.with_related().prefetch_related(
        Prefetch(
            "business_relations",
            queryset=ContactBusinessRelation.objects.select_related(
                "business_relation"
            ).order_by("business_relation__code"),
        ),
        "job_responsibilities",
        "industry_groups",
        "mailing_groups",
    )


class ContactDetailView(PermissionRequiredMixin, View):
    """``/contacts/<no>/``: details, classification, statistics, timeline."""

    permission_required = "contacts.view_contact"
    raise_exception = True
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, no: str) -> HttpResponse:
        contact = get_object_or_404(_card_queryset(), no=no)
        return render(
            request, "contacts/contact_detail.html", card_context(request, contact)
        )


class ContactTimelineView(PermissionRequiredMixin, View):
    """``/contacts/<no>/timeline/?cursor=…``: the next page of the timeline.

    htmx ("load more") receives only the new items; without JavaScript the
    link opens a page that shows the older entries.
    """

    permission_required = (
        "contacts.view_contact",
        "interactions.view_interactionlogentry",
    )
    raise_exception = True
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, no: str) -> HttpResponse:
        contact = _contact_or_404(no)
        page = timeline_page(contact, request.GET.get("cursor"))
        context = {"contact": contact, "page": page, "more_focus": True}
        if request.htmx:
            return render(
                request, "contacts/includes/timeline.html#timeline-items", context
            )
        return render(request, "contacts/contact_timeline.html", context)


# --------------------------------------------------------------------------
# Actions on the card (POST only)
# --------------------------------------------------------------------------


class ContactActionView(PermissionRequiredMixin, View):
    """A POST form on the contact card that calls one service.

    Valid → the service runs and the user is redirected with a message.
    Invalid (form or service) → the card is shown again with the errors on
    the action's form (status 400).
    """

    raise_exception = True
    http_method_names = ["post"]
    form_class: type[Form]
    form_name: str

    def post(self, request: HttpRequest, no: str) -> HttpResponse:
        contact = _contact_or_404(no)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                response = self.perform(contact, form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return response
        contact = get_object_or_404(_card_queryset(), pk=contact.pk)
        context = card_context(request, contact, **{self.form_name: form})
        return render(request, "contacts/contact_detail.html", context, status=400)

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

    permission_required = "interactions.add_interactionlogentry"
    form_class = PhoneCallForm
    form_name = "call_form"

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

    permission_required = "interactions.add_interactionlogentry"
    form_class = EmailForm
    form_name = "email_form"

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

    permission_required = "interactions.change_segment"
    form_class = AddToSegmentForm
    form_name = "segment_form"

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


class ContactCoverSheetView(PermissionRequiredMixin, View):
    """Print cover sheet.

    POST records a cover-sheet interaction and redirects (post/redirect/get)
    to GET, which shows the printable sheet; GET alone records nothing.
    """

    raise_exception = True
    http_method_names = ["get", "post", "head", "options"]

    def get_permission_required(self) -> tuple[str, ...]:
        if self.request.method == "POST":
            return ("contacts.view_contact", "interactions.add_interactionlogentry")
        return ("contacts.view_contact",)

    def get(self, request: HttpRequest, no: str) -> HttpResponse:
        contact = _contact_or_404(no)
        entry = None
        entry_no = request.GET.get("entry", "")
        if entry_no.isdigit():
            entry = (
                InteractionLogEntry.objects.visible()
                .for_contact(contact)
                .select_related("salesperson")
                .filter(entry_no=entry_no)
                .first()
            )
        context = {"contact": contact, "entry": entry}
        return render(request, "contacts/contact_cover_sheet.html", context)

    def post(self, request: HttpRequest, no: str) -> HttpResponse:
        contact = _contact_or_404(no)
        try:
            result = record_cover_sheet(actor=request.user, contact=contact)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(contact)
        url = reverse("contacts:contact-cover-sheet", kwargs={"no": contact.no})
        if result.recorded:
            messages.success(request, _("The cover sheet was recorded."))
            return redirect(f"{url}?entry={result.entry.entry_no}")
        messages.warning(
            request,
            _("The cover sheet was not recorded: %(reason)s")
            % {"reason": result.reason},
        )
        return redirect(url)


# --------------------------------------------------------------------------
# Create and edit
# --------------------------------------------------------------------------


class ContactFormView(PermissionRequiredMixin, View):
    """Shared GET/POST handling of the create and edit pages."""

    raise_exception = True
    http_method_names = ["get", "post", "head", "options"]
    template_name = "contacts/contact_form.html"

    def get_contact(self) -> Contact | None:
        return None

    def save(self, form: ContactForm, contact: Contact | None) -> Contact:
        raise NotImplementedError

    def render_form(self, form: ContactForm, contact: Contact | None, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "contact": contact},
            status=status,
        )

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        contact = self.get_contact()
        return self.render_form(ContactForm(instance=contact), contact)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        contact = self.get_contact()
        form = ContactForm(request.POST, instance=contact)
        if form.is_valid():
            try:
                saved = self.save(form, contact)
            except ValidationError as exc:
                add_service_errors(form, exc, aliases={"company": "company_no"})
            else:
                return redirect(saved)
        return self.render_form(form, contact, status=400)


class ContactCreateView(ContactFormView):
    """``/contacts/new/``: create a contact (number from the number series)."""

    permission_required = "contacts.add_contact"

    def save(self, form: ContactForm, contact: Contact | None) -> Contact:
        created = create_contact(actor=self.request.user, **form.service_values())
        messages.success(
            self.request,
            _("Contact %(no)s %(name)s was created.")
            % {"no": created.no, "name": created.name},
        )
        return created


class ContactUpdateView(ContactFormView):
    """``/contacts/<no>/edit/``: change a contact and its classification."""

    permission_required = "contacts.change_contact"

    def get_contact(self) -> Contact:
        return _contact_or_404(self.kwargs["no"])

    def save(self, form: ContactForm, contact: Contact | None) -> Contact:
        assert contact is not None
        updated = update_contact(
            actor=self.request.user, contact=contact, **form.service_values()
        )
        messages.success(
            self.request,
            _("Contact %(no)s %(name)s was saved.")
            % {"no": updated.no, "name": updated.name},
        )
        return updated
