"""Delete canceled interaction log entries (DOMAIN §6.4): the batch page.

``/interactions/delete-canceled/``: filters → preview count (a dry run of the
service; nothing is written) → confirm → delete. A run over more entries than
``CRM_BACKGROUND_THRESHOLD`` goes to the task worker
(:func:`interactions.services.jobs.runs_in_background`, the decision admin and
API make too) and the user follows it on its job page; a smaller one is done
within the request.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from contacts.lookups import ContactLookupField, SalespersonLookupField
from interactions.models import InteractionGroup
from interactions.services import CanceledEntryFilter, start_delete_canceled_job
from interactions.services.delete_canceled import (
    DeletePreview,
    delete_previewed,
    preview_delete_canceled,
)
from interactions.services.jobs import runs_in_background
from interactions.web.base import DELETE_CANCELED, StaffRequest, StaffView
from interactions.web.fields import DATE_INPUT, code_choice
from interactions.web.lookups import CampaignLookupField, TemplateLookupField
from interactions_crm.platform.forms import add_service_errors
from interactions_crm.platform.lookups import LookupField


class DeleteCanceledForm(forms.Form):
    """The filters of the batch job (DOMAIN §6.4); all optional."""

    entry_no_from = forms.IntegerField(
        label=_("Entry no. from"), min_value=1, required=False
    )
    entry_no_to = forms.IntegerField(
        label=_("Entry no. to"), min_value=1, required=False
    )
    # Typed or chosen from a list; an ambiguous or unknown value is a message
    # on the field, never a silent first match.
    contact = ContactLookupField(label=_("Contact"), required=False)
    date_from = forms.DateField(label=_("Date from"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("Date to"), required=False, widget=DATE_INPUT)
    campaign = CampaignLookupField(label=_("Campaign"), required=False)
    group = code_choice(
        InteractionGroup.objects.all(),
        label=_("Interaction group"),
        empty_label=_("All"),
    )
    template = TemplateLookupField(label=_("Interaction template"), required=False)
    salesperson = SalespersonLookupField(label=_("Salesperson"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("entry_no_from"), data.get("entry_no_to")
        if low and high and low > high:
            self.add_error(
                "entry_no_to", _("The last entry no. must not be below the first.")
            )
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start."))
        return data

    def to_filter(self) -> CanceledEntryFilter:
        """The service's filter object from the cleaned data."""
        data = self.cleaned_data
        return CanceledEntryFilter(
            entry_no_from=data.get("entry_no_from"),
            entry_no_to=data.get("entry_no_to"),
            contact=data.get("contact"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            campaign=data.get("campaign"),
            group=data.get("group"),
            template=data.get("template"),
            salesperson=data.get("salesperson"),
        )

    def confirmed_values(self) -> list[tuple[str, Any]]:
        """The previewed filters as the confirmation posts them back.

        Looked-up records travel as their keys, so the run deletes what the
        preview resolved, not what the typed text might resolve to later.
        """
        return [
            (
                self[name].html_name,
                field.prepare_value(self.cleaned_data.get(name))
                if isinstance(field, LookupField)
                else self[name].value(),
            )
            for name, field in self.fields.items()
        ]

    def has_filters(self) -> bool:
        return any(value not in (None, "") for value in self.cleaned_data.values())


class DeleteCanceledView(StaffView):
    """Filters → preview count (dry run) → confirm → delete now or as a job.

    The preview's bound (its count, highest entry number and time) travels
    with the confirmation as a signed token; the run deletes exactly what the
    preview counted and says what differed (DOMAIN §6.4).
    """

    permission_required = DELETE_CANCELED
    http_method_names = ["get", "post"]
    template_name = "interactions/delete_canceled.html"

    def get(self, request: StaffRequest) -> HttpResponse:
        previewing = "preview" in request.GET
        form = DeleteCanceledForm(request.GET if previewing else None)
        count, review_url, token = None, "", ""
        if previewing and form.is_valid():
            filters = form.to_filter()
            try:
                preview = preview_delete_canceled(filters=filters)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                count, token = preview.count, preview.seal(filters)
                # The log's FilterSet uses the same names and business keys.
                review_url = "{}?{}".format(
                    reverse("interactions:entry-list"),
                    urlencode({"canceled": "true", **filters.describe()}),
                )
        return render(
            request,
            self.template_name,
            {"form": form, "count": count, "review_url": review_url, "intent": token},
        )

    def post(self, request: StaffRequest) -> HttpResponse:
        form = DeleteCanceledForm(request.POST)
        if form.is_valid():
            filters = form.to_filter()
            try:
                preview = DeletePreview.unseal(
                    request.POST.get("intent", ""), filters=filters
                )
                if runs_in_background(preview.count):
                    job = start_delete_canceled_job(
                        actor=request.user, filters=filters, preview=preview
                    )
                    messages.info(
                        request,
                        _("Deleting canceled interaction log entries has started."),
                    )
                    return redirect("interactions:job-detail", pk=job.pk)
                outcome = delete_previewed(
                    actor=request.user, filters=filters, preview=preview
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                first, *differences = outcome.messages()
                messages.success(request, first)
                for line in differences:
                    messages.warning(request, line)
                return redirect("interactions:entry-list")
        return render(
            request, self.template_name, {"form": form, "count": None}, status=400
        )
