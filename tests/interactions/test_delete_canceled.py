"""Delete canceled interaction log entries (DOMAIN §6.4, NAV §10)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interactions.models import Attachment, EntryComment, InteractionLogEntry, Segment
from interactions.services import (
    CanceledEntryFilter,
    add_comment,
    cancel_entries,
    delete_canceled_entries,
    deleted_message,
    uncancel_entries,
)
from interactions.services.delete_canceled import (
    delete_previewed,
    preview_delete_canceled,
)
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.factories import make_entry
from tests.interactions.ledger_support import attachment_file, make_entries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def remaining() -> set[int]:
    return set(InteractionLogEntry.objects.values_list("pk", flat=True))


def test_only_canceled_entries_are_deleted_without_filters(staff_user):
    active = make_entry()
    postponed = make_entry(postpone=True)
    canceled = make_entries(2, canceled=True)

    count = delete_canceled_entries(actor=staff_user, filters=CanceledEntryFilter())

    assert count == 2
    assert remaining() == {active.pk, postponed.pk}
    assert not InteractionLogEntry.objects.filter(
        pk__in=[e.pk for e in canceled]
    ).exists()


@pytest.mark.parametrize(
    "case",
    [
        "entry_range",
        "contact",
        "date_range",
        "campaign",
        "group",
        "template",
        "salesperson",
    ],
)
def test_each_filter_narrows_what_is_deleted(staff_user, case):
    campaign_in, campaign_out = factories.CampaignFactory.create_batch(2)
    sp_in = factories.SalespersonFactory(code="IN")
    sp_out = factories.SalespersonFactory(code="OUT")
    template_in = factories.TemplateFactory(code="IN", group__code="GIN")
    template_out = factories.TemplateFactory(code="OUT", group__code="GOUT")
    company_in, company_out = factories.CompanyFactory.create_batch(2)
    outside = make_entry(
        company_out,
        template_out,
        date=dt.date(2026, 1, 10),
        campaign=campaign_out,
        salesperson=sp_out,
        canceled=True,
    )
    inside = make_entry(
        company_in,
        template_in,
        date=dt.date(2026, 2, 10),
        campaign=campaign_in,
        salesperson=sp_in,
        canceled=True,
    )
    active_inside = make_entry(
        company_in,
        template_in,
        date=dt.date(2026, 2, 10),
        campaign=campaign_in,
        salesperson=sp_in,
    )
    filters = {
        "entry_range": CanceledEntryFilter(
            entry_no_from=inside.pk, entry_no_to=active_inside.pk
        ),
        "contact": CanceledEntryFilter(contact=company_in),
        "date_range": CanceledEntryFilter(
            date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28)
        ),
        "campaign": CanceledEntryFilter(campaign=campaign_in),
        "group": CanceledEntryFilter(group=template_in.group),
        "template": CanceledEntryFilter(template=template_in),
        "salesperson": CanceledEntryFilter(salesperson=sp_in),
    }[case]

    assert delete_canceled_entries(actor=staff_user, filters=filters, dry_run=True) == 1
    assert delete_canceled_entries(actor=staff_user, filters=filters) == 1

    # The canceled entry outside the filter and the active one inside it stay.
    assert remaining() == {outside.pk, active_inside.pk}


def test_filters_combine(staff_user, company):
    template = factories.TemplateFactory()
    match = make_entry(company, template, date=dt.date(2026, 2, 1), canceled=True)
    other_date = make_entry(company, template, date=dt.date(2026, 5, 1), canceled=True)
    other_contact = make_entry(date=dt.date(2026, 2, 1), canceled=True)

    filters = CanceledEntryFilter(
        contact=company, template=template, date_to=dt.date(2026, 3, 1)
    )
    assert delete_canceled_entries(actor=staff_user, filters=filters) == 1
    assert match.pk not in remaining()
    assert remaining() == {other_date.pk, other_contact.pk}


def test_filter_that_matches_only_active_entries_deletes_nothing(staff_user):
    entry = make_entry()

    count = delete_canceled_entries(
        actor=staff_user, filters=CanceledEntryFilter(contact=entry.contact)
    )

    assert count == 0
    assert remaining() == {entry.pk}
    assert not AuditEvent.objects.filter(action="entry.delete_canceled").exists()


def test_dry_run_counts_and_writes_nothing(staff_user, django_assert_num_queries):
    make_entries(3, canceled=True)
    make_entry()
    before = (remaining(), AuditEvent.objects.count())

    # One COUNT over the canceled entries, nothing else.
    with django_assert_num_queries(1):
        count = delete_canceled_entries(
            actor=staff_user, filters=CanceledEntryFilter(), dry_run=True
        )

    assert count == 3
    assert (remaining(), AuditEvent.objects.count()) == before


def test_reversed_ranges_are_refused(staff_user):
    with pytest.raises(ValidationError) as exc:
        delete_canceled_entries(
            actor=staff_user,
            filters=CanceledEntryFilter(
                entry_no_from=5,
                entry_no_to=2,
                date_from=dt.date(2026, 2, 2),
                date_to=dt.date(2026, 2, 1),
            ),
        )
    assert set(exc.value.message_dict) == {"entry_no_to", "date_to"}


def test_comments_are_deleted_with_their_entries(staff_user):
    doomed = make_entry(canceled=True)
    kept = make_entry()
    add_comment(actor=staff_user, entry=doomed, text="Wrong contact")
    add_comment(actor=staff_user, entry=doomed, text="Second line")
    kept_comment = add_comment(actor=staff_user, entry=kept, text="Keep me")

    delete_canceled_entries(actor=staff_user, filters=CanceledEntryFilter())

    assert list(EntryComment.objects.values_list("pk", flat=True)) == [kept_comment.pk]


def test_orphaned_attachments_go_and_shared_ones_stay(
    staff_user, media_root, django_capture_on_commit_callbacks
):
    unique = make_entry(attachment_file=attachment_file("unique.txt"), canceled=True)
    shared_with_active = make_entry(
        attachment_file=attachment_file("shared.txt"), canceled=True
    )
    active = make_entry()
    # Resending or reusing content makes entries share an attachment; set the
    # link directly, as the ledger never changes it after creation.
    InteractionLogEntry.objects.filter(pk=active.pk).update(
        attachment=shared_with_active.attachment
    )
    on_template = make_entry(attachment_file=attachment_file("tmpl.txt"), canceled=True)
    factories.TemplateContentFactory(attachment=on_template.attachment)
    two_canceled = make_entries(2, canceled=True)
    pair = Attachment.objects.create(subject="Shared by two canceled entries")
    InteractionLogEntry.objects.filter(pk__in=[e.pk for e in two_canceled]).update(
        attachment=pair
    )
    unique_path = media_root / unique.attachment.file.name

    assert unique_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        count = delete_canceled_entries(
            actor=staff_user, filters=CanceledEntryFilter(), batch_size=1
        )

    assert count == 5
    assert remaining() == {active.pk}
    assert set(Attachment.objects.values_list("pk", flat=True)) == {
        shared_with_active.attachment_id,
        on_template.attachment_id,
    }
    assert not unique_path.exists()


def test_a_file_another_attachment_still_names_stays(
    staff_user, media_root, django_capture_on_commit_callbacks
):
    """A logged segment's copies name the template's stored file: deleting one
    copy must not take the file from the others."""
    entry = make_entry(attachment_file=attachment_file("shared.txt"), canceled=True)
    copy = Attachment.objects.create(subject="Copy", file=entry.attachment.file.name)
    factories.TemplateContentFactory(attachment=copy)
    path = media_root / entry.attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        delete_canceled_entries(actor=staff_user, filters=CanceledEntryFilter())

    assert not Attachment.objects.filter(pk=entry.attachment_id).exists()
    assert path.exists()


def test_attachment_of_a_segment_stays(staff_user):
    entry = make_entry(attachment_file=attachment_file(), canceled=True)
    Segment.objects.create(no="SEG1", attachment=entry.attachment)

    delete_canceled_entries(actor=staff_user, filters=CanceledEntryFilter())

    assert Attachment.objects.filter(pk=entry.attachment_id).exists()


def test_runs_in_batches_with_progress_and_one_audit_event(staff_user, settings):
    settings.CRM_DELETE_BATCH_SIZE = 2
    make_entries(5, canceled=True)
    calls = []

    count = delete_canceled_entries(
        actor=staff_user,
        filters=CanceledEntryFilter(),
        progress=lambda done, total: calls.append((done, total)),
    )

    assert count == 5
    assert calls == [(2, 5), (4, 5), (5, 5)]
    event = AuditEvent.objects.get(action="entry.delete_canceled")
    assert (event.count, event.actor) == (5, staff_user)
    assert event.changes == {"filters": {}}


def test_audit_event_names_the_filters_by_business_key(staff_user, company):
    template = factories.TemplateFactory(code="LETTER")
    make_entry(company, template, canceled=True)

    delete_canceled_entries(
        actor=staff_user,
        filters=CanceledEntryFilter(
            contact=company, template=template, date_from=dt.date(2026, 1, 1)
        ),
    )

    event = AuditEvent.objects.get(action="entry.delete_canceled")
    assert event.changes["filters"] == {
        "contact": company.no,
        "template": "LETTER",
        "date_from": "2026-01-01",
    }


class Interrupted(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_interrupted_run_keeps_its_batches_and_a_rerun_resumes(staff_user):
    entries = make_entries(5, canceled=True)
    active = make_entry()

    def stop_after_first_batch(done: int, total: int) -> None:
        # Progress is reported inside each batch's transaction: raising
        # during the second batch rolls that batch back, the first stays.
        if done > 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        delete_canceled_entries(
            actor=staff_user,
            filters=CanceledEntryFilter(),
            progress=stop_after_first_batch,
            batch_size=2,
        )
    # The first batch (the two lowest entry numbers) is committed.
    assert remaining() == {*(e.pk for e in entries[2:]), active.pk}
    assert AuditEvent.objects.get(action="entry.delete_canceled").count == 2

    assert (
        delete_canceled_entries(
            actor=staff_user, filters=CanceledEntryFilter(), batch_size=2
        )
        == 3
    )
    assert remaining() == {active.pk}
    assert sorted(
        AuditEvent.objects.filter(action="entry.delete_canceled").values_list(
            "count", flat=True
        )
    ) == [2, 3]


def run_and_count_queries(rows: int, batch_size: int) -> int:
    entries = make_entries(rows, attachment_file=attachment_file())
    for entry in entries:
        add_comment(actor=None, entry=entry, text="note")
    cancel_entries(actor=None, entries=entries)
    with CaptureQueriesContext(connection) as queries:
        deleted = delete_canceled_entries(
            actor=None, filters=CanceledEntryFilter(), batch_size=batch_size
        )
    assert deleted == rows
    return len(queries)


def test_query_count_grows_with_batches_not_with_rows():
    # Per batch: SAVEPOINT; on PostgreSQL one statement (lock the batch, delete
    # it with its comments, outbox messages and orphaned attachments), else
    # lock/read its entry numbers and attachments, DELETE comments, DELETE
    # outbox messages, DELETE entries, DELETE orphaned attachments RETURNING
    # their files; whether another attachment still names those files; audit
    # INSERT (then UPDATE of its count); RELEASE SAVEPOINT. No COUNT first
    # (no progress to report); after a full last batch one more SAVEPOINT,
    # empty batch, RELEASE.
    per_batch = 5 if connection.vendor == "postgresql" else 9
    assert run_and_count_queries(rows=4, batch_size=2) == 2 * per_batch + 3
    assert run_and_count_queries(rows=20, batch_size=10) == 2 * per_batch + 3
    # A short last batch ends the run without the extra batch.
    assert run_and_count_queries(rows=19, batch_size=10) == 2 * per_batch


def test_entry_un_canceled_during_a_run_is_not_deleted(staff_user):
    first, second = make_entries(2, canceled=True)

    def uncancel_second(done: int, total: int) -> None:
        # Someone un-cancels the second entry after the run counted it.
        uncancel_entries(actor=None, entries=[second])

    count = delete_canceled_entries(
        actor=staff_user,
        filters=CanceledEntryFilter(),
        progress=uncancel_second,
        batch_size=1,
    )

    assert count == 1
    assert remaining() == {second.pk}


def test_filters_round_trip_through_plain_params(company, template, salesperson):
    campaign = factories.CampaignFactory()
    filters = CanceledEntryFilter(
        entry_no_from=3,
        entry_no_to=9,
        contact=company,
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 2, 1),
        campaign=campaign,
        group=template.group,
        template=template,
        salesperson=salesperson,
    )

    params = filters.to_params()

    assert params["contact"] == company.pk
    assert params["date_from"] == "2026-01-01"
    assert CanceledEntryFilter.from_params(params) == filters


def test_filters_from_business_keys_name_unknown_codes(company):
    with pytest.raises(ValidationError) as exc:
        CanceledEntryFilter.from_business_keys(
            contact=company.no, template="NOPE", salesperson="NOBODY"
        )
    assert set(exc.value.message_dict) == {"template", "salesperson"}
    assert "NOPE" in exc.value.message_dict["template"][0]


def test_deleted_message_is_singular_or_plural():
    assert deleted_message(1) == "1 interaction log entry has been deleted."
    assert deleted_message(3) == "3 interaction log entries have been deleted."


def test_a_preview_that_counted_nothing_deletes_nothing(staff_user):
    filters = CanceledEntryFilter()
    preview = preview_delete_canceled(filters=filters)
    assert (preview.count, preview.last_entry_no) == (0, None)
    entry = make_entry(canceled=True)  # canceled after the preview

    outcome = delete_previewed(actor=staff_user, filters=filters, preview=preview)

    assert (outcome.deleted, outcome.left) == (0, 1)
    assert remaining() == {entry.pk}


def test_the_run_keeps_to_its_preview(staff_user):
    counted = make_entries(3, canceled=True)
    filters = CanceledEntryFilter()
    preview = preview_delete_canceled(filters=filters)
    later = make_entry(canceled=True)  # canceled after the preview

    deleted = delete_canceled_entries(
        actor=staff_user, filters=filters, preview=preview, batch_size=2
    )

    assert deleted == len(counted)
    assert remaining() == {later.pk}
