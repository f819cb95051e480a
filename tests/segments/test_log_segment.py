"""Logging a segment (DOMAIN §5): one entry per line, all or nothing, set-based."""

import datetime as dt
import math
import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from contacts.models import Contact
from interactions import services
from interactions.models import Attachment, InteractionLogEntry, LoggedSegment, Segment
from interactions.services.outbox import run_worker
from interactions.services.segments.content import BATCH_SIZE
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.segments.conftest import line_nos


@pytest.fixture
def segment(crm, staff_user):
    segment = services.create_segment(
        actor=staff_user,
        description="Visitors at the trade show",
        template=crm.template,
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_type": "person"}
    )
    return segment


ENTRY_FROM_LINE = (
    "contact",
    "contact_company",
    "template",
    "description",
    "cost",
    "duration",
    "salesperson",
    "information_flow",
    "initiated_by",
    "attempt_failed",
    "evaluation",
    "correspondence_type",
    "campaign",
    "campaign_target",
    "campaign_response",
    "contact_via",
    "language",
)


def test_log_creates_one_entry_per_line_with_line_values(segment, crm, staff_user):
    line = segment.lines.get(contact=crm.kari)
    services.update_segment_line(
        actor=staff_user,
        line=line,
        cost=Decimal("12.50"),
        evaluation="positive",
        contact_via="+47 22 00 00 00",
        subject="Personal subject",
    )
    lines = {line.contact_id: line for line in segment.lines.all()}
    segment_no = segment.no

    logged = services.log_segment(segment=segment, actor=staff_user)

    assert logged.segment_no == segment_no
    assert logged.description == "Visitors at the trade show"
    assert logged.date == timezone.localdate()
    assert logged.logged_by == staff_user
    entries = list(logged.entries.all())
    assert len(entries) == len(lines) == 4
    for entry in entries:
        line = lines[entry.contact_id]
        for field in ENTRY_FROM_LINE:
            assert getattr(entry, field) == getattr(line, field), field
        assert entry.group == crm.template.group  # the template's default
        assert entry.date == line.date
        assert entry.time is not None and entry.time.second == 0
        assert entry.segment_no == segment_no
        assert entry.logged_by == staff_user
        assert not entry.canceled and not entry.postponed
        assert entry.delivery_status == ""
        # What was sent is what is recorded: the content's subject, merged
        # for this contact, unless the line's subject was personalised.
        assert entry.attachment is not None and entry.attachment.read_only
        assert entry.subject == entry.attachment.subject
        if entry.contact != crm.kari:
            assert entry.subject == f"Hello {entry.contact.name}"
        assert entry.attachment.body.startswith(f"Dear {entry.contact.name},")
    kari = logged.entries.get(contact=crm.kari)
    assert kari.cost == Decimal("12.50") and kari.subject == "Personal subject"
    # Each entry stores its own rendered copy.
    assert len({entry.attachment_id for entry in entries}) == 4
    assert not Segment.objects.filter(no=segment_no).exists()
    event = AuditEvent.objects.get(action="segment.log")
    assert event.count == 4


def test_log_with_follow_up_creates_segment_with_same_contacts(
    segment, crm, staff_user
):
    contacts = line_nos(segment)
    logged = services.log_segment(segment=segment, actor=staff_user, follow_up=True)
    follow_up = Segment.objects.get()
    assert follow_up.no != logged.segment_no
    assert follow_up.description == f"Follow-up on segment {logged.segment_no}"
    assert line_nos(follow_up) == contacts
    assert AuditEvent.objects.filter(action="segment.log").count() == 1


def refused(segment, actor, **options) -> dict:
    with pytest.raises(ValidationError) as error:
        services.log_segment(segment=segment, actor=actor, **options)
    return error.value.message_dict


def assert_nothing_written(segment):
    assert not LoggedSegment.objects.exists()
    assert not InteractionLogEntry.objects.exists()
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_log_refused_without_description_or_lines(crm, staff_user):
    segment = services.create_segment(actor=staff_user, template=crm.template)
    errors = refused(segment, staff_user)
    assert set(errors) == {"description", "lines"}
    assert_nothing_written(segment)


