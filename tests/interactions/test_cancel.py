"""Cancel, un-cancel and switch the canceled checkmark (DOMAIN §6.2, NAV §9.2)."""

import pytest
from django.core.exceptions import ValidationError

from interactions.models import DocumentType, InteractionLogEntry
from interactions.services import (
    cancel_entries,
    record_document,
    set_document_template,
    switch_canceled,
    uncancel_entries,
)
from interactions_crm.platform.models import AuditEvent
from tests.factories import make_entry
from tests.interactions.ledger_support import make_entries, put_in_logged_segment

pytestmark = pytest.mark.django_db


def canceled_flags(entries) -> list[bool]:
    return list(
        InteractionLogEntry.objects.filter(pk__in=[e.pk for e in entries])
        .order_by("entry_no")
        .values_list("canceled", flat=True)
    )


def test_cancel_records_who_when_and_why(staff_user):
    entries = make_entries(2)

    count = cancel_entries(
        actor=staff_user,
        entries=InteractionLogEntry.objects.filter(pk__in=[e.pk for e in entries]),
        reason="Sent to the wrong address",
    )

    assert count == 2
    for entry in entries:
        entry.refresh_from_db()
        assert entry.canceled
        assert entry.canceled_by == staff_user
        assert entry.canceled_at is not None
        assert entry.cancel_reason == "Sent to the wrong address"
    event = AuditEvent.objects.get(action="entry.cancel")
    assert event.count == 2
    assert event.actor == staff_user
    assert event.changes["reason"] == "Sent to the wrong address"
    assert event.changes["entry_nos"] == sorted(e.pk for e in entries)


def test_cancel_is_always_allowed_also_for_segment_and_document_entries(
    staff_user, company, template
):
    in_segment = make_entry()
    logged = put_in_logged_segment([in_segment])
    set_document_template(
        actor=None, document_type=DocumentType.SALES_INVOICE, template=template
    )
    recorded = record_document(
        actor=None,
        document_type=DocumentType.SALES_INVOICE,
        document_no="INV-1001",
        contact=company,
    ).entry

    assert cancel_entries(actor=staff_user, entries=[in_segment, recorded]) == 2
    assert canceled_flags([in_segment, recorded]) == [True, True]
    # Canceling one entry of a logged segment does not cancel the segment.
    logged.refresh_from_db()
    assert not logged.canceled


def test_cancel_keeps_earlier_cancellations_and_skips_postponed(staff_user, admin_user):
    earlier = make_entry()
    cancel_entries(actor=admin_user, entries=[earlier], reason="first")
    fresh = make_entry()
    postponed = make_entry(postpone=True)

    count = cancel_entries(
        actor=staff_user, entries=[earlier, fresh, postponed], reason="second"
    )

    assert count == 1
    earlier.refresh_from_db()
    postponed.refresh_from_db()
    assert (earlier.canceled_by, earlier.cancel_reason) == (admin_user, "first")
    assert not postponed.canceled
    assert AuditEvent.objects.filter(action="entry.cancel").count() == 2


def test_cancel_with_nothing_to_change_writes_no_audit_event(staff_user):
    entry = make_entry(canceled=True)
    before = AuditEvent.objects.count()

    assert cancel_entries(actor=staff_user, entries=[entry]) == 0
    assert AuditEvent.objects.count() == before


def test_cancel_reason_longer_than_the_field_is_refused(staff_user):
    entry = make_entry()

    with pytest.raises(ValidationError) as exc:
        cancel_entries(actor=staff_user, entries=[entry], reason="x" * 201)

    assert "reason" in exc.value.message_dict
    entry.refresh_from_db()
    assert not entry.canceled


