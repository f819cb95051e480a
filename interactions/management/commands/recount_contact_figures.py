"""``manage.py recount_contact_figures [--check]`` — verify the card's figures.

Compares every maintained :class:`~interactions.models.ContactFigures` row
with a full recount of the counted entries (DOMAIN §7). With ``--check`` it
lists the contacts that differ and exits 1 when any does, changing nothing;
without, it recounts exactly those rows (in one transaction) and says how
many it repaired.
"""

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from contacts.models import Contact
from interactions.services import figures


class Command(BaseCommand):
    help = "Compare the contacts' maintained figures with a recount (repair them)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report the differing contacts; exit 1 if there are any.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            differing = figures.differences()
            numbers = dict(
                Contact.objects.filter(
                    pk__in={contact_id for contact_id, _scope in differing}
                ).values_list("pk", "no")
            )
            for (contact_id, scope), (stored, recounted) in differing.items():
                self.stdout.write(
                    _("%(no)s (%(scope)s): stored %(stored)s, recounted %(recounted)s")
                    % {
                        "no": numbers.get(contact_id, contact_id),
                        "scope": scope,
                        "stored": _describe(stored),
                        "recounted": _describe(recounted),
                    }
                )
            if options["check"]:
                if differing:
                    self.stderr.write(
                        _("%(count)d contact figures differ from a recount.")
                        % {"count": len(differing)}
                    )
                    sys.exit(1)
                self.stdout.write(_("The contact figures agree with a recount."))
                return
            figures.repair(differing)
        self.stdout.write(
            _("%(count)d contact figures recounted.") % {"count": len(differing)}
        )


def _describe(values: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value}" for name, value in values.items())
