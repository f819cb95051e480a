"""Delete canceled interaction log entries page and its job (DOMAIN §6.4)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from interactions.models import InteractionLogEntry
from interactions.services import CanceledEntryFilter, cancel_entries
from interactions.services.jobs import JobKind
from interactions.services.ledger import start_delete_canceled_job
from interactions_crm.platform.models import BackgroundJob
from tests import factories
from tests.conftest import grant
from tests.factories import make_entry
from tests.figures_recount import refigure

PAGE = reverse("interactions:entry-delete-canceled")
DELETE_CANCELED = "interactions.delete_canceled_interactionlogentry"


@pytest.fixture
def administrator(db):
    """Holds the batch job's permission (and may read the log)."""
    user = factories.UserFactory(username="crm-admin")
    grant(user, "interactions.view_interactionlogentry", DELETE_CANCELED)
    return user


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def job_url(job: BackgroundJob, name: str = "job-detail") -> str:
    return reverse(f"interactions:{name}", kwargs={"pk": job.pk})


def previewed(client, data: dict) -> dict:
    """Preview with ``data`` like the page does; the confirm form's fields."""
    response = client.get(PAGE, {"preview": "1", **data})
    assert response.status_code == 200
    return {**data, "intent": response.context["intent"]}


def confirm(client, data: dict, **kwargs):
    """Preview, then press the delete button of the preview."""
    return client.post(PAGE, previewed(client, data), **kwargs)


def run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0
    )


# --- access ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, administrator):
    job = start_delete_canceled_job(actor=administrator, filters=CanceledEntryFilter())
    for response in (client.get(PAGE), client.post(PAGE), client.get(job_url(job))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_staff_without_the_delete_permission_get_403(client, staff_user):
    job = start_delete_canceled_job(actor=None, filters=CanceledEntryFilter())
    client.force_login(staff_user)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE).status_code == 403
    assert client.get(job_url(job)).status_code == 403
    assert client.post(job_url(job, "job-resume")).status_code == 403


@pytest.mark.django_db
def test_wrong_methods_are_refused(admin_client, administrator):
    job = start_delete_canceled_job(actor=administrator, filters=CanceledEntryFilter())
    assert admin_client.put(PAGE).status_code == 405
    assert admin_client.post(job_url(job)).status_code == 405
    assert admin_client.get(job_url(job, "job-resume")).status_code == 405


# --- preview --------------------------------------------------------------------------


@pytest.mark.django_db
def test_preview_counts_matching_canceled_entries_only(admin_client, person):
    template = factories.TemplateFactory(code="CALL")
    make_entry(person, template, canceled=True)
    make_entry(person, template, canceled=True)
    make_entry(person, template)  # active: never counted
    make_entry(canceled=True)  # another template

    response = admin_client.get(PAGE, {"preview": "1", "template": "CALL"})

    html = response.content.decode()
    assert response.context["count"] == 2
    assert "2 entries will be deleted." in html
    assert 'name="template" value="CALL"' in html  # carried to the confirm form
    assert InteractionLogEntry.objects.count() == 4


@pytest.mark.django_db
def test_preview_with_nothing_to_delete_offers_no_button(admin_client):
    make_entry()
    response = admin_client.get(PAGE, {"preview": "1"})
    html = response.content.decode()
    assert "Nothing will be deleted." in html
    assert 'method="post"' not in html.split("Preview</h2>")[1]


@pytest.mark.django_db
def test_preview_refuses_inverted_ranges(admin_client):
    response = admin_client.get(
        PAGE, {"preview": "1", "date_from": "2026-03-02", "date_to": "2026-03-01"}
    )
    assert response.context["count"] is None
    assert "date_to" in response.context["form"].errors


@pytest.mark.django_db
def test_unknown_contact_is_refused_on_its_field(admin_client):
    response = admin_client.get(PAGE, {"preview": "1", "contact": "NOPE"})
    assert "There is no contact matching" in str(response.context["form"].errors)


