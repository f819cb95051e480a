"""Staff record a contact's e-mail opt-out (and its withdrawal) in admin."""

import pytest
from django.urls import reverse

from interactions.models import EmailOptOutEvent, OptOutMethod, Suppression
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:contacts_contact_changelist")


def run_action(client, action, contacts):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [contact.pk for contact in contacts]},
        follow=True,
    )


def test_staff_opt_out_is_recorded_with_who_and_how(admin_client, admin_user):
    person = factories.PersonFactory(email="ola@example.no")

    response = run_action(admin_client, "opt_out_of_marketing_email", [person])

    person.refresh_from_db()
    assert person.email_opt_out
    event = EmailOptOutEvent.objects.get(contact=person)
    assert (event.opted_out, event.method, event.by) == (
        True,
        OptOutMethod.STAFF,
        admin_user,
    )
    assert Suppression.objects.filter(address="ola@example.no").exists()
    assert "1 contact opted out of marketing e-mail." in response.content.decode()


def test_withdrawal_says_which_were_left_as_they_were(admin_client):
    opted = factories.PersonFactory(email="kari@example.no")
    never = factories.PersonFactory(email="per@example.no")
    run_action(admin_client, "opt_out_of_marketing_email", [opted])

    response = run_action(admin_client, "withdraw_email_opt_out", [opted, never])

    opted.refresh_from_db()
    assert not opted.email_opt_out
    assert not Suppression.objects.filter(address="kari@example.no").exists()
    text = response.content.decode()
    assert "1 contact gets marketing e-mail again." in text
    assert "1 had not opted out and was left as it was." in text
