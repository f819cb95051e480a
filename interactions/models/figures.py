"""A contact's figures kept as the log is written (DOMAIN §7; NAV's FlowFields).

NAV answers a contact's "No. of Interactions", "Cost (LCY)", "Duration (Min.)"
and its last dates with FlowFields summed over SIFT (sum-index) totals that
are maintained when ledger entries are posted, so the card never reads every
entry. :class:`ContactFigures` is that maintained total: one row per contact
and *scope*, kept right by :mod:`interactions.services.figures` in the same
transaction as every write that changes what counts, and verified against a
full recount by the ``recount_contact_figures`` command.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact


class FiguresScope(models.TextChoices):
    #: The entries whose contact is this contact (a person's card).
    CONTACT = "contact", _("Contact")
    #: The entries whose contact company is this contact (a company's card:
    #: its own entries and its persons').
    COMPANY = "company", _("Company")


class ContactFigures(models.Model):
    """What ``contact_statistics(contact)`` returns without a date range.

    Over the counted entries (neither canceled nor postponed) with
    ``contact_id`` (scope ``contact``) or ``contact_company_id`` (scope
    ``company``) equal to the contact. Both scopes are kept for every contact
    the entries name, so a contact whose type changes reads the right one
    without a recount. A missing row means no counted entry (zeros).
    """

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        db_index=False,  # the unique constraint starts with it
        on_delete=models.CASCADE,
        related_name="+",
    )
    scope = models.CharField(_("scope"), max_length=10, choices=FiguresScope.choices)
    count = models.BigIntegerField(_("no. of interactions"), default=0)
    cost = models.DecimalField(
        _("cost (LCY)"), default=0, max_digits=24, decimal_places=2
    )
    duration = models.DecimalField(
        _("duration (min.)"), default=0, max_digits=20, decimal_places=2
    )
    last_interaction_date = models.DateField(
        _("date of last interaction"), null=True, blank=True
    )
    last_attempted_date = models.DateField(
        _("last date attempted"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("contact figures")
        verbose_name_plural = _("contact figures")
        constraints = [
            # The key every maintenance upsert names in ON CONFLICT.
            models.UniqueConstraint(
                fields=["contact", "scope"], name="contact_figures_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.scope}: {self.count}"
