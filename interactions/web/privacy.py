"""A person's data (issue #10 item 6): ``/contacts/<no>/personal-data/``.

The page shows what we hold and what an erasure would scrub. Two actions:
download the export (a POST: every export is audited, so a GET changes
nothing), and erase after a confirmation that names the counts and asks for
the contact number typed out. The confirmation carries the counts it showed;
if they changed meanwhile the erasure is refused and the page shows the new
ones (it never erases more than was confirmed).

Access: staff status plus model permissions (``may_export_personal_data``,
``may_erase_personal_data`` in :mod:`interactions.services.privacy`), no
custom permission (that would need a migration).
"""

import io
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from interactions.services.privacy import (
    archive_name,
    erase_contact,
    erasure_counts,
    export_contact_data,
    labelled_counts,
    may_erase_personal_data,
    may_export_personal_data,
)
from interactions.web.base import StaffRequest, StaffView
from interactions_crm.platform.forms import add_service_errors

CONFIRM_TEMPLATE = "interactions/privacy_erase.html"


def archive_response(contact: Contact, data: bytes) -> FileResponse:
    """The ZIP as a download (streamed from memory)."""
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=archive_name(contact),
        content_type="application/zip",
    )


class EraseForm(forms.Form):
    """Type the contact number; ``counts`` is what the confirmation showed."""

    confirm = forms.CharField(
        label=_("Type the contact number to confirm"), max_length=20
    )
    counts = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, contact: Contact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contact = contact

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"].strip()
        if value != self.contact.no:
            raise ValidationError(
                _("Type %(no)s exactly to confirm the erasure.")
                % {"no": self.contact.no}
            )
        return value

    def clean_counts(self) -> dict[str, int]:
        try:
            counts = json.loads(self.cleaned_data["counts"])
        except ValueError:
            counts = None
        if not isinstance(counts, dict) or not all(
            isinstance(value, int) for value in counts.values()
        ):
            raise ValidationError(
                _("The confirmation is incomplete; open the erasure page again.")
            )
        return counts


class _ContactView(StaffView):
    """A page about one contact; ``allowed`` decides access (403 otherwise)."""

    def allowed(self) -> bool:
        raise NotImplementedError

    def has_permission(self) -> bool:
        return self.allowed()

    def contact(self, no: str) -> Contact:
        return get_object_or_404(Contact.objects.select_related("company"), no=no)


class PersonalDataView(_ContactView):
    """What we hold about the contact, the export, and the way to erasure."""

    http_method_names = ["get", "head"]

    def allowed(self) -> bool:
        return may_export_personal_data(self.request.user)

    def get(self, request: StaffRequest, no: str) -> HttpResponse:
        contact = self.contact(no)
        try:
            counts, refusal = erasure_counts(contact=contact), ""
        except ValidationError as error:
            counts, refusal = {}, " ".join(error.messages)
        return render(
            request,
            "interactions/privacy_data.html",
            {
                "contact": contact,
                "counts": labelled_counts(counts),
                "refusal": refusal,
                "can_erase": may_erase_personal_data(request.user),
            },
        )


class PersonalDataExportView(_ContactView):
    """Download the export (POST: it is audited)."""

    http_method_names = ["post"]

    def allowed(self) -> bool:
        return may_export_personal_data(self.request.user)

    def post(self, request: StaffRequest, no: str) -> FileResponse:
        contact = self.contact(no)
        return archive_response(
            contact, export_contact_data(actor=request.user, contact=contact)
        )


class ContactEraseView(_ContactView):
    """Confirm (GET shows the counts) and erase (POST)."""

    http_method_names = ["get", "head", "post"]

    def allowed(self) -> bool:
        return may_erase_personal_data(self.request.user)

    def _page(
        self, request: StaffRequest, contact: Contact, form: EraseForm | None = None
    ) -> HttpResponse:
        refusal = ""
        try:
            counts = erasure_counts(contact=contact)
        except ValidationError as error:
            counts, refusal = {}, " ".join(error.messages)
        form = form or EraseForm(contact=contact)
        # The counts shown now are the ones a submit confirms.
        if form.is_bound:
            form.data = {**form.data, "counts": json.dumps(counts)}
        else:
            form.initial["counts"] = json.dumps(counts)
        return render(
            request,
            CONFIRM_TEMPLATE,
            {
                "contact": contact,
                "form": form,
                "counts": labelled_counts(counts),
                "nothing_left": not refusal and not any(counts.values()),
                "refusal": refusal,
            },
        )

    def get(self, request: StaffRequest, no: str) -> HttpResponse:
        return self._page(request, self.contact(no))

    def post(self, request: StaffRequest, no: str) -> HttpResponse:
        contact = self.contact(no)
        form = EraseForm(request.POST, contact=contact)
        if form.is_valid():
            try:
                result = erase_contact(
                    actor=request.user,
                    contact=contact,
                    expected_counts=form.cleaned_data["counts"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, result.message)
                return redirect("contacts:contact-detail", no=contact.no)
        return self._page(request, contact, form)
