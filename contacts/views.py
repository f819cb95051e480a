"""Staff pages for contacts: list, card, create and edit.

Views are thin (DESIGN.md §3): they check the model permission, validate a
form, call one service and redirect with a message (post/redirect/get). A
service's ``ValidationError`` is shown on the form's fields.

The contact card's interaction parts (statistics, timeline, phone call,
e-mail, cover sheet, add to segment) belong to the interactions app, which
extends :class:`ContactDetailView`: the dependency runs interactions →
contacts, never the reverse (import-linter's layers contract).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.models import User
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django_htmx.middleware import HtmxDetails

from contacts.filters import ContactFilterSet
from contacts.forms import ContactForm
from contacts.models import Contact
from contacts.selectors import (
    company_persons,
    contact_classification,
    contact_with_related,
)
from contacts.services import create_contact, update_contact
from interactions_crm.platform.forms import add_service_errors
from interactions_crm.platform.keyset import InvalidCursor, KeysetPage, keyset_page
from interactions_crm.platform.links import UrlPattern


class StaffRequest(HttpRequest):
    """A staff page's request: signed in (login is required) and htmx-aware.

    The type both apps' staff views annotate their requests with.
    """

    user: User
    htmx: HtmxDetails


#: Contact list orderings offered to the user; each is unique for keyset paging.
CONTACT_ORDERINGS: dict[str, tuple[str, ...]] = {
    "no": ("no",),
    "name": ("name", "no"),
}
CONTACT_PAGE_SIZE = 50

#: Persons listed on a company's card (the list links to the full search).
CARD_PERSONS = 25


def _page(
    queryset: QuerySet[Contact],
    *,
    ordering: tuple[str, ...],
    cursor: str | None,
    size: int,
) -> KeysetPage:
    """One keyset page; a tampered cursor is the client's error (400)."""
    try:
        return keyset_page(queryset, ordering=ordering, cursor=cursor, size=size)
    except InvalidCursor as exc:
        raise BadRequest(_("The page link is not valid.")) from exc


def contact_or_404(no: str) -> Contact:
    """The contact with its company and salesperson, or 404."""
    contact = contact_with_related(no)
    if contact is None:
        raise Http404
    return contact


# --------------------------------------------------------------------------
# List
# --------------------------------------------------------------------------


class ContactListView(PermissionRequiredMixin, View):
    """``/contacts/``: search, filters and keyset pages ("show more").

    No ``COUNT(*)``: a page fetches one row more than it shows to know whether
    another page follows. An htmx request gets only the next rows.
    """

    request: StaffRequest
    permission_required = "contacts.view_contact"
    raise_exception = True
    http_method_names = ["get", "head", "options"]
    template_name = "contacts/contact_list.html"

    def get(self, request: StaffRequest) -> HttpResponse:
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
# Card
# --------------------------------------------------------------------------


def card_context(request: StaffRequest, contact: Contact) -> dict[str, Any]:
    """What the card shows of the contact itself: details, classification, persons.

    The interactions app extends the card with the contact's interactions
    (statistics, timeline, actions); this app knows nothing of them.
    """
    persons: list[tuple[Contact, str]] = []
    if contact.is_company:
        # (person, its card's URL): one reverse() for the list.
        person_url = UrlPattern("contacts:contact-detail", "no")
        persons = [
            (person, person_url(person.no))
            for person in company_persons(contact, CARD_PERSONS + 1)
        ]
    return {
        "contact": contact,
        "classification": contact_classification(contact),
        "persons": persons,
        "card_persons": CARD_PERSONS,
        "can_change": request.user.has_perm("contacts.change_contact"),
    }


class ContactDetailView(PermissionRequiredMixin, View):
    """The contact card: details, classification and, for a company, its persons.

    The project routes ``/contacts/<no>/`` to the interactions app's card,
    which extends this one (:meth:`get_context`, the ``card_*`` template
    blocks) with the contact's interactions.
    """

    request: StaffRequest
    permission_required = "contacts.view_contact"
    raise_exception = True
    http_method_names = ["get", "head", "options"]
    template_name = "contacts/contact_detail.html"

    def get_context(self, contact: Contact) -> dict[str, Any]:
        return card_context(self.request, contact)

    def get(self, request: StaffRequest, no: str) -> HttpResponse:
        contact = contact_or_404(no)
        return render(request, self.template_name, self.get_context(contact))


# --------------------------------------------------------------------------
# Create and edit
# --------------------------------------------------------------------------


class ContactFormView(PermissionRequiredMixin, View):
    """Shared GET/POST handling of the create and edit pages."""

    request: StaffRequest
    raise_exception = True
    http_method_names = ["get", "post", "head", "options"]
    template_name = "contacts/contact_form.html"

    def get_contact(self) -> Contact | None:
        return None

    def save(self, form: ContactForm, contact: Contact | None) -> Contact:
        raise NotImplementedError

    def render_form(
        self, form: ContactForm, contact: Contact | None, status: int = 200
    ) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"form": form, "contact": contact},
            status=status,
        )

    def get(self, request: StaffRequest, **kwargs: Any) -> HttpResponse:
        contact = self.get_contact()
        return self.render_form(ContactForm(instance=contact), contact)

    def post(self, request: StaffRequest, **kwargs: Any) -> HttpResponse:
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
        return contact_or_404(self.kwargs["no"])

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
