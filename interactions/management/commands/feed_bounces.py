"""``manage.py feed_bounces PATH``: read bounce messages from a mailbox (§12).

PATH is a Maildir directory or an mbox file, as the bounce address's mail
server delivers them. Each RFC 3464 delivery status notification marks the
message it reports on failed, and a hard bounce suppresses the address.
Other messages are counted and left alone; with ``--delete`` every message
read is removed from the mailbox afterwards.
"""

import mailbox
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interactions.services.outbox.bounces import BounceResult, feed_dsn


class Command(BaseCommand):
    help = "Feed delivery status notifications (bounces) from a Maildir or mbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A Maildir directory or an mbox file.")
        parser.add_argument(
            "--delete", action="store_true", help="Remove the messages read."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        box: mailbox.Mailbox
        if path.is_dir():
            if not (path / "cur").is_dir() or not (path / "new").is_dir():
                raise CommandError(f"{path} is a directory but not a Maildir.")
            box = mailbox.Maildir(path, create=False)
        elif path.is_file():
            box = mailbox.mbox(path, create=False)
        else:
            raise CommandError(f"{path} does not exist.")
        result = BounceResult()
        box.lock()
        try:
            keys = list(box.keys())
            for key in keys:
                feed_dsn(box.get_bytes(key), result=result)
            if options["delete"]:
                for key in keys:
                    box.remove(key)
                box.flush()
        finally:
            box.unlock()
            box.close()
        self.stdout.write(
            f"Read {len(keys)} messages: {result.reports} delivery reports, "
            f"{result.failed} messages failed, {result.suppressed} addresses "
            f"suppressed, {result.unmatched} unmatched, {result.not_dsn} not reports."
        )
