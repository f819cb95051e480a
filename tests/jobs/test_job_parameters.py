"""The job page shows the filters and options a job ran with, labelled.

Issue #13 item 5: labels as on the page that started the job, never the JSON
keys the job stores; values in the user's language and date format.
"""

import datetime as dt

import pytest
from django.urls import reverse

from interactions.services import CanceledEntryFilter
from interactions.services.jobs import JobKind
from interactions.services.ledger import start_delete_canceled_job
from interactions_crm.platform.models import BackgroundJob
from tests import factories
from tests.conftest import grant

pytestmark = pytest.mark.django_db

DELETE_CANCELED = "interactions.delete_canceled_interactionlogentry"
RAW_KEYS = ("date_from", "date_to", "entry_no_from", "segment_no", "follow_up")


@pytest.fixture
def administrator(db, settings):
    settings.TASKS_BACKEND = "django.tasks.backends.dummy.DummyBackend"
    user = factories.UserFactory(username="crm-admin", is_superuser=True)
    grant(user, "interactions.view_interactionlogentry", DELETE_CANCELED)
    return user


def job_page(client, job: BackgroundJob, language: str = "en") -> str:
    client.cookies["django_language"] = language
    response = client.get(reverse("interactions:job-detail", kwargs={"pk": job.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_a_delete_canceled_job_shows_its_filters_labelled(client, administrator):
    client.force_login(administrator)
    contact = factories.CompanyFactory(name="Lund Trading AS")
    template = factories.TemplateFactory(code="VISIT", description="Customer visit")
    job = start_delete_canceled_job(
        actor=administrator,
        filters=CanceledEntryFilter(
            contact=contact,
            date_from=dt.date(2026, 1, 2),
            date_to=dt.date(2026, 3, 4),
            template=template,
            entry_no_from=5,
        ),
    )

    page = job_page(client, job)

    assert "Run with" in page
    for label, value in (
        ("Contact", f"{contact.no} Lund Trading AS"),
        ("Date from", "2026-01-02"),
        ("Date to", "2026-03-04"),
        ("Interaction template", "VISIT – Customer visit"),
        ("Entry no. from", "5"),
        ("Entries counted in the preview", "0"),
    ):
        assert f"<dt>{label}</dt>\n    <dd>{value}</dd>" in page, label
    # Labels, never the JSON keys the job stores.
    assert not any(key in page for key in RAW_KEYS), job.params
    assert "<dt>Campaign</dt>" not in page  # a filter not set is not listed


def test_the_filters_are_labelled_in_norwegian(client, administrator):
    client.force_login(administrator)
    contact = factories.CompanyFactory(name="Lund Trading AS")
    job = start_delete_canceled_job(
        actor=administrator,
        filters=CanceledEntryFilter(contact=contact, date_from=dt.date(2026, 1, 2)),
    )

    page = job_page(client, job, "nb")

    assert "Kjørt med" in page
    assert "<dt>Poster telt i forhåndsvisningen</dt>" in page
    assert "<dt>Kontakt</dt>" in page
    assert "<dt>Dato fra</dt>" in page
    assert "02.01.2026" in page
    assert "<dt>Contact</dt>" not in page and "Date from" not in page


def test_a_job_without_filters_says_so(client, administrator):
    client.force_login(administrator)
    job = start_delete_canceled_job(actor=administrator, filters=CanceledEntryFilter())

    page = job_page(client, job)

    none = "None: every canceled entry that is not postponed."
    assert f"<dt>Filters</dt>\n    <dd>{none}</dd>" in page
    assert "<dt>Entries counted in the preview</dt>" in page


def test_a_filter_whose_contact_was_deleted_is_shown_as_stored(client, administrator):
    client.force_login(administrator)
    job = BackgroundJob.objects.create(
        kind=JobKind.DELETE_CANCELED_ENTRIES,
        actor=administrator,
        params={"contact": 987654},
    )

    page = job_page(client, job)

    assert "<dt>Contact</dt>\n    <dd>987654 (no longer exists)</dd>" in page


def test_a_log_segment_job_shows_its_segment_and_options(client, administrator):
    client.force_login(administrator)
    job = BackgroundJob.objects.create(
        kind=JobKind.LOG_SEGMENT,
        actor=administrator,
        params={"segment_no": "SM000042", "send": True, "follow_up": False},
    )

    page = job_page(client, job)

    segment_url = reverse("interactions:segment-detail", args=["SM000042"])
    assert f'<dd><a href="{segment_url}">SM000042</a></dd>' in page
    assert "<dt>Send attachments</dt>\n    <dd>yes</dd>" in page
    assert "<dt>Create follow-up segment</dt>\n    <dd>no</dd>" in page
    assert not any(key in page for key in RAW_KEYS)
