"""``manage.py log_segment NO``: log a segment (DOMAIN §5 "Log segment").

Looks up the segment and the acting user and calls
:func:`interactions.services.log_segment`; a refusal is printed field by field
and nothing is written.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interactions.models import Segment
from interactions.selectors.segments import logged_segment_entries
from interactions.services import log_segment
from interactions_crm.platform.validation import command_error


class Command(BaseCommand):
    help = (
        "Log a segment: one interaction log entry per line, all or nothing. "
        "The segment is deleted afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("no", help="Segment number, e.g. SM000001.")
        parser.add_argument(
            "--send",
            action="store_true",
            help="E-mail the lines with e-mail correspondence after logging.",
        )
        parser.add_argument(
            "--follow-up",
            action="store_true",
            help="Create a follow-up segment with the same contacts.",
        )
        parser.add_argument(
            "--user", help="Username logged as the actor (default: system)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        segment = Segment.objects.filter(no=options["no"]).first()
        if segment is None:
            raise CommandError(f"Segment {options['no']!r} does not exist.")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"--user: user {options['user']!r} does not exist.")
        try:
            logged = log_segment(
                segment=segment,
                actor=actor,
                send=options["send"],
                follow_up=options["follow_up"],
            )
        except ValidationError as error:
            raise command_error(
                error, heading=f"Segment {segment.no} was not logged:"
            ) from error
        count = logged_segment_entries(logged).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Segment {logged.segment_no} has been logged: {count} interaction "
                f"log entr{'y' if count == 1 else 'ies'}."
            )
        )
