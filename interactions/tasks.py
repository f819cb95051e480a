"""Background tasks (Django Tasks, run by ``manage.py db_worker``).

Tasks are thin: they take plain JSON arguments and call one service. Services
import this module to enqueue, so the service is imported when the task runs.
"""

from django.tasks import task


@task()
def delete_canceled_entries_task(job_id: str) -> int:
    """Run the delete-canceled-entries job ``job_id``; return how many it deleted.

    Queued by ``start_delete_canceled_job``; progress and the result message
    are written to the ``BackgroundJob`` row.
    """
    from interactions.services.ledger import run_delete_canceled_job

    job = run_delete_canceled_job(job_id=job_id)
    return job.done


@task()
def log_segment_task(job_id: str) -> int:
    """Run the log-segment job ``job_id``; return how many entries it created.

    Queued by ``start_log_segment_job`` for segments too large to log within a
    request; the result message is written to the ``BackgroundJob`` row.
    """
    from interactions.services.segments import run_log_segment_job

    job = run_log_segment_job(job_id=job_id)
    return job.done
