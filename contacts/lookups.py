"""Lookups of contacts and salespeople: form fields and their JSON endpoints.

The rule (exact key, else a unique name, else a message naming the candidates)
is :mod:`interactions_crm.platform.lookups`; this module says where contacts
and salespeople are found and how they read. The endpoints need a signed-in
user with the model's view permission (``LoginRequiredMiddleware`` sends
anonymous users to the login page; a user without it gets 403).
"""

from typing import Any

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import View

from contacts.models import Contact, Salesperson
from interactions_crm.platform.lookups import LookupField, LookupSource, lookup_json


def _contacts() -> QuerySet[Contact]:
    return Contact.objects.select_related("company")


def _contact_detail(contact: Contact) -> str:
    parts = [contact.no]
    if not contact.is_company and contact.company_name:
        parts.append(contact.company_name)
    if contact.city:
        parts.append(contact.city)
    if contact.privacy_blocked:
        parts.append(str(_("privacy blocked")))
    return " · ".join(parts)


def _salesperson_detail(salesperson: Salesperson) -> str:
    if salesperson.blocked:
        return f"{salesperson.code} · {_('blocked')}"
    return salesperson.code


CONTACTS = LookupSource(
    rows=_contacts,
    key="no",
    name="name",
    url_name="contacts:contact-lookup",
    detail=_contact_detail,
)
SALESPEOPLE = LookupSource(
    rows=Salesperson.objects.all,
    key="code",
    name="name",
    url_name="contacts:salesperson-lookup",
    detail=_salesperson_detail,
)


class ContactLookupField(LookupField):
    """A contact typed as its no. or (part of) its name."""

    source = CONTACTS
    default_error_messages = {
        "ambiguous": _(
            "“%(value)s” matches several contacts: %(candidates)s. Choose one "
            "from the list or type its contact no."
        ),
        "not_found": _("There is no contact matching “%(value)s”."),
    }


class SalespersonLookupField(LookupField):
    """A salesperson typed as its code or (part of) its name."""

    source = SALESPEOPLE
    default_error_messages = {
        "ambiguous": _(
            "“%(value)s” matches several salespeople: %(candidates)s. Choose one "
            "from the list or type its code."
        ),
        "not_found": _("There is no salesperson with the code or name “%(value)s”."),
    }


class LookupView(PermissionRequiredMixin, View):
    """GET ``?q=``: the first matches of ``source`` as JSON."""

    raise_exception = True
    http_method_names = ["get"]
    source: LookupSource

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        return lookup_json(request, self.source)


class ContactLookupView(LookupView):
    permission_required = "contacts.view_contact"
    source = CONTACTS


class SalespersonLookupView(LookupView):
    permission_required = "contacts.view_salesperson"
    source = SALESPEOPLE
