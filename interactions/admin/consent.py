"""Admin actions on contacts for their e-mail consent (DOMAIN §12).

A person may tell staff, not only click a link: "no more marketing e-mail",
or later "I want it again". Contacts may not import interactions (DESIGN §2),
so the actions are added to contacts' ``ContactAdmin`` from here; both go
through the outbox's consent services, which keep the history (when, how, by
whom) and the suppression list in step.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contacts.admin import ContactAdmin
from contacts.models import Contact
from interactions.models import OptOutMethod
from interactions.services.outbox import record_opt_out, withdraw_opt_out


@admin.action(permissions=["change"], description=_("Opt out of marketing e-mail"))
def opt_out_of_marketing_email(
    modeladmin: ContactAdmin, request: HttpRequest, queryset: QuerySet[Contact]
) -> None:
    """Record the selected contacts' opt-out, by this staff member."""
    changed = sum(
        record_opt_out(contact=contact, method=OptOutMethod.STAFF, actor=request.user)
        for contact in queryset.order_by("pk")
    )
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d contact opted out of marketing e-mail.",
            "%(count)d contacts opted out of marketing e-mail.",
            changed,
        )
        % {"count": changed},
        messages.SUCCESS if changed else messages.WARNING,
    )


@admin.action(permissions=["change"], description=_("Withdraw the e-mail opt-out"))
def withdraw_email_opt_out(
    modeladmin: ContactAdmin, request: HttpRequest, queryset: QuerySet[Contact]
) -> None:
    """Marketing e-mail again for the selected contacts that had opted out."""
    opted_out = list(queryset.filter(email_opt_out=True).order_by("pk"))
    for contact in opted_out:
        withdraw_opt_out(contact=contact, actor=request.user)
    skipped = queryset.count() - len(opted_out)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d contact gets marketing e-mail again.",
            "%(count)d contacts get marketing e-mail again.",
            len(opted_out),
        )
        % {"count": len(opted_out)}
        + (
            " "
            + ngettext(
                "%(count)d had not opted out and was left as it was.",
                "%(count)d had not opted out and were left as they were.",
                skipped,
            )
            % {"count": skipped}
            if skipped
            else ""
        ),
        messages.SUCCESS if opted_out else messages.WARNING,
    )


for _action in (opt_out_of_marketing_email, withdraw_email_opt_out):
    setattr(ContactAdmin, _action.__name__, _action)
ContactAdmin.actions = [
    *(ContactAdmin.actions or []),
    "opt_out_of_marketing_email",
    "withdraw_email_opt_out",
]

__all__ = ["opt_out_of_marketing_email", "withdraw_email_opt_out"]
