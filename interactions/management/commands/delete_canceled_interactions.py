"""``manage.py delete_canceled_interactions`` — the batch job on the command line.

Same filters as the staff page, by business key. Shows how many canceled
entries match, asks before deleting (unless ``--no-input``), reports progress
per batch and ends with NAV's result message. Only canceled entries are ever
deleted (DOMAIN §6.4).
"""

import argparse
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interactions.services.delete_canceled import (
    CanceledEntryFilter,
    delete_canceled_entries,
    deleted_message,
)
from interactions_crm.platform.validation import command_error

# Command option -> CanceledEntryFilter field.
OPTION_FILTERS = {
    "from_entry": "entry_no_from",
    "to_entry": "entry_no_to",
    "contact": "contact",
    "date_from": "date_from",
    "date_to": "date_to",
    "campaign": "campaign",
    "group": "group",
    "template": "template",
    "salesperson": "salesperson",
}


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}
        ) from exc


class Command(BaseCommand):
    help = "Delete canceled interaction log entries (only canceled ones, ever)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--from-entry", type=int, help="First entry no.")
        parser.add_argument("--to-entry", type=int, help="Last entry no.")
        parser.add_argument("--contact", help="Contact no.")
        parser.add_argument("--date-from", type=iso_date, help="YYYY-MM-DD")
        parser.add_argument("--date-to", type=iso_date, help="YYYY-MM-DD")
        parser.add_argument("--campaign", help="Campaign no.")
        parser.add_argument("--group", help="Interaction group code")
        parser.add_argument("--template", help="Interaction template code")
        parser.add_argument("--salesperson", help="Salesperson code")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only show how many entries would be deleted.",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            filters = CanceledEntryFilter.from_business_keys(
                **{field: options[option] for option, field in OPTION_FILTERS.items()}
            )
            matching = delete_canceled_entries(
                actor=None, filters=filters, dry_run=True
            )
        except ValidationError as exc:
            raise command_error(exc) from exc

        self.stdout.write(
            ngettext(
                "%(count)d canceled interaction log entry matches the filters.",
                "%(count)d canceled interaction log entries match the filters.",
                matching,
            )
            % {"count": matching}
        )
        if options["dry_run"] or not matching:
            return
        if options["interactive"]:
            answer = input(_("Delete them? Type 'yes' to continue: "))
            if answer.strip().lower() != "yes":
                raise CommandError(_("Nothing was deleted."))

        def progress(done: int, total: int) -> None:
            self.stdout.write(
                _("Deleted %(done)d of %(total)d …") % {"done": done, "total": total}
            )

        try:
            count = delete_canceled_entries(
                actor=None, filters=filters, progress=progress
            )
        except ValidationError as exc:
            raise command_error(exc) from exc
        self.stdout.write(self.style.SUCCESS(deleted_message(count)))
