"""Admin actions on contacts for a person's data: export, erase (issue #10 item 6).

Contacts may not import interactions (DESIGN §2), so the actions are added to
contacts' ``ContactAdmin`` from here. Both work on one selected contact:
*export* answers the ZIP; *erase* opens the staff confirmation page, which
names what will be scrubbed and asks for the contact number typed out (one
confirmation flow for every way in).
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from contacts.admin import ContactAdmin
from contacts.models import Contact
from interactions.services.privacy import (
    ERASE_REFUSED,
    EXPORT_REFUSED,
    export_contact_data,
    may_erase_personal_data,
    may_export_personal_data,
)
from interactions.web.privacy import archive_response


def _selected_contact(
    modeladmin: ContactAdmin,
    request: HttpRequest,
    queryset: QuerySet[Contact],
    *,
    allowed: bool,
    refusal: str,
) -> Contact | None:
    """The one selected contact, or ``None`` with a message saying why not."""
    if not allowed:
        modeladmin.message_user(request, refusal, messages.ERROR)
        return None
    contacts = list(queryset[:2])
    if len(contacts) != 1:
        modeladmin.message_user(
            request,
            _("Select exactly one contact: a person's data is handled one at a time."),
            messages.ERROR,
        )
        return None
    return contacts[0]


@admin.action(permissions=["view"], description=_("Export personal data"))
def export_personal_data(
    modeladmin: ContactAdmin, request: HttpRequest, queryset: QuerySet[Contact]
) -> FileResponse | None:
    """Download the selected contact's personal data as a ZIP (audited)."""
    contact = _selected_contact(
        modeladmin,
        request,
        queryset,
        allowed=may_export_personal_data(request.user),
        refusal=str(EXPORT_REFUSED),
    )
    if contact is None:
        return None
    return archive_response(
        contact, export_contact_data(actor=request.user, contact=contact)
    )


@admin.action(permissions=["change"], description=_("Erase personal data…"))
def erase_personal_data(
    modeladmin: ContactAdmin, request: HttpRequest, queryset: QuerySet[Contact]
) -> HttpResponseRedirect | None:
    """Open the erasure confirmation of the selected contact."""
    contact = _selected_contact(
        modeladmin,
        request,
        queryset,
        allowed=may_erase_personal_data(request.user),
        refusal=str(ERASE_REFUSED),
    )
    if contact is None:
        return None
    return redirect("interactions:contact-erase", no=contact.no)


# By name, as ServiceAdmin declares its actions: attached as methods.
for _action in (export_personal_data, erase_personal_data):
    setattr(ContactAdmin, _action.__name__, _action)
ContactAdmin.actions = [
    *(ContactAdmin.actions or []),
    "export_personal_data",
    "erase_personal_data",
]

__all__ = ["erase_personal_data", "export_personal_data"]