def test_cancel_is_one_update_whatever_the_selection_size(
    staff_user, django_assert_num_queries
):
    make_entries(2)
    selection = InteractionLogEntry.objects.all()
    # SAVEPOINT, lock the rows (entry-number order), entry numbers for the
    # audit event, the contacts they name, the UPDATE, the contact figures'
    # recount (rows made and locked, then overwritten: two statements), the
    # audit INSERT, RELEASE SAVEPOINT. Was 6: the recount keeps the card's
    # maintained figures right in the same transaction (issue #12 item 3).
    with django_assert_num_queries(9):
        assert cancel_entries(actor=staff_user, entries=selection) == 2

    uncancel_entries(actor=staff_user, entries=selection)
    make_entries(8)
    with django_assert_num_queries(9):
        assert cancel_entries(actor=staff_user, entries=selection) == 10


def test_uncancel_clears_who_when_why(staff_user):
    entry = make_entry()
    cancel_entries(actor=staff_user, entries=[entry], reason="oops")

    assert uncancel_entries(actor=staff_user, entries=[entry]) == 1

    entry.refresh_from_db()
    assert not entry.canceled
    assert entry.canceled_by is None
    assert entry.canceled_at is None
    assert entry.cancel_reason == ""
    assert AuditEvent.objects.get(action="entry.uncancel").count == 1


def test_uncancel_refused_while_logged_segment_canceled(staff_user):
    in_segment = make_entry()
    alone = make_entry(canceled=True)
    logged = put_in_logged_segment([in_segment], canceled=True, no="SM7")

    with pytest.raises(ValidationError) as exc:
        uncancel_entries(actor=staff_user, entries=[alone, in_segment])

    assert "SM7" in exc.value.message_dict["canceled"][0]
    # Refused as a whole: the other selected entry stays canceled too.
    assert canceled_flags([alone, in_segment]) == [True, True]
    assert not AuditEvent.objects.filter(action="entry.uncancel").exists()

    logged.canceled = False
    logged.save(update_fields=["canceled"])
    assert uncancel_entries(actor=staff_user, entries=[alone, in_segment]) == 2
    in_segment.refresh_from_db()
    assert not in_segment.canceled_with_segment


def test_uncancel_allowed_for_entry_of_active_logged_segment(staff_user):
    entry = make_entry(canceled=True)
    put_in_logged_segment([entry], canceled=False)

    assert uncancel_entries(actor=staff_user, entries=[entry]) == 1


def test_switch_applies_opposite_of_first_entry_to_mixed_selection(staff_user):
    first, second, third = make_entries(3)
    cancel_entries(actor=staff_user, entries=[second])

    # First (lowest entry no.) is active: everything becomes canceled.
    assert switch_canceled(actor=staff_user, entries=[third, second, first]) == 2
    assert canceled_flags([first, second, third]) == [True, True, True]

    uncancel_entries(actor=staff_user, entries=[second])
    # First is canceled now: everything becomes active.
    assert switch_canceled(actor=staff_user, entries=[first, second, third]) == 2
    assert canceled_flags([first, second, third]) == [False, False, False]


def test_switch_passes_the_reason_when_canceling(staff_user):
    entry = make_entry()

    switch_canceled(actor=staff_user, entries=[entry.pk], reason="duplicate")

    entry.refresh_from_db()
    assert entry.canceled
    assert entry.cancel_reason == "duplicate"


def test_switch_on_empty_selection_changes_nothing(staff_user):
    assert switch_canceled(actor=staff_user, entries=[]) == 0
    assert not AuditEvent.objects.filter(action__startswith="entry.").exists()


def test_switch_uncancel_refused_in_canceled_logged_segment(staff_user):
    entry = make_entry()
    put_in_logged_segment([entry], canceled=True)

    with pytest.raises(ValidationError):
        switch_canceled(actor=staff_user, entries=[entry])
    assert canceled_flags([entry]) == [True]


def test_selection_may_be_a_sliced_queryset(staff_user):
    make_entries(3)
    newest_two = InteractionLogEntry.objects.order_by("-entry_no")[:2]

    assert cancel_entries(actor=staff_user, entries=newest_two) == 2
    assert sorted(InteractionLogEntry.objects.values_list("canceled", flat=True)) == [
        False,
        True,
        True,
    ]
