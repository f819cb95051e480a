"""Logging a segment from admin: now, or as a job when the segment is large.

``runs_in_background`` (setting ``CRM_BACKGROUND_THRESHOLD``) decides, as it
does for the staff pages and the API.
"""

import pytest
from django.urls import reverse

from interactions.models import LoggedSegment, Segment
from interactions.services.segments import add_contacts, create_segment
from interactions_crm.platform.models import BackgroundJob
from tests import factories
from tests.admin.support import message_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def segment(admin_user, salesperson, template):
    """A segment of two contacts (a company and its person)."""
    person = factories.PersonFactory()
    segment = create_segment(
        actor=admin_user,
        description="Trade show",
        template=template,
        salesperson=salesperson,
    )
    add_contacts(
        segment=segment,
        actor=admin_user,
        criteria={"company": person.company.no},
    )
    assert segment.lines.count() == 2
    return segment


def test_log_page_logs_a_small_segment_now(admin_client, segment):
    response = admin_client.post(
        reverse("admin:interactions_segment_log", args=[segment.pk]), {}, follow=True
    )

    assert f"Segment {segment.no} has been logged." in message_texts(response)
    assert LoggedSegment.objects.get().segment_no == segment.no
    assert not BackgroundJob.objects.exists()


def test_log_page_starts_a_job_for_a_large_segment(admin_client, segment, settings):
    settings.CRM_BACKGROUND_THRESHOLD = 1

    response = admin_client.post(
        reverse("admin:interactions_segment_log", args=[segment.pk]),
        {"follow_up": "on"},
        follow=True,
    )

    job = BackgroundJob.objects.get()
    assert (job.kind, job.total) == ("log_segment", 2)
    assert job.params == {"segment_no": segment.no, "send": False, "follow_up": True}
    assert any(
        "being logged in the background" in text
        and reverse("admin:platform_backgroundjob_change", args=[job.pk]) in text
        for text in message_texts(response)
    )
    assert Segment.objects.filter(pk=segment.pk).exists()
    assert not LoggedSegment.objects.exists()


def test_log_action_starts_a_job_for_a_large_segment(admin_client, segment, settings):
    settings.CRM_BACKGROUND_THRESHOLD = 1

    response = admin_client.post(
        reverse("admin:interactions_segment_changelist"),
        {"action": "log_action", "_selected_action": [segment.pk]},
        follow=True,
    )

    assert BackgroundJob.objects.get().kind == "log_segment"
    texts = message_texts(response)
    assert any("being logged in the background" in text for text in texts)
    assert "1 segment was processed." in texts
    assert not LoggedSegment.objects.exists()


def test_log_action_logs_a_small_segment_now(admin_client, segment):
    admin_client.post(
        reverse("admin:interactions_segment_changelist"),
        {"action": "log_action", "_selected_action": [segment.pk]},
    )

    assert LoggedSegment.objects.get().segment_no == segment.no
    assert not BackgroundJob.objects.exists()
