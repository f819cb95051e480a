"""Erasure: no trace of the person, figures unchanged, refusals, idempotence."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from contacts.models import Contact
from interactions.models import EntryComment, InteractionLogEntry, SegmentLine
from interactions.selectors.statistics import contact_statistics
from interactions.services import erase_contact, erasure_counts
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.privacy.conftest import MARKERS

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def surviving_markers(media_root: Path) -> list[str]:
    """Where a marker survives: every text column of every table, and the files."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        columns = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)
        ]
        if not columns:
            continue
        for row in model._base_manager.values_list("pk", *columns).iterator():
            for column, value in zip(columns, row[1:], strict=True):
                text = str(value).lower()
                found += [
                    f"{model._meta.label}.{column} (pk {row[0]}): {marker!r}"
                    for marker in MARKERS
                    if marker.lower() in text
                ]
    for path in media_root.rglob("*") if media_root.exists() else ():
        if path.is_file():
            text = path.read_bytes().decode(errors="replace").lower()
            found += [
                f"file {path.name}: {marker!r}"
                for marker in MARKERS
                if marker.lower() in text or marker.lower() in path.name.lower()
            ]
    return found


def figures(contact: Contact, company: Contact) -> list:
    """Every figure of the contact's entries, and both statistics."""
    rows = list(
        InteractionLogEntry.objects.filter(contact=contact)
        .order_by("entry_no")
        .values_list(
            "entry_no",
            "date",
            "time",
            "cost",
            "duration",
            "template_id",
            "group_id",
            "campaign_id",
            "salesperson_id",
            "evaluation",
            "canceled",
            "postponed",
            "attempt_failed",
            "contact_company_id",
            "document_type",
        )
    )
    return [rows, contact_statistics(contact), contact_statistics(company)]


def test_the_markers_are_there_before(marked_person, media_root):
    """The search finds what the fixture stored (else the next test proves nothing)."""
    found = "\n".join(surviving_markers(media_root))
    for marker in MARKERS:
        assert marker.lower() in found.lower(), marker


