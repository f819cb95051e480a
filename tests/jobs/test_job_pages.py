"""A job's true state, resume and cancel: API ``jobs/{id}/`` and the staff page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.services.jobs import JobKind
from interactions_crm.platform.models import BackgroundJob
from tests import factories
from tests.api.conftest import token_client
from tests.conftest import grant

pytestmark = pytest.mark.django_db

KIND = JobKind.DELETE_CANCELED_ENTRIES
DELETE_CANCELED = "interactions.delete_canceled_interactionlogentry"


def make_job(actor, *, status: str, beat_ago: float = 0, attempts: int = 1):
    return BackgroundJob.objects.create(
        kind=KIND,
        actor=actor,
        status=status,
        total=10,
        done=4,
        attempts=attempts,
        heartbeat_at=timezone.now() - dt.timedelta(seconds=beat_ago),
    )


@pytest.fixture
def stale_after(settings):
    settings.CRM_JOB_STALE_AFTER = 60
    return 60


@pytest.mark.parametrize(
    ("status", "beat_ago", "attempts", "state"),
    [
        ("running", 1, 1, "running"),
        ("running", 120, 1, "stalled"),
        ("running", 1, 3, "resumed"),
        ("failed", 1, 1, "failed"),
        ("canceled", 1, 1, "canceled"),
    ],
)
def test_the_api_shows_the_true_state(
    staff_user, stale_after, status, beat_ago, attempts, state
):
    job = make_job(staff_user, status=status, beat_ago=beat_ago, attempts=attempts)
    body = token_client(staff_user).get(f"/api/v1/jobs/{job.pk}/").json()
    assert (body["status"], body["state"], body["attempts"]) == (
        status,
        state,
        attempts,
    )


def test_the_api_resumes_a_stalled_job(staff_user, stale_after):
    job = make_job(staff_user, status="running", beat_ago=120)

    response = token_client(staff_user).post(f"/api/v1/jobs/{job.pk}/resume/")

    assert response.status_code == 202
    assert response["Location"].endswith(f"/api/v1/jobs/{job.pk}/")
    assert response.json()["status"] == "queued"


def test_the_api_refuses_to_resume_a_live_job_with_409(staff_user, stale_after):
    job = make_job(staff_user, status="running", beat_ago=1)

    response = token_client(staff_user).post(f"/api/v1/jobs/{job.pk}/resume/")

    assert response.status_code == 409
    assert response.json() == {
        "status": ["Only a failed, canceled or stalled job can be resumed."]
    }


def test_the_api_cancels_a_running_job_and_refuses_a_finished_one(
    staff_user, stale_after
):
    job = make_job(staff_user, status="running")
    client = token_client(staff_user)

    canceled = client.post(f"/api/v1/jobs/{job.pk}/cancel/")
    again = client.post(f"/api/v1/jobs/{job.pk}/cancel/")

    assert canceled.status_code == 200
    assert (canceled.json()["status"], canceled.json()["done"]) == ("canceled", 4)
    assert again.status_code == 409
    assert again.json() == {"status": ["Only a queued or running job can be canceled."]}


def test_only_the_starter_or_a_job_manager_may_change_a_job(staff_user, stale_after):
    job = make_job(staff_user, status="running")
    viewer = factories.UserFactory(username="viewer")
    grant(viewer, "platform.view_backgroundjob")

    response = token_client(viewer).post(f"/api/v1/jobs/{job.pk}/cancel/")

    assert response.status_code == 403
    job.refresh_from_db()
    assert job.status == "running"


def test_a_vanished_job_is_404_json(staff_user):
    job = make_job(staff_user, status="failed")
    job_id = job.pk
    job.delete()
    response = token_client(staff_user).post(f"/api/v1/jobs/{job_id}/resume/")
    assert response.status_code == 404
    assert "detail" in response.json()


# --- the staff page -----------------------------------------------------------------


@pytest.fixture
def administrator(db):
    user = factories.UserFactory(username="crm-admin")
    grant(user, "interactions.view_interactionlogentry", DELETE_CANCELED)
    return user


def page_url(job, name: str = "job-detail") -> str:
    return reverse(f"interactions:{name}", kwargs={"pk": job.pk})


def test_the_page_shows_a_stalled_job_and_offers_resume(
    client, administrator, stale_after
):
    client.force_login(administrator)
    job = make_job(administrator, status="running", beat_ago=120, attempts=2)

    page = client.get(page_url(job)).content.decode()

    assert 'data-state="stalled"' in page
    assert "The next worker resumes it by itself" in page
    assert page_url(job, "job-resume") in page
    assert "resumed 1 time after an interruption" in page

    client.post(page_url(job, "job-resume"))
    job.refresh_from_db()
    assert job.status == "queued"


def test_the_page_cancels_a_running_job(client, administrator, stale_after):
    client.force_login(administrator)
    job = make_job(administrator, status="running")
    assert page_url(job, "job-cancel") in client.get(page_url(job)).content.decode()

    response = client.post(page_url(job, "job-cancel"), follow=True)

    job.refresh_from_db()
    assert job.status == "canceled"
    page = response.content.decode()
    assert "The job was canceled." in page
    assert page_url(job, "job-resume") in page


def test_canceling_a_finished_job_says_why(client, administrator):
    client.force_login(administrator)
    job = make_job(administrator, status="succeeded")
    response = client.post(page_url(job, "job-cancel"), follow=True)
    assert "Only a queued or running job can be canceled." in response.content.decode()
