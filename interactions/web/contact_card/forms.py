"""Forms of the contact card's interaction actions: shape and field validation only.

The views hand ``cleaned_data`` to the services (``record_phone_call``,
``record_email_sent``, ``add_contact_to_segment``), which own the rules and
report violations per field.
"""

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from interactions.models import Segment


def _yes(value: Any) -> bool:
    return bool(value == "yes")


class PhoneCallForm(forms.Form):
    """Make phone call: records an outgoing-call interaction (DOMAIN §4.6)."""

    successful = forms.TypedChoiceField(
        label=_("Was the call successful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=_yes,
        widget=forms.RadioSelect,
        initial="yes",
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=100,
        required=False,
        help_text=_("Leave blank to use the template's description."),
    )

    prefix = "call"


class EmailForm(forms.Form):
    """Send e-mail: sends the message and records an e-mail interaction."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))

    prefix = "email"


class FetchedChoiceIterator(ModelChoiceIterator):
    """The choices from one plain ``SELECT`` of the whole (short) list.

    Django's iterator streams the rows with ``QuerySet.iterator()``, which on
    PostgreSQL is a server-side cursor: ``DECLARE … WITH HOLD``, ``FETCH`` and
    ``CLOSE``, three round trips for a handful of rows on every card.
    """

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class FetchedModelChoiceField(forms.ModelChoiceField):
    iterator = FetchedChoiceIterator


class AddToSegmentForm(forms.Form):
    """Add the contact to one of the segments that are not logged yet."""

    segment = FetchedModelChoiceField(
        label=_("Segment"),
        queryset=Segment.objects.order_by("-no"),
        to_field_name="no",
        empty_label=_("Choose a segment…"),
    )

    prefix = "segment"
