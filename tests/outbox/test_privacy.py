"""The outbox's part of a person's data: export and erasure (issue #10 item 6)."""

import io
import json
import zipfile

import pytest

from interactions.models import EmailOptOutEvent, OptOutMethod, Suppression
from interactions.services import erase_contact, export_contact_data
from interactions.services.outbox import record_opt_out
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def opted_out(admin_user):
    person = factories.PersonFactory(email="Kari.Nordmann@Example.NO")
    record_opt_out(contact=person, method=OptOutMethod.LINK, message_id="<m1@crm>")
    return person


def test_export_holds_the_opt_out_history_and_the_suppression(opted_out, admin_user):
    archive = zipfile.ZipFile(
        io.BytesIO(export_contact_data(actor=admin_user, contact=opted_out))
    )

    consent = json.loads(archive.read("consent.json"))

    assert [event["address"] for event in consent["opt_out_history"]] == [
        "kari.nordmann@example.no"
    ]
    assert [row["address"] for row in consent["suppression"]] == [
        "kari.nordmann@example.no"
    ]


def test_erasure_removes_the_address_from_history_and_suppression_list(
    opted_out, admin_user
):
    other = Suppression.objects.create(address="someone.else@example.no")

    result = erase_contact(actor=admin_user, contact=opted_out)

    assert result.counts["opt_out_events"] == 1
    assert result.counts["suppressed_addresses"] == 1
    assert list(
        EmailOptOutEvent.objects.filter(contact=opted_out).values_list(
            "address", flat=True
        )
    ) == [""]
    assert list(Suppression.objects.values_list("pk", flat=True)) == [other.pk]