def test_erasure_leaves_no_trace_of_the_person(
    marked_person, media_root, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = erase_contact(actor=admin_user, contact=marked_person)

    assert not result.already_erased
    assert surviving_markers(media_root) == []


def test_erasure_pseudonymises_the_contact_and_blocks_it(marked_person, admin_user):
    erase_contact(actor=admin_user, contact=marked_person)

    contact = Contact.objects.get(pk=marked_person.pk)
    assert contact.name == f"Erased contact {contact.no}"
    assert contact.privacy_blocked
    assert contact.email == contact.phone == contact.address == contact.city == ""
    assert contact.company_id == marked_person.company_id


def test_figures_and_statistics_are_unchanged(marked_person, company, admin_user):
    before = figures(marked_person, company)

    erase_contact(actor=admin_user, contact=marked_person)

    assert figures(marked_person, company) == before
    assert InteractionLogEntry.objects.filter(contact=marked_person).count() == 5


def test_one_audit_event_records_the_erasure_with_its_counts(marked_person, admin_user):
    counts = erasure_counts(contact=marked_person)

    result = erase_contact(actor=admin_user, contact=marked_person)

    event = AuditEvent.objects.get(action="contact.erase")
    assert event.actor == admin_user
    assert event.changes == {"no": marked_person.no, "counts": result.counts}
    assert result.counts == counts
    assert counts["entries"] == 5
    assert counts["comments"] == 2
    assert counts["attachments"] == 2  # the wizard's content, the e-mail's
    assert counts["segment_lines"] == 2  # the line and its "go back" snapshot


def test_audit_events_about_the_person_keep_action_and_count(marked_person, admin_user):
    actions_before = sorted(
        AuditEvent.objects.filter(
            object_type="contacts.contact", object_id=str(marked_person.pk)
        ).values_list("action", "count")
    )

    erase_contact(actor=admin_user, contact=marked_person)

    about = AuditEvent.objects.filter(
        object_type="contacts.contact", object_id=str(marked_person.pk)
    ).exclude(action="contact.erase")
    assert sorted(about.values_list("action", "count")) == [
        pair for pair in actions_before if pair[0] != "contact.erase"
    ]
    assert all(changes == {} for changes in about.values_list("changes", flat=True))


def test_the_segment_line_is_removed_and_go_back_cannot_restore_it(
    marked_person, admin_user
):
    from interactions.services import go_back

    segment = SegmentLine.objects.get(contact=marked_person).segment

    erase_contact(actor=admin_user, contact=marked_person)
    go_back(segment=segment, actor=admin_user)
    go_back(segment=segment, actor=admin_user)

    assert not SegmentLine.objects.filter(contact=marked_person).exists()


def test_erasing_twice_changes_nothing_the_second_time(marked_person, admin_user):
    erase_contact(actor=admin_user, contact=marked_person)
    events = AuditEvent.objects.count()

    again = erase_contact(actor=admin_user, contact=marked_person)

    assert again.already_erased
    assert "nothing" in again.message
    assert AuditEvent.objects.count() == events
    assert not any(erasure_counts(contact=marked_person).values())


def test_a_comment_added_after_erasure_is_erased_by_the_next_run(
    marked_person, admin_user
):
    from interactions.services import add_comment

    erase_contact(actor=admin_user, contact=marked_person)
    entry = InteractionLogEntry.objects.filter(contact=marked_person).first()
    add_comment(actor=admin_user, entry=entry, text="Late note")

    again = erase_contact(actor=admin_user, contact=marked_person)

    assert not again.already_erased
    assert again.counts["comments"] == 1
    assert not EntryComment.objects.filter(text="Late note").exists()


def test_a_stale_confirmation_is_refused_and_nothing_changes(marked_person, admin_user):
    from interactions.services import add_comment

    shown = erasure_counts(contact=marked_person)
    entry = InteractionLogEntry.objects.filter(contact=marked_person).first()
    add_comment(actor=admin_user, entry=entry, text="Added meanwhile")

    with pytest.raises(ValidationError, match="changed since the confirmation"):
        erase_contact(actor=admin_user, contact=marked_person, expected_counts=shown)

    assert Contact.objects.get(pk=marked_person.pk).name == "Qzxname Nordmann"
    assert not AuditEvent.objects.filter(action="contact.erase").exists()


def test_a_company_with_persons_is_refused(company, person, admin_user):
    with pytest.raises(ValidationError, match="still has 1 person"):
        erase_contact(actor=admin_user, contact=company)

    assert Contact.objects.get(pk=company.pk).name == company.name


def test_a_company_without_persons_is_erased(admin_user):
    company = factories.CompanyFactory(name="Enkeltmannsforetak Qzx")

    result = erase_contact(actor=admin_user, contact=company)

    assert result.counts["contact_fields"] > 0
    assert Contact.objects.get(pk=company.pk).name.startswith("Erased contact")


def test_a_shared_attachment_is_not_touched(admin_user, company, salesperson, settings):
    """An attachment another contact's entry also uses is left as it is."""
    from interactions.models import Attachment

    template = factories.TemplateFactory(code="NEWS", group__code="NEWS")
    erased, other = (
        factories.PersonFactory(company=company),
        factories.PersonFactory(company=company),
    )
    shared = Attachment.objects.create(subject="News", body="Spring news")
    for contact in (erased, other):
        entry = factories.make_entry(contact, template)
        InteractionLogEntry.objects.filter(pk=entry.pk).update(attachment=shared)

    result = erase_contact(actor=admin_user, contact=erased)

    assert result.counts["attachments"] == 1
    assert InteractionLogEntry.objects.get(contact=erased).attachment is None
    assert InteractionLogEntry.objects.get(contact=other).attachment == shared
    assert Attachment.objects.get(pk=shared.pk).body == "Spring news"


def test_an_attachment_of_its_own_is_deleted_with_its_file(
    marked_person, admin_user, media_root, django_capture_on_commit_callbacks
):
    from interactions.models import Attachment

    own = list(
        Attachment.objects.filter(entries__contact=marked_person).values_list(
            "pk", flat=True
        )
    )
    assert len(list(media_root.rglob("*.txt"))) == 1

    with django_capture_on_commit_callbacks(execute=True):
        erase_contact(actor=admin_user, contact=marked_person)

    assert not Attachment.objects.filter(pk__in=own).exists()
    assert list(media_root.rglob("*.txt")) == []