def test_failing_line_leaves_nothing_behind(segment, crm, staff_user):
    crm.per.privacy_blocked = True
    crm.per.save()
    line = segment.lines.get(contact=crm.kari)
    services.update_segment_line(actor=staff_user, line=line, description="")
    errors = refused(segment, staff_user)
    assert errors["contact"] == [f"1 contact is privacy blocked: {crm.per.no}."]
    assert errors["description"] == [f"1 line has no description: {crm.kari.no}."]
    assert_nothing_written(segment)
    assert segment.lines.count() == 4


def test_failing_lines_are_counted_across_languages_and_subjects(
    segment, crm, staff_user
):
    # The checks are counted per (template, language, personalised subject)
    # group in the read that also plans the content: a refusal sums them all.
    other = factories.TemplateFactory(code="OTHER")
    factories.TemplateContentFactory(template=other, language="")
    blocked = [crm.kari, crm.ola, crm.per]
    lines = {line.contact_id: line for line in segment.lines.all()}
    for contact, fields in zip(
        blocked,
        [{"language": "nb"}, {"subject": "Just for you"}, {"template": other}],
        strict=True,
    ):
        services.update_segment_line(
            actor=staff_user, line=lines[contact.pk], description="", **fields
        )
    Contact.objects.filter(pk__in=[c.pk for c in blocked]).update(privacy_blocked=True)
    errors = refused(segment, staff_user)
    nos = ", ".join(sorted(crm.nos(*blocked)))
    assert errors["contact"] == [f"3 contacts are privacy blocked: {nos}."]
    assert errors["description"] == [f"3 lines have no description: {nos}."]
    assert_nothing_written(segment)


def test_lines_without_template_or_salesperson_are_named(crm, staff_user):
    segment = services.create_segment(
        actor=None, description="No template", salesperson=None
    )
    services.add_contacts(
        segment=segment, actor=None, criteria={"company": crm.fjord.no}
    )
    errors = refused(segment, staff_user)
    nos = ", ".join(sorted(crm.nos(crm.fjord, crm.kari, crm.ola)))
    assert errors["template"] == [f"3 lines have no interaction template: {nos}."]
    assert errors["salesperson"] == [f"3 lines have no salesperson: {nos}."]
    assert_nothing_written(segment)


def test_blocked_salesperson_refused(segment, salesperson, staff_user):
    salesperson.blocked = True
    salesperson.save()
    errors = refused(segment, staff_user)
    assert "blocked salesperson" in errors["salesperson"][0]
    assert_nothing_written(segment)


def test_sending_needs_email_address_and_content(segment, crm, staff_user):
    services.update_segment_header(
        actor=staff_user,
        segment=segment,
        ignore_contact_correspondence_type=True,
        update_lines=True,
    )
    assert set(segment.lines.values_list("correspondence_type", flat=True)) == {"email"}
    crm.per.email = ""
    crm.per.save()
    crm.template.contents.all().delete()
    errors = refused(segment, staff_user, send=True)
    assert len(errors["correspondence_type"]) == 2
    assert "no e-mail address" in errors["correspondence_type"][0]
    assert "no content" in errors["correspondence_type"][1]
    assert_nothing_written(segment)
    # Without sending, neither matters.
    services.log_segment(segment=segment, actor=staff_user)


def test_logging_twice_is_refused(segment, crm, staff_user):
    services.log_segment(segment=segment, actor=staff_user)
    errors = refused(segment, staff_user)  # the same (now deleted) segment
    assert "segment" in errors
    # A segment carrying a number that was logged before is refused too.
    again = services.create_segment(actor=staff_user, description="Again")
    Segment.objects.filter(pk=again.pk).update(no=segment.no)
    errors = refused(again, staff_user)
    assert errors["no"] == [f"Segment {segment.no} has already been logged."]
    assert InteractionLogEntry.objects.count() == 4


