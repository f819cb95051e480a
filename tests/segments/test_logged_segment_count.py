"""A logged segment's "No. of Interactions" is one figure, defined once.

The list annotation (``logged_segments_with_counts``) and the per-segment
read (``logged_segment_entries``) must agree, also for an empty segment and
after canceling, since pages, API, admin and the log job all show it.
"""

import pytest

from interactions import services
from interactions.models import LoggedSegment
from interactions.selectors import logged_segment_entries, logged_segments_with_counts


@pytest.fixture
def logged(crm, staff_user) -> LoggedSegment:
    segment = services.create_segment(
        actor=staff_user, description="Mailing", template=crm.template
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"company": crm.fjord.no}
    )
    return services.log_segment(segment=segment, actor=staff_user)


def counts() -> dict[str, tuple[int, int]]:
    """Per logged segment: (annotated count, count of its entries)."""
    return {
        row.segment_no: (row.entry_count, logged_segment_entries(row).count())
        for row in logged_segments_with_counts()
    }


def test_annotation_and_entries_agree_through_cancel_and_uncancel(
    logged, crm, staff_user
):
    assert counts() == {logged.segment_no: (3, 3)}

    services.cancel_entries(
        actor=staff_user, entries=logged.entries.filter(contact=crm.kari)
    )
    assert counts() == {logged.segment_no: (2, 2)}

    selection = LoggedSegment.objects.filter(pk=logged.pk)
    services.cancel_logged_segments(actor=staff_user, logged_segments=selection)
    assert counts() == {logged.segment_no: (3, 3)}

    services.uncancel_logged_segments(actor=staff_user, logged_segments=selection)
    assert counts() == {logged.segment_no: (2, 2)}


def test_a_logged_segment_whose_entries_were_deleted_counts_zero(logged, staff_user):
    selection = LoggedSegment.objects.filter(pk=logged.pk)
    services.cancel_logged_segments(actor=staff_user, logged_segments=selection)
    services.delete_canceled_entries(
        actor=staff_user, filters=services.CanceledEntryFilter()
    )

    assert counts() == {logged.segment_no: (0, 0)}


def test_the_list_is_counted_in_one_query(logged, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = list(logged_segments_with_counts())
    assert [row.entry_count for row in rows] == [3]
