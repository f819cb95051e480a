from django.views.generic import DetailView

from contacts.models import Contact


class ContactDetailView(DetailView):
    model = Contact
    slug_field = "no"
    slug_url_kwarg = "no"
