"""The ``log_segment`` command and the demo segments."""

import io

import pytest
from django.core.management import CommandError, call_command

from interactions import services
from interactions.demo_segments import DEMO_SEGMENTS, seed_segments
from interactions.models import InteractionLogEntry, LoggedSegment, Segment
from tests.segments.conftest import line_nos


@pytest.fixture
def segment(crm, staff_user):
    segment = services.create_segment(
        actor=staff_user, description="Command", template=crm.template
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"company": crm.fjord.no}
    )
    return segment


def test_command_logs_segment_with_follow_up(segment, staff_user):
    out = io.StringIO()
    call_command(
        "log_segment", segment.no, "--follow-up", "--user", "staff", stdout=out
    )
    assert f"Segment {segment.no} has been logged: 3 interaction" in out.getvalue()
    logged = LoggedSegment.objects.get()
    assert logged.logged_by == staff_user
    assert Segment.objects.get().description == f"Follow-up on segment {segment.no}"


def test_command_refusal_writes_nothing(segment, crm):
    crm.ola.privacy_blocked = True
    crm.ola.save()
    with pytest.raises(CommandError) as error:
        call_command("log_segment", segment.no)
    assert "privacy blocked" in str(error.value)
    assert crm.ola.no in str(error.value)
    assert not InteractionLogEntry.objects.exists()
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_command_unknown_segment_or_user(segment):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("log_segment", "SM999999")
    with pytest.raises(CommandError, match="--user"):
        call_command("log_segment", segment.no, "--user", "nobody")
    assert not LoggedSegment.objects.exists()


@pytest.fixture
def demo_data(db):
    """The demo's master data and contacts, made by the demo's own steps.

    (The year of interactions is left out: segments do not need it, and
    ``tests/test_seed_demo.py`` runs the whole seed.)
    """
    import random

    from django.utils import timezone

    from interactions import demo

    user = demo._demo_user()
    codes = demo._master_data()
    salespeople = demo._salespeople(user)
    campaigns = demo._campaigns(salespeople, timezone.localdate())
    demo._templates(demo._groups(), campaigns)
    demo._contacts(random.Random(demo.SEED), codes, salespeople)
    seed_segments(actor=user)
    return user


def test_demo_has_two_segments_ready_and_one_logged(demo_data):
    assert sorted(Segment.objects.values_list("description", flat=True)) == sorted(
        spec.description for spec in DEMO_SEGMENTS if not spec.log
    )
    logged = LoggedSegment.objects.get()
    assert logged.entries.count() > 0
    for segment in Segment.objects.all():
        assert segment.lines.exists()
        # Ready to log: validation passes (checked inside a rolled-back run).
        with pytest.raises(_Rollback):
            _log_and_roll_back(segment)

    # Idempotent.
    before = {s.no: line_nos(s) for s in Segment.objects.all()}
    seed_segments(actor=None)
    assert {s.no: line_nos(s) for s in Segment.objects.all()} == before
    assert LoggedSegment.objects.count() == 1


class _Rollback(Exception):
    pass


def _log_and_roll_back(segment: Segment) -> None:
    from django.db import transaction

    with transaction.atomic():
        services.log_segment(segment=segment, actor=None)
        raise _Rollback
