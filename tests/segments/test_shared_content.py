"""Content without merge fields is stored once and shared (DOMAIN §5, issue #12).

What was sent is what is recorded, also when the entries share the copy:
each entry's subject and attachment are exactly what its contact gets, per
language; content with merge fields, or a subject personalised on the line,
still gets a copy per entry. Deleting canceled entries deletes a shared copy
only with the last entry that uses it (DOMAIN §6.4).
"""

import pytest
from django.core import mail

from interactions import services
from interactions.models import Attachment, InteractionLogEntry, Segment
from interactions.services import CanceledEntryFilter, delete_canceled_entries
from interactions.services.merge import uses_merge_fields
from interactions.services.outbox import run_worker
from tests import factories
from tests.segments.conftest import Crm


def two_language_content(crm: Crm, *, nb_body: str = "Vi ses på messen.") -> None:
    """Plain English (default) content and Norwegian content; Kari reads Norwegian."""
    crm.template.contents.update(subject="Invitation", body="See you at the fair.")
    factories.TemplateContentFactory(
        template=crm.template, language="nb", subject="Invitasjon", body=nb_body
    )
    crm.kari.language = "nb"
    crm.kari.save()


def persons_segment(crm: Crm, staff_user) -> Segment:
    """Kari, Ola, Per and the loner on the mailing template (Lise is excluded)."""
    segment = services.create_segment(
        actor=staff_user, description="Fair", template=crm.template
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_type": "person"}
    )
    assert segment.lines.count() == 4
    return segment


def entries_by_contact(logged) -> dict[int, InteractionLogEntry]:
    return {
        entry.contact_id: entry
        for entry in logged.entries.select_related("attachment", "contact")
    }


def test_plain_content_is_stored_once_per_language_and_shared(crm, staff_user):
    two_language_content(crm)
    segment = persons_segment(crm, staff_user)
    before = set(Attachment.objects.values_list("pk", flat=True))

    logged = services.log_segment(segment=segment, actor=staff_user)

    entries = entries_by_contact(logged)
    assert set(Attachment.objects.values_list("pk", flat=True)) - before == {
        entry.attachment_id for entry in entries.values()
    }
    kari = entries.pop(crm.kari.pk)
    assert (kari.subject, kari.attachment.subject, kari.attachment.body) == (
        "Invitasjon",
        "Invitasjon",
        "Vi ses på messen.",
    )
    (english,) = {entry.attachment for entry in entries.values()}
    assert english != kari.attachment
    assert (english.subject, english.body) == ("Invitation", "See you at the fair.")
    assert {entry.subject for entry in entries.values()} == {"Invitation"}
    assert kari.attachment.read_only and english.read_only