def many_persons(count: int, company: Contact) -> None:
    Contact.objects.bulk_create(
        Contact(
            no=f"BULK{index:06d}",
            type=Contact.Type.PERSON,
            name=f"Person {index}",
            company=company,
            email=f"p{index}@example.com",
        )
        for index in range(count)
    )


@pytest.mark.parametrize("size", [10, 1000])
@pytest.mark.parametrize("follow_up", [False, True])
def test_query_count_does_not_grow_with_lines(
    size, follow_up, crm, staff_user, django_assert_num_queries
):
    company = factories.CompanyFactory(no="BULKCO")
    many_persons(size, company)
    segment = services.create_segment(
        actor=staff_user, description="Bulk", template=crm.template
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"company": company.no}
    )
    assert segment.lines.count() == size + 1
    # savepoint; lock segment; already logged?; line checks and the lines'
    # distinct (template, language) (one grouped aggregate); insert logged
    # segment; the segment's own content; their templates; INSERT … SELECT the entries
    # (the content has merge fields: nothing is shared); add them to the
    # contact figures (one INSERT … SELECT … GROUP BY … ON CONFLICT, issue #12
    # item 3); then per batch of
    # entries: the entries with their contacts' values, insert their rendered
    # content, set it on the entries (one UPDATE … FROM VALUES); delete
    # lines, criteria actions, contents, header; audit event; release.
    # So the count grows per batch of BATCH_SIZE entries, never per line.
    batches = math.ceil((size + 1) / BATCH_SIZE)
    queries = 15 + 3 * batches
    if follow_up:
        # salesperson exists (header validation); savepoint, update and read
        # the number series, release; insert header; last line id; INSERT …
        # SELECT lines; inserted id range; last criteria seq; insert action;
        # count contacts already there and privacy blocked (none are added).
        queries += 13
    with django_assert_num_queries(queries):
        logged = services.log_segment(
            segment=segment, actor=staff_user, follow_up=follow_up
        )
    assert logged.entries.count() == size + 1


class BouncingBackend(EmailBackend):
    """The mail boundary: refuses recipients at bounce.example."""

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                if address.endswith("@bounce.example"):
                    raise smtplib.SMTPRecipientsRefused(
                        {address: (550, b"mailbox unavailable")}
                    )
        return super().send_messages(messages)


def test_send_emails_after_commit_and_records_delivery_status(
    segment, crm, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {"BACKEND": "tests.segments.test_log_segment.BouncingBackend"}
    }
    crm.per.email = "per@bounce.example"
    crm.per.save()
    services.update_segment_header(
        actor=staff_user,
        segment=segment,
        ignore_contact_correspondence_type=True,
        correspondence_type="email",
        update_lines=True,
    )
    line = segment.lines.get(contact=crm.loner)
    services.update_segment_line(actor=staff_user, line=line, correspondence_type="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        logged = services.log_segment(segment=segment, actor=staff_user, send=True)
        assert set(logged.entries.values_list("delivery_status", flat=True)) == {
            "queued",
            "",
        }
        assert mail.outbox == []  # nothing is sent before the commit
    assert len(callbacks) == 1
    run_worker()  # the outbox worker sends them

    statuses = dict(logged.entries.values_list("contact__no", "delivery_status"))
    assert statuses == {
        crm.kari.no: "sent",
        crm.ola.no: "sent",
        crm.per.no: "failed",
        crm.loner.no: "",
    }
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [crm.kari.email, crm.ola.email]
    )


def test_line_date_is_entry_date(segment, staff_user):
    services.update_segment_header(
        actor=staff_user, segment=segment, date=dt.date(2026, 5, 17), update_lines=True
    )
    logged = services.log_segment(segment=segment, actor=staff_user)
    assert set(logged.entries.values_list("date", flat=True)) == {dt.date(2026, 5, 17)}


