"""The contacts app's pages: list, create, edit.

The card (``<no>/``) and its actions show the contact's interactions, so they
are routed from :mod:`interactions.web.contact_card.urls`; the project's
URLconf puts both lists under ``/contacts/`` in the ``contacts`` namespace.
"""

from django.urls import path

from contacts import lookups, views

app_name = "contacts"

urlpatterns = [
    path("", views.ContactListView.as_view(), name="contact-list"),
    path("new/", views.ContactCreateView.as_view(), name="contact-create"),
    path("<str:no>/edit/", views.ContactUpdateView.as_view(), name="contact-update"),
    path("lookup/", lookups.ContactLookupView.as_view(), name="contact-lookup"),
    path(
        "salespeople/lookup/",
        lookups.SalespersonLookupView.as_view(),
        name="salesperson-lookup",
    ),
]
