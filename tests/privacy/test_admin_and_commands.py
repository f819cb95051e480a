"""The admin actions on contacts and the two management commands."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from contacts.models import Contact
from interactions_crm.platform.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:contacts_contact_changelist")


def run_action(client, action: str, *contacts: Contact):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in contacts]},
    )


def test_admin_export_action_downloads_the_zip(admin_client, marked_person):
    response = run_action(admin_client, "export_personal_data", marked_person)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "contact.json" in archive.namelist()
    assert AuditEvent.objects.filter(action="contact.export_personal_data").count() == 1


def test_admin_erase_action_opens_the_confirmation(admin_client, marked_person):
    response = run_action(admin_client, "erase_personal_data", marked_person)

    assert response.status_code == 302
    assert response.url == reverse(
        "interactions:contact-erase", args=[marked_person.no]
    )
    assert Contact.objects.get(pk=marked_person.pk).name == "Qzxname Nordmann"


def test_admin_actions_take_one_contact(admin_client, company, person):
    response = run_action(admin_client, "export_personal_data", company, person)

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("exactly one contact" in m for m in messages)
    assert not AuditEvent.objects.filter(action="contact.export_personal_data").exists()


def test_admin_actions_refuse_a_user_without_the_permissions(client, person):
    from tests.conftest import grant

    user = factories.UserFactory(username="clerk", is_staff=True)
    grant(user, "contacts.view_contact", "contacts.change_contact")
    client.force_login(user)

    response = run_action(client, "export_personal_data", person)

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("needs staff status" in m for m in messages)
    assert not AuditEvent.objects.filter(action="contact.export_personal_data").exists()


def test_export_command_writes_the_zip(marked_person, tmp_path):
    target = tmp_path / "out.zip"
    out = io.StringIO()

    call_command("export_contact_data", marked_person.no, str(target), stdout=out)

    with zipfile.ZipFile(target) as archive:
        assert "entries.json" in archive.namelist()
    assert marked_person.no in out.getvalue()
    with pytest.raises(CommandError, match="exists"):
        call_command("export_contact_data", marked_person.no, str(target))


def test_erase_command_dry_run_changes_nothing(marked_person):
    out = io.StringIO()
    events = AuditEvent.objects.count()

    call_command("erase_contact", marked_person.no, stdout=out)

    assert "Dry run" in out.getvalue()
    assert "5 entries' text" in out.getvalue()
    assert Contact.objects.get(pk=marked_person.pk).name == "Qzxname Nordmann"
    assert AuditEvent.objects.count() == events


def test_erase_command_with_yes_erases_then_says_nothing_is_left(marked_person):
    out = io.StringIO()

    call_command("erase_contact", marked_person.no, "--yes", stdout=out)
    call_command("erase_contact", marked_person.no, "--yes", stdout=out)

    lines = out.getvalue().splitlines()
    assert "has been erased" in lines[0]
    assert "nothing left to erase" in lines[1]
    event = AuditEvent.objects.get(action="contact.erase")
    assert event.actor is None and event.actor_repr == "system"


def test_erase_command_refuses_a_company_with_persons(company, person):
    with pytest.raises(CommandError, match="still has 1 person"):
        call_command("erase_contact", company.no, "--yes")


def test_commands_refuse_an_unknown_contact(db, tmp_path):
    with pytest.raises(CommandError, match="No contact"):
        call_command("erase_contact", "NOPE")
    with pytest.raises(CommandError, match="No contact"):
        call_command("export_contact_data", "NOPE", str(tmp_path / "x.zip"))