# --- confirm → job → progress → result ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_confirm_runs_the_job_and_reports_the_result(
    admin_client, administrator, settings
):
    settings.CRM_BACKGROUND_THRESHOLD = 0  # every run is a background job
    make_entry(canceled=True, date=dt.date(2026, 1, 10))
    make_entry(canceled=True, date=dt.date(2026, 2, 10))
    old_active = make_entry(date=dt.date(2026, 1, 11))

    response = confirm(admin_client, {"date_to": "2026-01-31"})

    job = BackgroundJob.objects.get()
    assert response.url == job_url(job)
    assert (job.status, job.total, job.actor) == ("queued", 1, administrator)
    queued = admin_client.get(job_url(job), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in queued
    assert "<progress" in queued

    run_worker()

    page = admin_client.get(job_url(job)).content.decode()
    assert "1 interaction log entry has been deleted." in page
    assert 'hx-trigger="every 1s"' not in page  # finished: polling stops
    assert 'value="100"' in page
    assert set(InteractionLogEntry.objects.values_list("pk", flat=True)) == {
        old_active.pk,
        InteractionLogEntry.objects.get(date=dt.date(2026, 2, 10)).pk,
    }


@pytest.mark.django_db
def test_confirm_of_a_small_run_deletes_at_once(admin_client, settings):
    settings.CRM_BACKGROUND_THRESHOLD = 2
    doomed = [make_entry(canceled=True) for _ in range(2)]
    active = make_entry()

    response = confirm(admin_client, {}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("interactions:entry-list")
    assert "2 interaction log entries have been deleted." in response.content.decode()
    assert not BackgroundJob.objects.exists()
    assert list(InteractionLogEntry.objects.values_list("pk", flat=True)) == [active.pk]
    assert not InteractionLogEntry.objects.filter(
        pk__in=[entry.pk for entry in doomed]
    ).exists()


@pytest.mark.django_db
def test_confirm_above_the_threshold_starts_a_job(admin_client, settings):
    settings.CRM_BACKGROUND_THRESHOLD = 2
    for _ in range(3):
        make_entry(canceled=True)

    response = confirm(admin_client, {})

    job = BackgroundJob.objects.get()
    assert response.url == job_url(job)
    assert (job.kind, job.total) == (JobKind.DELETE_CANCELED_ENTRIES, 3)
    assert InteractionLogEntry.objects.count() == 3  # the worker deletes them


@pytest.mark.django_db
def test_confirm_with_invalid_filters_starts_nothing(admin_client):
    response = admin_client.post(PAGE, {"entry_no_from": "9", "entry_no_to": "2"})
    assert response.status_code == 400
    assert not BackgroundJob.objects.exists()


@pytest.mark.django_db
def test_the_run_deletes_what_the_preview_counted(admin_client, settings):
    """Preview says 2; meanwhile one is un-canceled and a third canceled: the
    run deletes 1, keeps both changed ones and says so."""
    settings.CRM_BACKGROUND_THRESHOLD = 100
    first, second = make_entry(canceled=True), make_entry(canceled=True)
    later = make_entry()
    form = previewed(admin_client, {})
    InteractionLogEntry.objects.filter(pk=second.pk).update(
        canceled=False, canceled_at=None
    )
    refigure(InteractionLogEntry.objects.filter(pk=second.pk))
    later_entry = InteractionLogEntry.objects.get(pk=later.pk)
    cancel_entries(actor=None, entries=[later_entry])

    response = admin_client.post(PAGE, form, follow=True)

    page = response.content.decode()
    assert "1 interaction log entry has been deleted." in page
    assert "1 previewed entry was un-canceled meanwhile and was kept." in page
    assert "1 entry canceled after the preview was left for the next run." in page
    assert set(InteractionLogEntry.objects.values_list("pk", flat=True)) == {
        second.pk,
        later.pk,
    }
    assert not InteractionLogEntry.objects.filter(pk=first.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("intent", ["", "tampered"])
def test_a_run_without_its_preview_deletes_nothing(admin_client, intent):
    make_entry(canceled=True)
    response = admin_client.post(PAGE, {"intent": intent})
    assert response.status_code == 400
    assert "Preview again and confirm" in response.content.decode()
    assert InteractionLogEntry.objects.count() == 1


@pytest.mark.django_db
def test_a_preview_of_other_filters_deletes_nothing(admin_client):
    make_entry(canceled=True, date=dt.date(2026, 1, 10))
    form = previewed(admin_client, {"date_to": "2026-01-31"})
    response = admin_client.post(PAGE, {**form, "date_to": "2026-12-31"})
    assert response.status_code == 400
    assert "The filters differ from the ones the preview counted" in (
        response.content.decode()
    )
    assert InteractionLogEntry.objects.count() == 1


@pytest.mark.django_db
def test_running_job_shows_its_progress(admin_client):
    job = BackgroundJob.objects.create(
        kind=JobKind.DELETE_CANCELED_ENTRIES,
        status=BackgroundJob.Status.RUNNING,
        total=4,
        done=1,
    )
    html = admin_client.get(job_url(job), HTTP_HX_REQUEST="true").content.decode()
    assert 'value="25"' in html
    assert "1 of 4 entries deleted (25 %)" in html


@pytest.mark.django_db
def test_failed_job_can_be_resumed(admin_client):
    job = BackgroundJob.objects.create(
        kind=JobKind.DELETE_CANCELED_ENTRIES,
        status=BackgroundJob.Status.FAILED,
        error="connection lost",
    )
    assert "connection lost" in admin_client.get(job_url(job)).content.decode()

    admin_client.post(job_url(job, "job-resume"))

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.QUEUED


@pytest.mark.django_db
def test_finished_job_cannot_be_resumed(admin_client):
    job = BackgroundJob.objects.create(
        kind=JobKind.DELETE_CANCELED_ENTRIES,
        status=BackgroundJob.Status.SUCCEEDED,
    )
    response = admin_client.post(job_url(job, "job-resume"), follow=True)
    assert (
        "Only a failed, canceled or stalled job can be resumed."
        in response.content.decode()
    )
