"""The staff page: access, GET changes nothing, export download, erase flow."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.urls import reverse

from contacts.models import Contact
from interactions.models import InteractionLogEntry
from interactions.services import add_comment
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.conftest import grant

pytestmark = pytest.mark.django_db

PRIVACY_OFFICER_PERMISSIONS = (
    "contacts.view_contact",
    "contacts.change_contact",
    "contacts.delete_contact",
    "interactions.view_interactionlogentry",
    "interactions.change_interactionlogentry",
)


def row_counts() -> dict[str, int]:
    """Rows of every table (a GET must not change one)."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def page(contact: Contact, name: str = "contact-personal-data") -> str:
    return reverse(f"interactions:{name}", kwargs={"no": contact.no})


@pytest.fixture
def officer(db):
    """Staff (admin access) with exactly the permissions the pages need."""
    user = factories.UserFactory(username="privacy-officer", is_staff=True)
    grant(user, *PRIVACY_OFFICER_PERMISSIONS)
    return user


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.mark.parametrize(
    "name", ["contact-personal-data", "contact-personal-data-export", "contact-erase"]
)
def test_anonymous_is_sent_to_login(client, person, name):
    response = client.get(page(person, name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "contact-personal-data"),
        ("post", "contact-personal-data-export"),
        ("get", "contact-erase"),
        ("post", "contact-erase"),
    ],
)
def test_staff_without_the_permissions_gets_403(
    client, staff_user, person, method, name
):
    """Sales staff may view contacts and entries but are no staff (admin) users."""
    client.force_login(staff_user)

    response = getattr(client, method)(page(person, name))

    assert response.status_code == 403


def test_export_permissions_alone_do_not_open_the_erasure(client, person):
    user = factories.UserFactory(username="reader", is_staff=True)
    grant(user, "contacts.view_contact", "interactions.view_interactionlogentry")
    client.force_login(user)

    assert client.get(page(person)).status_code == 200
    assert client.get(page(person, "contact-erase")).status_code == 403


def test_get_and_head_change_nothing(officer_client, marked_person):
    before = row_counts()

    for name in ("contact-personal-data", "contact-erase"):
        assert officer_client.get(page(marked_person, name)).status_code == 200
        assert officer_client.head(page(marked_person, name)).status_code == 200
    assert (
        officer_client.get(
            page(marked_person, "contact-personal-data-export")
        ).status_code
        == 405
    )

    assert row_counts() == before


def test_the_page_names_the_counts_and_the_card_links_to_it(
    officer_client, marked_person
):
    response = officer_client.get(page(marked_person))

    assert "5 entries&#x27; text" in response.text
    assert "2 comments" in response.text
    card = officer_client.get(
        reverse("contacts:contact-detail", args=[marked_person.no])
    )
    assert page(marked_person) in card.text


def test_download_the_export(officer_client, marked_person, officer):
    response = officer_client.post(page(marked_person, "contact-personal-data-export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"personal-data-{marked_person.no}.zip" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {"contact.json", "entries.json", "audit.json"} <= set(archive.namelist())
    assert (
        AuditEvent.objects.get(action="contact.export_personal_data").actor == officer
    )


def confirm_form(client, contact) -> dict[str, str]:
    response = client.get(page(contact, "contact-erase"))
    form = response.context["form"]
    return {"confirm": contact.no, "counts": form.initial["counts"]}


def test_erase_after_confirmation(officer_client, marked_person):
    data = confirm_form(officer_client, marked_person)
    assert json.loads(data["counts"])["entries"] == 5

    response = officer_client.post(
        page(marked_person, "contact-erase"), data, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse(
        "contacts:contact-detail", args=[marked_person.no]
    )
    assert "has been erased" in response.text
    assert Contact.objects.get(pk=marked_person.pk).name.startswith("Erased contact")


def test_a_wrong_contact_number_erases_nothing(officer_client, marked_person):
    data = confirm_form(officer_client, marked_person) | {"confirm": "CT999"}

    response = officer_client.post(page(marked_person, "contact-erase"), data)

    assert response.status_code == 200
    assert f"Type {marked_person.no} exactly" in response.text
    assert Contact.objects.get(pk=marked_person.pk).name == "Qzxname Nordmann"


def test_a_stale_confirmation_is_refused_with_the_new_counts(
    officer_client, marked_person, admin_user
):
    data = confirm_form(officer_client, marked_person)
    entry = InteractionLogEntry.objects.filter(contact=marked_person).first()
    add_comment(actor=admin_user, entry=entry, text="Meanwhile")

    response = officer_client.post(page(marked_person, "contact-erase"), data)

    assert "changed since the confirmation" in response.text
    assert "3 comments" in response.text
    assert json.loads(response.context["form"].data["counts"])["comments"] == 3
    assert Contact.objects.get(pk=marked_person.pk).name == "Qzxname Nordmann"
    # Confirming the new counts erases.
    again = officer_client.post(
        page(marked_person, "contact-erase"),
        {
            "confirm": marked_person.no,
            "counts": response.context["form"].data["counts"],
        },
    )
    assert again.status_code == 302


def test_a_company_with_persons_shows_why_it_cannot_be_erased(
    officer_client, company, person
):
    response = officer_client.get(page(company, "contact-erase"))

    assert "still has 1 person" in response.text
    assert 'name="confirm"' not in response.text


def test_an_erased_contact_says_nothing_is_left(
    officer_client, marked_person, admin_user
):
    from interactions.services import erase_contact

    erase_contact(actor=admin_user, contact=marked_person)

    response = officer_client.get(page(marked_person, "contact-erase"))

    assert "nothing is left to erase" in response.text
    assert 'name="confirm"' not in response.text
