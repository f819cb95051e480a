"""The outbox task (Django Tasks, run by ``manage.py db_worker``).

:func:`~interactions.services.outbox.enqueue.deliver_on_commit` enqueues it
after each commit that queued e-mail. A run sends until nothing is due (or
for at most ``RUN_SECONDS``), then, while messages wait for a retry or a
stale claim, enqueues itself again for that moment. Several may run at once.
"""

import time

from django.tasks import task
from django.utils import timezone

from interactions.services.outbox.worker import has_due, next_due_at, run_worker

#: The longest one run keeps a task worker busy before handing over.
RUN_SECONDS = 240


@task()
def send_outbox_task(account: str = "default") -> int:
    """Send the account's due messages; return how many were sent."""
    result = run_worker(
        account=account, until_empty=True, deadline=time.monotonic() + RUN_SECONDS
    )
    due = next_due_at(account)
    if due is not None:
        later = send_outbox_task
        if due > timezone.now() and not has_due(account):
            later = send_outbox_task.using(run_after=due)
        later.enqueue(account=account)
    return result.sent
