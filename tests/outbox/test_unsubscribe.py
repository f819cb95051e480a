"""DOMAIN §12 / RFC 8058: the unsubscribe link — GET changes nothing, POST opts out.

Through the public page as a recipient (no login) or a mail client's
one-click POST (no CSRF token) would use it.
"""

import json
import time
from unittest import mock

import pytest
from django.conf import settings
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from interactions.models import (
    EmailOptOutEvent,
    OptOutMethod,
    OutboxMessage,
    Suppression,
    SuppressionReason,
)
from interactions.services.outbox.consent import unsubscribe_token
from tests.outbox.support import email_template, queue_email


@pytest.fixture
def message(db, staff_user, salesperson, person):
    queue_email(staff_user, person, email_template(), salesperson)
    return OutboxMessage.objects.get()


@pytest.fixture
def anonymous():
    """A mail client or recipient: no session, CSRF checks enforced."""
    return Client(enforce_csrf_checks=True)


def url(message) -> str:
    return reverse(
        "unsubscribe", kwargs={"token": unsubscribe_token(message.message_id)}
    )


def every_row() -> str:
    """The whole database's rows, to compare before and after a request."""
    dump = json.loads(_dump())
    return json.dumps(sorted(dump, key=lambda row: (row["model"], str(row["pk"]))))


def _dump() -> str:
    from io import StringIO

    out = StringIO()
    call_command(
        "dumpdata",
        "contacts",
        "interactions",
        "platform",
        "auth",
        exclude=["auth.permission"],
        stdout=out,
    )
    return out.getvalue()


def test_get_only_shows_a_confirmation_and_changes_no_row(anonymous, message):
    before = every_row()

    response = anonymous.get(url(message))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Do you want to stop receiving marketing e-mail" in content
    assert '<form method="post">' in content
    assert every_row() == before


def test_one_click_post_opts_out_without_login_or_csrf_token(
    anonymous, message, person, django_assert_num_queries
):
    # Pinned: the message with its contact; in one transaction (2) the
    # contact's flag, its history, the suppression lookup and insert (in a
    # savepoint: 3) and the audit event. No session, no user.
    with django_assert_num_queries(10):
        response = anonymous.post(url(message), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    person.refresh_from_db()
    assert person.email_opt_out
    event = EmailOptOutEvent.objects.get()
    assert (event.method, event.message_id, event.by) == (
        OptOutMethod.ONE_CLICK,
        message.message_id,
        None,
    )
    suppression = Suppression.objects.get()
    assert (suppression.address, suppression.reason) == (
        person.email.lower(),
        SuppressionReason.OPT_OUT,
    )


def test_the_pages_button_records_how(anonymous, message):
    anonymous.post(url(message))
    assert EmailOptOutEvent.objects.get().method == OptOutMethod.LINK


def test_second_post_changes_nothing_more(anonymous, message):
    anonymous.post(url(message), {"List-Unsubscribe": "One-Click"})
    before = every_row()
    assert anonymous.post(url(message)).status_code == 200
    assert every_row() == before


def test_forged_token_is_refused_and_changes_nothing(anonymous, message):
    before = every_row()
    token = unsubscribe_token(message.message_id)
    response = anonymous.post(
        reverse("unsubscribe", kwargs={"token": token[:-2] + "xx"})
    )
    assert response.status_code == 404
    assert every_row() == before


def test_the_token_is_the_same_whenever_it_is_made(message):
    # The body's link (queued) and the List-Unsubscribe header (sent later)
    # must be one URL; a timestamp in the token made them differ.
    first = unsubscribe_token(message.message_id)
    with mock.patch("time.time", return_value=time.time() + 3600):
        later = unsubscribe_token(message.message_id)
    assert first == later


def test_a_link_sent_with_a_timestamped_token_still_works(anonymous, message):
    old = signing.dumps(
        message.message_id, salt=settings.CRM_UNSUBSCRIBE_SALT, compress=True
    )
    response = anonymous.post(
        reverse("unsubscribe", kwargs={"token": old}),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    assert EmailOptOutEvent.objects.count() == 1


def test_only_the_unsubscribe_view_skips_the_csrf_check(anonymous, staff_user):
    anonymous.force_login(staff_user)
    response = anonymous.post(reverse("interactions:entry-bulk"), {})
    assert response.status_code == 403


def test_norwegian_page(anonymous, message):
    response = anonymous.get(url(message), HTTP_ACCEPT_LANGUAGE="nb")
    assert "Vil du slutte å få markedsførings-e-post" in response.content.decode()


def test_rate_limited_per_client(anonymous, message, settings):
    settings.CRM_UNSUBSCRIBE_RATE_PER_MINUTE = 2
    from django.core.cache import cache

    cache.clear()
    assert anonymous.get(url(message)).status_code == 200
    assert anonymous.get(url(message)).status_code == 200
    assert anonymous.get(url(message)).status_code == 429
    assert anonymous.post(url(message)).status_code == 429
    assert not EmailOptOutEvent.objects.exists()
