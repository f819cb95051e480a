"""DOMAIN §4.4: postponed interactions — save, resume (same entry), delete directly."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from interactions.models import Attachment, EntryComment, InteractionLogEntry
from interactions.services import (
    create_interaction,
    delete_postponed_entries,
    resume_interaction,
)
from interactions_crm.platform.models import AuditEvent
from tests import factories


@pytest.fixture
def nobody(db):
    """A user without a salesperson: postponing must not need one."""
    return factories.UserFactory(username="nobody")


@pytest.fixture
def postponed(nobody, person, template):
    template.description = ""
    template.save()
    return create_interaction(
        actor=nobody,
        contact=person,
        template=template,
        date=dt.date(2026, 1, 5),
        comments=["Call back after lunch"],
        postpone=True,
    )


def test_postpone_needs_only_contact_and_template(postponed):
    assert postponed.postponed is True
    assert postponed.salesperson is None
    assert postponed.description == ""
    assert AuditEvent.objects.get().action == "entry.postpone"


def test_postpone_still_needs_contact_and_template(nobody, person):
    with pytest.raises(ValidationError) as caught:
        create_interaction(actor=nobody, contact=person, template=None, postpone=True)

    assert "template" in caught.value.message_dict
    assert not InteractionLogEntry.objects.exists()


def test_postponed_entries_are_invisible_in_log_and_statistics(postponed):
    assert not InteractionLogEntry.objects.visible().exists()
    assert not InteractionLogEntry.objects.counted().exists()
    assert InteractionLogEntry.objects.all().totals()["count"] == 0
    assert list(InteractionLogEntry.objects.postponed()) == [postponed]


def test_postponed_entry_does_not_send(staff_user, salesperson, person, template):
    factories.TemplateContentFactory(template=template)

    entry = create_interaction(
        actor=staff_user,
        contact=person,
        template=template,
        correspondence_type="email",
        send=True,
        postpone=True,
    )

    assert entry.delivery_status == ""


def test_postponing_a_privacy_blocked_contact_is_refused(nobody, person, template):
    person.privacy_blocked = True
    person.save()

    with pytest.raises(ValidationError) as caught:
        create_interaction(
            actor=nobody, contact=person, template=template, postpone=True
        )

    assert "contact" in caught.value.message_dict
    assert not InteractionLogEntry.objects.exists()


class TestResume:
    def test_finishing_turns_the_same_entry_into_a_normal_one(
        self, postponed, staff_user, salesperson
    ):
        entry = resume_interaction(
            actor=staff_user, entry=postponed, description="Called back"
        )

        assert entry.entry_no == postponed.entry_no
        assert InteractionLogEntry.objects.count() == 1
        entry.refresh_from_db()
        assert entry.postponed is False
        assert entry.description == "Called back"
        assert entry.salesperson == salesperson  # found by the defaults now
        assert entry.logged_by == staff_user
        assert list(InteractionLogEntry.objects.visible()) == [entry]
        assert AuditEvent.objects.filter(action="entry.resume").count() == 1

    def test_date_resets_to_today(self, postponed, staff_user, salesperson):
        entry = resume_interaction(actor=staff_user, entry=postponed, description="x")

        assert entry.date == timezone.localdate()

    def test_stored_values_are_kept(self, nobody, person, template, staff_user):
        salesperson = factories.SalespersonFactory(code="KEPT")
        entry = create_interaction(
            actor=nobody,
            contact=person,
            template=template,
            salesperson=salesperson,
            cost=Decimal("42"),
            evaluation="negative",
            postpone=True,
        )

        finished = resume_interaction(actor=staff_user, entry=entry)

        assert finished.salesperson == salesperson
        assert finished.cost == Decimal("42")
        assert finished.evaluation == "negative"

    def test_finishing_applies_full_validation(self, postponed, nobody):
        with pytest.raises(ValidationError) as caught:
            resume_interaction(actor=nobody, entry=postponed)

        assert set(caught.value.message_dict) == {"salesperson", "description"}
        postponed.refresh_from_db()
        assert postponed.postponed is True
        assert not AuditEvent.objects.filter(action="entry.resume").exists()

    def test_saving_again_keeps_it_postponed(self, postponed, nobody):
        entry = resume_interaction(
            actor=nobody, entry=postponed, description="Still later", postpone=True
        )

        entry.refresh_from_db()
        assert entry.postponed is True
        assert entry.description == "Still later"

    def test_new_template_redefaults_its_values(
        self, postponed, staff_user, salesperson
    ):
        other = factories.TemplateFactory(
            code="MEETING", unit_cost=Decimal("250"), description="Meeting"
        )

        entry = resume_interaction(actor=staff_user, entry=postponed, template=other)

        assert entry.template == other
        assert entry.group == other.group
        assert entry.cost == Decimal("250")
        assert entry.description == "Meeting"

    def test_given_comments_replace_the_old_ones(
        self, postponed, staff_user, salesperson
    ):
        resume_interaction(
            actor=staff_user, entry=postponed, description="x", comments=["New"]
        )

        assert list(postponed.comments.values_list("text", flat=True)) == ["New"]

    def test_comments_kept_when_none_given(self, postponed, staff_user, salesperson):
        resume_interaction(actor=staff_user, entry=postponed, description="x")

        assert list(postponed.comments.values_list("text", flat=True)) == [
            "Call back after lunch"
        ]

    def test_prepared_content_is_kept(self, nobody, person, template, staff_user):
        factories.TemplateContentFactory(template=template)
        entry = create_interaction(
            actor=nobody,
            contact=person,
            template=template,
            body="Edited before lunch",
            postpone=True,
        )
        old_attachment = entry.attachment
        assert old_attachment.read_only is False

        finished = resume_interaction(
            actor=staff_user,
            entry=entry,
            salesperson=factories.SalespersonFactory(),
        )

        assert finished.attachment.body == "Edited before lunch"
        assert finished.attachment.read_only is True
        # The postponed draft's own attachment is replaced, not left behind.
        assert not Attachment.objects.filter(pk=old_attachment.pk).exists()

    def test_only_postponed_entries_can_be_resumed(
        self, staff_user, salesperson, person, template
    ):
        logged = create_interaction(actor=staff_user, contact=person, template=template)

        with pytest.raises(ValidationError) as caught:
            resume_interaction(actor=staff_user, entry=logged, description="Again")

        assert caught.value.message_dict == {
            "entry": ["Only postponed interactions can be resumed."]
        }
        logged.refresh_from_db()
        assert logged.description == "Template LETTER"

    def test_unknown_value_is_a_programming_error(self, postponed, staff_user):
        with pytest.raises(TypeError):
            resume_interaction(actor=staff_user, entry=postponed, colour="red")


class TestDeletePostponed:
    def test_deletes_postponed_entries_with_comments_and_attachments(
        self, postponed, nobody, person, template
    ):
        factories.TemplateContentFactory(template=template)
        with_content = create_interaction(
            actor=nobody, contact=person, template=template, postpone=True
        )
        selection = InteractionLogEntry.objects.filter(
            pk__in=[postponed.pk, with_content.pk]
        )

        count = delete_postponed_entries(actor=nobody, entries=selection)

        assert count == 2
        assert not InteractionLogEntry.objects.exists()
        assert not EntryComment.objects.exists()
        assert not Attachment.objects.exists()
        event = AuditEvent.objects.get(action="entry.delete_postponed")
        assert event.count == 2
        assert event.actor == nobody

    def test_refuses_a_selection_with_logged_entries(
        self, postponed, staff_user, salesperson, person, template
    ):
        logged = create_interaction(
            actor=staff_user, contact=person, template=template, description="Done"
        )

        with pytest.raises(ValidationError) as caught:
            delete_postponed_entries(
                actor=staff_user, entries=InteractionLogEntry.objects.all()
            )

        assert "entries" in caught.value.message_dict
        assert set(InteractionLogEntry.objects.all()) == {postponed, logged}
        assert not AuditEvent.objects.filter(action="entry.delete_postponed").exists()

    def test_empty_selection_deletes_nothing(self, nobody):
        assert (
            delete_postponed_entries(
                actor=nobody, entries=InteractionLogEntry.objects.none()
            )
            == 0
        )
        assert not AuditEvent.objects.exists()