def test_header_attachment_is_used_and_made_read_only(segment, crm, staff_user):
    custom = Attachment.objects.create(
        subject="Custom", body="Custom body for {{ contact.name }}"
    )
    Segment.objects.filter(pk=segment.pk).update(attachment=custom)
    logged = services.log_segment(segment=segment, actor=staff_user)
    bodies = set(logged.entries.values_list("attachment__body", flat=True))
    assert bodies == {
        f"Custom body for {contact.name}"
        for contact in (crm.kari, crm.ola, crm.per, crm.loner)
    }
    assert set(logged.entries.values_list("subject", flat=True)) == {"Custom"}
    custom.refresh_from_db()
    assert custom.read_only


def test_template_that_opens_content_needs_content(crm, staff_user):
    opener = factories.TemplateFactory(code="OPENER", wizard_action="open")
    segment = services.create_segment(
        actor=staff_user, description="Open", template=opener
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_no": crm.kari.no}
    )
    errors = refused(segment, staff_user)
    assert errors["template"] == [
        f"1 line's template opens content it does not have: {crm.kari.no}."
    ]
    factories.TemplateContentFactory(template=opener, language="")
    services.log_segment(segment=segment, actor=staff_user)


@pytest.mark.parametrize(
    ("template_language", "content_language", "refused_languages"),
    [
        ("", "en", {"nb"}),  # only the line's own language counts
        ("nb", "nb", set()),  # else the template's default language
        ("en", "", {"en", "nb"}),  # "" is neither the lines' nor the default
    ],
)
def test_opening_template_content_in_line_or_default_language(
    template_language, content_language, refused_languages, crm, staff_user
):
    # Counted per (template, language) group of lines: one line per language.
    opener = factories.TemplateFactory(
        code="OPENER", wizard_action="open", language=template_language
    )
    factories.TemplateContentFactory(template=opener, language=content_language)
    segment = services.create_segment(
        actor=staff_user, description="Open", template=opener
    )
    for contact in (crm.kari, crm.ola):
        services.add_contacts(
            segment=segment, actor=staff_user, criteria={"contact_no": contact.no}
        )
    by_contact = {crm.kari.pk: "en", crm.ola.pk: "nb"}
    for line in segment.lines.all():
        services.update_segment_line(
            actor=staff_user, line=line, language=by_contact[line.contact_id]
        )
    failing = sorted(
        contact.no
        for contact in (crm.kari, crm.ola)
        if by_contact[contact.pk] in refused_languages
    )
    if not failing:
        services.log_segment(segment=segment, actor=staff_user)
        return
    errors = refused(segment, staff_user)
    count = len(failing)
    opens = "line's template opens" if count == 1 else "lines' templates open"
    has = "it does" if count == 1 else "they do"
    assert errors["template"] == [
        f"{count} {opens} content {has} not have: {', '.join(failing)}."
    ]
    assert_nothing_written(segment)


def test_header_attachment_is_content_for_an_opening_template(crm, staff_user):
    opener = factories.TemplateFactory(code="OPENER", wizard_action="open")
    segment = services.create_segment(
        actor=staff_user, description="Open", template=opener
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_no": crm.kari.no}
    )
    Segment.objects.filter(pk=segment.pk).update(
        attachment=Attachment.objects.create(subject="Own", body="Own body")
    )
    logged = services.log_segment(segment=segment, actor=staff_user)
    assert logged.entries.get().subject == "Own"


def test_delete_segment(segment, staff_user):
    services.delete_segment(actor=staff_user, segment=segment)
    assert not Segment.objects.exists()
    assert AuditEvent.objects.get(action="segment.delete").changes["lines"] == 4


def test_sent_segment_email_has_merge_fields_filled_in(
    crm, staff_user, django_capture_on_commit_callbacks
):
    segment = services.create_segment(
        actor=staff_user, description="Merge", template=crm.template
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_no": crm.kari.no}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.log_segment(segment=segment, actor=staff_user, send=True)
    run_worker()  # the outbox worker sends it
    (message,) = mail.outbox
    assert message.subject == f"Hello {crm.kari.name}"
    assert message.body.startswith(f"Dear {crm.kari.name},")
