"""``manage.py send_outbox``: an outbox worker (DOMAIN §12).

Claims due messages of a sending account and sends them, for ever (polling)
or, with ``--until-empty``, until nothing is due. Several may run at once,
on one or more machines: claims never overlap, and a worker that dies is
taken over after ``CRM_OUTBOX_CLAIM_TIMEOUT``. The Django task
``send_outbox_task`` (run by ``db_worker``) does the same after each commit.
"""

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interactions.services.outbox.worker import per_minute, run_worker, worker_name


class Command(BaseCommand):
    help = "Send queued e-mail from the outbox (a worker; several may run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", default="default", help="MAILERS alias.")
        parser.add_argument(
            "--until-empty",
            action="store_true",
            help="Stop when no message is due instead of polling for more.",
        )
        parser.add_argument(
            "--poll", type=float, default=2.0, help="Seconds between empty rounds."
        )
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument("--worker-id", default="", help="Claim mark (logs).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            per_minute(options["account"])
        except Exception as error:
            raise CommandError(str(error)) from error
        stop = {"now": False}

        def _stop(signum: int, frame: object) -> None:
            stop["now"] = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        worker = options["worker_id"] or worker_name()
        totals = [0, 0, 0]
        while not stop["now"]:
            # Short runs, so a SIGTERM ends the worker between messages.
            result = run_worker(
                account=options["account"],
                worker=worker,
                until_empty=True,
                batch_size=options["batch_size"],
                deadline=time.monotonic() + 5,
            )
            totals = [
                totals[0] + result.sent,
                totals[1] + result.retried,
                totals[2] + result.failed,
            ]
            if options["until_empty"] and result.claimed == 0:
                break
            if result.claimed == 0:
                time.sleep(options["poll"])
        self.stdout.write(
            f"Sent {totals[0]}, retried {totals[1]}, failed {totals[2]} ({worker})."
        )
