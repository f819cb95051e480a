"""``manage.py record_document``: record a document event (DOMAIN §4.6).

For integrations that run a command instead of calling the API. Parses the
arguments, looks up the named rows and calls
:func:`interactions.services.record_document`; nothing else.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Model

from contacts.models import Contact, Salesperson
from interactions.models import Campaign, DocumentType
from interactions.services import record_document
from interactions_crm.platform.validation import command_error


def _lookup[M: Model](
    model: type[M], field: str, value: str | None, option: str
) -> M | None:
    if not value:
        return None
    try:
        return model._default_manager.get(**{field: value})
    except ObjectDoesNotExist as error:
        raise CommandError(
            f"{option}: {model._meta.verbose_name} {value!r} does not exist."
        ) from error


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date: {value!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = (
        "Record a document (quote, invoice, …) as an interaction with the contact "
        "it was sent to. Idempotent per type, number, version and occurrence."
    )

    def create_parser(
        self, prog_name: str, subcommand: str, **kwargs: Any
    ) -> CommandParser:
        # ``--version`` is the document's version number here, not Django's
        # "show version" flag: let our definition replace the base one.
        return super().create_parser(
            prog_name, subcommand, conflict_handler="resolve", **kwargs
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--type",
            required=True,
            choices=DocumentType.values,
            metavar="TYPE",
            help="Document type: " + ", ".join(DocumentType.values),
        )
        parser.add_argument("--no", required=True, help="Document number.")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--contact", help="Contact number.")
        who.add_argument("--customer", help="Customer number (business relation).")
        who.add_argument("--vendor", help="Vendor number (business relation).")
        parser.add_argument("--version", type=int, default=0, help="Version number.")
        parser.add_argument(
            "--occurrence", type=int, default=0, help="Document number occurrence."
        )
        parser.add_argument("--description", default="", help="Description.")
        parser.add_argument("--date", help="Date (YYYY-MM-DD); default today.")
        parser.add_argument("--salesperson", help="Salesperson code.")
        parser.add_argument("--campaign", help="Campaign number.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = record_document(
                actor=None,
                document_type=options["type"],
                document_no=options["no"],
                contact=_lookup(Contact, "no", options["contact"], "--contact"),
                customer_no=options["customer"] or "",
                vendor_no=options["vendor"] or "",
                salesperson=_lookup(
                    Salesperson, "code", options["salesperson"], "--salesperson"
                ),
                campaign=_lookup(Campaign, "no", options["campaign"], "--campaign"),
                description=options["description"],
                date=_date(options["date"]),
                version_no=options["version"],
                doc_occurrence=options["occurrence"],
            )
        except ValidationError as error:
            raise command_error(error) from error
        entry = result.entry
        if not result.recorded or entry is None:
            self.stdout.write(f"Not recorded: {result.reason}")
        elif result.created:
            self.stdout.write(
                self.style.SUCCESS(f"Recorded interaction log entry {entry.entry_no}.")
            )
        else:
            self.stdout.write(
                f"Already recorded as interaction log entry {entry.entry_no}."
            )