def test_shared_content_is_what_each_contact_is_sent(
    crm, staff_user, django_capture_on_commit_callbacks
):
    two_language_content(crm)
    segment = persons_segment(crm, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        logged = services.log_segment(segment=segment, actor=staff_user, send=True)
    run_worker()

    entries = {
        entry.contact.email: entry for entry in entries_by_contact(logged).values()
    }
    assert len(mail.outbox) == len(entries) == 4
    for message in mail.outbox:
        entry = entries[message.to[0]]
        content = message.body.split("\n\n-- \n")[0]
        assert (message.subject, content) == (entry.subject, entry.attachment.body)
    assert entries[crm.kari.email].attachment.body == "Vi ses på messen."


def test_merge_fields_in_one_language_render_that_language_per_entry(crm, staff_user):
    two_language_content(crm, nb_body="Hei {{ contact.name }}, vi ses {{ date }}.")
    segment = persons_segment(crm, staff_user)

    logged = services.log_segment(segment=segment, actor=staff_user)

    entries = entries_by_contact(logged)
    kari = entries.pop(crm.kari.pk)
    assert kari.attachment.body.startswith("Hei Kari Nordmann, vi ses ")
    assert not uses_merge_fields(kari.attachment.body)
    assert kari.subject == kari.attachment.subject == "Invitasjon"
    # The English content has no merge field: the others share one copy.
    assert len({entry.attachment_id for entry in entries.values()}) == 1
    assert kari.attachment_id not in {entry.attachment_id for entry in entries.values()}


def test_personalised_subject_gets_its_own_copy_of_plain_content(crm, staff_user):
    two_language_content(crm)
    segment = persons_segment(crm, staff_user)
    services.update_segment_line(
        actor=staff_user,
        line=segment.lines.get(contact=crm.ola),
        subject="Just for you, Ola",
    )

    logged = services.log_segment(segment=segment, actor=staff_user)

    entries = entries_by_contact(logged)
    ola = entries.pop(crm.ola.pk)
    assert ola.subject == ola.attachment.subject == "Just for you, Ola"
    assert ola.attachment.body == "See you at the fair."
    shared = {entry.attachment_id for entry in entries.values() if entry.language == ""}
    assert len(shared) == 1 and ola.attachment_id not in shared


def test_unknown_placeholders_are_plain_content(crm, staff_user):
    """Only whitelisted merge fields vary per contact; others stay as written."""
    crm.template.contents.update(subject="Hello", body="Price: {{ price }}")
    segment = persons_segment(crm, staff_user)

    logged = services.log_segment(segment=segment, actor=staff_user)

    (attachment,) = {entry.attachment for entry in logged.entries.all()}
    assert attachment.body == "Price: {{ price }}"


def test_plain_header_attachment_is_shared(segment_with_header_attachment, staff_user):
    segment, custom = segment_with_header_attachment
    logged = services.log_segment(segment=segment, actor=staff_user)

    (copy,) = {entry.attachment for entry in logged.entries.all()}
    assert (copy.subject, copy.body, copy.read_only) == ("Custom", "Plain body", True)
    assert copy != custom
    assert set(logged.entries.values_list("subject", flat=True)) == {"Custom"}


@pytest.fixture
def segment_with_header_attachment(crm, staff_user):
    segment = persons_segment(crm, staff_user)
    custom = Attachment.objects.create(subject="Custom", body="Plain body")
    Segment.objects.filter(pk=segment.pk).update(attachment=custom)
    segment.refresh_from_db()
    return segment, custom


@pytest.mark.parametrize("size", [10, 1000])
def test_plain_content_costs_no_query_per_batch(
    size, crm, staff_user, django_assert_num_queries
):
    company = factories.CompanyFactory(no="BULKCO")
    factories.PersonFactory.create_batch(size, company=company)
    crm.template.contents.update(subject="Hello", body="Plain")
    segment = services.create_segment(
        actor=staff_user, description="Bulk", template=crm.template
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"company": company.no}
    )
    assert segment.lines.count() == size + 1
    # savepoint; lock segment; already logged?; line checks and the lines'
    # distinct (template, language) (one grouped aggregate); insert logged
    # segment; the segment's own content; their templates; insert the shared copy;
    # INSERT … SELECT the entries, linked to it; add them to the contact
    # figures (one statement, issue #12 item 3); delete lines, criteria
    # actions, contents, header; audit event; release. No per-entry work.
    with django_assert_num_queries(16):
        logged = services.log_segment(segment=segment, actor=staff_user)
    assert logged.entries.filter(attachment__isnull=False).count() == size + 1
    assert (
        Attachment.objects.filter(entries__logged_segment=logged).distinct().count()
        == 1
    )


def test_shared_copy_is_deleted_with_its_last_entry(crm, staff_user):
    two_language_content(crm)
    logged = services.log_segment(
        segment=persons_segment(crm, staff_user), actor=staff_user
    )
    entries = entries_by_contact(logged)
    english = entries[crm.ola.pk].attachment
    norwegian = entries[crm.kari.pk].attachment

    services.cancel_entries(
        actor=staff_user, entries=[entries[crm.ola.pk], entries[crm.kari.pk]]
    )
    assert delete_canceled_entries(actor=staff_user, filters=CanceledEntryFilter()) == 2
    # Per and the loner still use the English copy; nobody uses the Norwegian.
    assert Attachment.objects.filter(pk=english.pk).exists()
    assert not Attachment.objects.filter(pk=norwegian.pk).exists()

    services.cancel_entries(actor=staff_user, entries=list(logged.entries.all()))
    assert delete_canceled_entries(actor=staff_user, filters=CanceledEntryFilter()) == 2
    assert not Attachment.objects.filter(pk=english.pk).exists()
