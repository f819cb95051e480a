"""The outbox task (Django Tasks): woken after commit, comes back for retries."""

from django_tasks_db.models import DBTaskResult

from interactions.models import OutboxMessage, OutboxStatus, TemplatePurpose
from interactions.services.outbox.tasks import send_outbox_task
from tests.outbox.support import email_template, queue_email


def test_commit_enqueues_the_task_and_a_run_sends(
    smtp_server, staff_user, salesperson, person, django_capture_on_commit_callbacks
):
    template = email_template(purpose=TemplatePurpose.SERVICE)
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(staff_user, person, template, salesperson)
    assert DBTaskResult.objects.count() == 1

    assert send_outbox_task.call() == 1

    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_a_run_that_leaves_a_retry_comes_back_for_it(
    smtp_server, staff_user, salesperson, person
):
    smtp_server.handler.data_replies = ["451 4.3.0 Try later"]
    queue_email(
        staff_user, person, email_template(purpose=TemplatePurpose.SERVICE), salesperson
    )

    assert send_outbox_task.call() == 0

    message = OutboxMessage.objects.get()
    later = DBTaskResult.objects.get()
    assert message.status == OutboxStatus.QUEUED
    assert later.run_after == message.next_attempt_at
