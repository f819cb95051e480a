"""The one background task (Django Tasks, run by ``manage.py db_worker``).

Every long run is a :class:`~interactions_crm.platform.models.BackgroundJob`;
the task only hands its id to :func:`~interactions_crm.platform.jobs.run_job`,
which finds the runner its app registered for the job's kind.
"""

from django.tasks import task


@task()
def run_job_task(job_id: str) -> int:
    """Run background job ``job_id``; return how many rows it processed."""
    from interactions_crm.platform.jobs import run_job

    return run_job(job_id=job_id).done
