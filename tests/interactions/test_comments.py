"""DOMAIN §3: dated comment lines on an entry, audited."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from interactions.models import EntryComment, InteractionLogEntry
from interactions.services import add_comment, create_interaction
from interactions_crm.platform.models import AuditEvent
from tests.figures_recount import refigure


@pytest.fixture
def entry(staff_user, salesperson, person, template):
    entry = create_interaction(actor=staff_user, contact=person, template=template)
    AuditEvent.objects.all().delete()
    return entry


def test_adds_a_dated_comment_with_author(entry, staff_user):
    comment = add_comment(actor=staff_user, entry=entry, text="  Wants a demo  ")

    comment.refresh_from_db()
    assert comment.entry == entry
    assert comment.text == "Wants a demo"
    assert comment.code == ""
    assert comment.date == timezone.localdate()
    assert comment.author == staff_user


def test_code_and_date_can_be_given(entry, staff_user):
    comment = add_comment(
        actor=staff_user,
        entry=entry,
        text="Follow up",
        code="FU",
        date=dt.date(2026, 2, 3),
    )

    assert (comment.code, comment.date) == ("FU", dt.date(2026, 2, 3))


def test_audit_event(entry, staff_user):
    comment = add_comment(actor=staff_user, entry=entry, text="Noted")

    event = AuditEvent.objects.get()
    assert event.action == "entry.comment"
    assert event.actor == staff_user
    assert event.object_id == str(entry.entry_no)
    assert event.changes["comment_id"] == comment.pk


def test_comment_allowed_on_canceled_entry(entry, staff_user):
    entry.canceled = True
    entry.save(update_fields=["canceled"])
    refigure(InteractionLogEntry.objects.filter(pk=entry.pk))

    assert add_comment(actor=staff_user, entry=entry, text="Why canceled").pk


@pytest.mark.parametrize("text", ["", "   "])
def test_text_required(entry, staff_user, text):
    with pytest.raises(ValidationError) as caught:
        add_comment(actor=staff_user, entry=entry, text=text)

    assert caught.value.message_dict == {"text": ["You must fill in the comment."]}
    assert not EntryComment.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("text", "x" * 501), ("code", "C" * 21)])
def test_too_long_refused_on_its_field(entry, staff_user, field, value):
    arguments = {"text": "ok", field: value}

    with pytest.raises(ValidationError) as caught:
        add_comment(actor=staff_user, entry=entry, **arguments)

    assert field in caught.value.message_dict
    assert not EntryComment.objects.exists()
