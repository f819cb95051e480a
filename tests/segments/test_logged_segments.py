"""Logged segments (DOMAIN §6.2, §6.5): cancel cascade, un-cancel, delete canceled."""

import pytest
from django.core.exceptions import ValidationError

from interactions import services
from interactions.models import InteractionLogEntry, LoggedSegment
from interactions_crm.platform.models import AuditEvent


@pytest.fixture
def logged(crm, staff_user) -> LoggedSegment:
    segment = services.create_segment(
        actor=staff_user, description="Mailing", template=crm.template
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"company": crm.fjord.no}
    )
    return services.log_segment(segment=segment, actor=staff_user)


def selection(*logged: LoggedSegment):
    return LoggedSegment.objects.filter(pk__in=[item.pk for item in logged])


def states(logged: LoggedSegment) -> dict[str, tuple[bool, bool]]:
    return {
        no: (canceled, with_segment)
        for no, canceled, with_segment in logged.entries.values_list(
            "contact__no", "canceled", "canceled_with_segment"
        )
    }


def test_cancel_and_uncancel_cascade_keeps_individually_canceled(
    logged, crm, staff_user
):
    services.cancel_entries(
        actor=staff_user, entries=logged.entries.filter(contact=crm.kari), reason="Ill"
    )
    assert (
        services.cancel_logged_segments(
            actor=staff_user, logged_segments=selection(logged), reason="Wrong list"
        )
        == 1
    )
    logged.refresh_from_db()
    assert logged.canceled
    assert states(logged) == {
        crm.fjord.no: (True, True),
        crm.kari.no: (True, False),
        crm.ola.no: (True, True),
    }
    kari = logged.entries.get(contact=crm.kari)
    assert kari.cancel_reason == "Ill"  # its own cancel record is kept
    assert logged.entries.get(contact=crm.ola).cancel_reason == "Wrong list"

    assert (
        services.uncancel_logged_segments(
            actor=staff_user, logged_segments=selection(logged)
        )
        == 1
    )
    logged.refresh_from_db()
    assert not logged.canceled
    assert states(logged) == {
        crm.fjord.no: (False, False),
        crm.kari.no: (True, False),  # canceled one by one before: stays
        crm.ola.no: (False, False),
    }
    actions = list(
        AuditEvent.objects.filter(action__startswith="logged_segment.").values_list(
            "action", "count"
        )
    )
    assert sorted(actions) == [
        ("logged_segment.cancel", 1),
        ("logged_segment.uncancel", 1),
    ]


def test_cancel_is_idempotent_and_counts_segments(logged, staff_user):
    services.cancel_logged_segments(actor=staff_user, logged_segments=selection(logged))
    assert (
        services.cancel_logged_segments(
            actor=staff_user, logged_segments=selection(logged)
        )
        == 0
    )
    assert (
        services.uncancel_logged_segments(
            actor=staff_user,
            logged_segments=LoggedSegment.objects.filter(canceled=False),
        )
        == 0
    )


def test_uncancel_entry_refused_while_logged_segment_canceled(logged, crm, staff_user):
    services.cancel_logged_segments(actor=staff_user, logged_segments=selection(logged))
    with pytest.raises(ValidationError):
        services.uncancel_entries(
            actor=staff_user, entries=logged.entries.filter(contact=crm.ola)
        )
    assert logged.entries.get(contact=crm.ola).canceled


def test_switch_canceled_follows_first_selected(logged, crm, staff_user):
    second_segment = services.create_segment(
        actor=staff_user, description="Second", template=crm.template
    )
    services.add_contacts(
        segment=second_segment, actor=staff_user, criteria={"company": crm.bre.no}
    )
    second = services.log_segment(segment=second_segment, actor=staff_user)
    services.cancel_logged_segments(actor=staff_user, logged_segments=selection(second))

    services.switch_canceled_logged_segments(
        actor=staff_user, logged_segments=selection(logged, second)
    )
    assert set(LoggedSegment.objects.values_list("canceled", flat=True)) == {True}
    services.switch_canceled_logged_segments(
        actor=staff_user, logged_segments=selection(logged, second)
    )
    assert set(LoggedSegment.objects.values_list("canceled", flat=True)) == {False}
    assert not InteractionLogEntry.objects.filter(canceled=True).exists()


def test_delete_canceled_logged_segments_unlinks_and_keeps_entries(
    logged, crm, staff_user
):
    other_segment = services.create_segment(
        actor=staff_user, description="Active", template=crm.template
    )
    services.add_contacts(
        segment=other_segment, actor=staff_user, criteria={"company": crm.bre.no}
    )
    active = services.log_segment(segment=other_segment, actor=staff_user)
    services.cancel_logged_segments(actor=staff_user, logged_segments=selection(logged))
    entry_nos = set(logged.entries.values_list("entry_no", flat=True))

    deleted = services.delete_canceled_logged_segments(
        actor=staff_user, logged_segments=LoggedSegment.objects.all()
    )

    assert deleted == 1  # only the canceled one
    assert list(LoggedSegment.objects.all()) == [active]
    kept = InteractionLogEntry.objects.filter(entry_no__in=entry_nos)
    assert kept.count() == 3
    assert set(kept.values_list("logged_segment", "canceled", "segment_no")) == {
        (None, True, logged.segment_no)
    }
    assert active.entries.count() == 2
    event = AuditEvent.objects.get(action="logged_segment.delete")
    assert event.count == 1 and event.changes["segment_nos"] == [logged.segment_no]


def test_logged_segment_counts_entries_in_its_own_state(logged, crm, staff_user):
    services.cancel_entries(
        actor=staff_user, entries=logged.entries.filter(contact=crm.kari)
    )
    counted = services.logged_segments_with_counts().get(pk=logged.pk)
    assert counted.entry_count == 2
    services.cancel_logged_segments(actor=staff_user, logged_segments=selection(logged))
    counted = services.logged_segments_with_counts().get(pk=logged.pk)
    assert counted.entry_count == 3
