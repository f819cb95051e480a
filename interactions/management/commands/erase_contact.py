"""``manage.py erase_contact NO [--yes]`` — erase a person's data.

Without ``--yes`` a dry run: prints what would be scrubbed and changes
nothing. With ``--yes`` it erases (issue #10 item 6) and prints the counts;
an erased contact again prints that nothing was left. Refusals (a company
with persons) end with an error and change nothing.
"""

import argparse
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from interactions.management.commands.export_contact_data import (
    actor_by_username,
    contact_by_no,
)
from interactions.services.privacy import (
    describe_counts,
    erase_contact,
    erasure_counts,
)


class Command(BaseCommand):
    help = "Erase one contact's personal data (dry run unless --yes)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("no", help="Contact no.")
        parser.add_argument(
            "--yes", action="store_true", help="Erase; without it, a dry run."
        )
        parser.add_argument("--actor", help="Username recorded as the eraser.")

    def handle(self, *args: Any, **options: Any) -> None:
        contact = contact_by_no(options["no"])
        try:
            if not options["yes"]:
                counts = erasure_counts(contact=contact)
                self.stdout.write(
                    _(
                        "Dry run: erasing %(no)s would scrub %(counts)s. Nothing "
                        "was changed; run again with --yes to erase."
                    )
                    % {"no": contact.no, "counts": describe_counts(counts)}
                )
                return
            result = erase_contact(
                actor=actor_by_username(options["actor"]), contact=contact
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(result.message)
