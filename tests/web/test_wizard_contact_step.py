"""The wizard's contact step (issue #13 item 3).

The contact is looked up, never guessed, and checked where it is chosen: an
ambiguous or unknown name, a privacy-blocked contact and e-mail for a contact
without an address are refused on step 1 (not at *Finish*, four steps later).
The htmx defaults refresh replaces step 1's messages: a fixed contact's
message goes, a new problem shows at once, old "required" messages vanish.
"""

import re

import pytest
from django.urls import reverse

from interactions.models import InteractionLogEntry
from interactions.web.wizard import state as wizard
from tests import factories

pytestmark = pytest.mark.django_db

CREATE = reverse("interactions:entry-create")
DEFAULTS = reverse("interactions:entry-create-defaults")


@pytest.fixture
def staff_client(client, staff_user, salesperson):
    client.force_login(staff_user)
    return client


@pytest.fixture
def letter(template):
    factories.TemplateContentFactory(template=template)
    return template


@pytest.fixture
def lunds(db):
    return {
        "as": factories.CompanyFactory(no="CT010", name="Lund AS"),
        "berg": factories.CompanyFactory(no="CT020", name="Lundberg Bygg"),
    }


def start(client, **params) -> str:
    response = client.get(CREATE, params)
    assert response.status_code == 200
    return response.context["state"].id


def step_one(contact: str, template, **values) -> dict[str, str]:
    return {
        "contact": contact,
        "template": template.code,
        "description": "About spring prices",
        "salesperson": "JO",
        "date": "2026-03-02",
        "time": "10:15",
        "correspondence_type": "",
        "information_flow": "outbound",
        "initiated_by": "us",
        "language": "",
        **values,
    }


def post_step_one(client, wizard_id: str, data: dict):
    return client.post(
        CREATE, {"wizard": wizard_id, "step": "contact", "nav": "next", **data}
    )


def stored(client, wizard_id: str) -> dict:
    return client.session[wizard.SESSION_KEY][wizard_id]["data"]["contact"]


# --- posting step 1 -----------------------------------------------------------------


def test_an_ambiguous_name_is_refused_naming_the_candidates(
    staff_client, lunds, letter
):
    wizard_id = start(staff_client)

    response = post_step_one(staff_client, wizard_id, step_one("Lund", letter))

    assert response.status_code == 400
    assert response.context["step"].name == "contact"
    message = response.context["form"].errors["contact"][0]
    assert "Lund AS (CT010)" in message and "Lundberg Bygg (CT020)" in message
    assert "Choose one" in message
    assert stored(staff_client, wizard_id)["contact"] == "Lund"  # shown again


def test_an_unknown_name_is_refused(staff_client, lunds, letter):
    wizard_id = start(staff_client)

    response = post_step_one(staff_client, wizard_id, step_one("Nobody", letter))

    assert response.status_code == 400
    assert response.context["form"].errors["contact"] == [
        "There is no contact matching “Nobody”."
    ]


def test_a_unique_name_is_resolved_and_stored_as_the_contact_no(
    staff_client, lunds, letter
):
    wizard_id = start(staff_client)
    data = step_one("lundberg", letter, defaults_for=f"CT020|{letter.code}")

    response = post_step_one(staff_client, wizard_id, data)

    assert response.status_code == 302
    assert stored(staff_client, wizard_id)["contact"] == "CT020"


def test_a_privacy_blocked_contact_is_refused_on_step_one(staff_client, letter):
    blocked = factories.CompanyFactory(no="CT777", privacy_blocked=True)
    wizard_id = start(staff_client)
    data = step_one(blocked.no, letter, defaults_for=f"{blocked.no}|{letter.code}")

    response = post_step_one(staff_client, wizard_id, data)

    assert response.status_code == 400
    assert response.context["step"].name == "contact"
    assert response.context["form"].errors["contact"] == [
        "Contact CT777 is privacy blocked; no interactions can be created."
    ]
    assert wizard.STEP_NAMES[
        staff_client.session[wizard.SESSION_KEY][wizard_id]["reached"]
    ] == ("contact")
    assert not InteractionLogEntry.objects.exists()


def test_finish_later_is_refused_for_a_blocked_contact_too(staff_client, letter):
    blocked = factories.CompanyFactory(no="CT777", privacy_blocked=True)
    wizard_id = start(staff_client)
    data = step_one(blocked.no, letter, defaults_for=f"{blocked.no}|{letter.code}")

    response = staff_client.post(
        CREATE, {"wizard": wizard_id, "step": "contact", "nav": "postpone", **data}
    )

    assert response.status_code == 400
    assert "privacy blocked" in response.context["form"].errors["contact"][0]
    assert not InteractionLogEntry.objects.exists()


def test_email_for_a_contact_without_an_address_is_refused_on_step_one(
    staff_client, letter
):
    no_address = factories.CompanyFactory(no="CT888", email="")
    wizard_id = start(staff_client)
    data = step_one(
        no_address.no,
        letter,
        correspondence_type="email",
        defaults_for=f"{no_address.no}|{letter.code}",
    )

    response = post_step_one(staff_client, wizard_id, data)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["correspondence_type"]
    assert "CT888 has no e-mail address" in errors["correspondence_type"][0]


def test_email_for_a_contact_with_an_address_goes_on(staff_client, letter):
    with_address = factories.CompanyFactory(no="CT889", email="a@example.com")
    wizard_id = start(staff_client)
    data = step_one(
        with_address.no,
        letter,
        correspondence_type="email",
        defaults_for=f"{with_address.no}|{letter.code}",
    )

    assert post_step_one(staff_client, wizard_id, data).status_code == 302


def test_fixing_the_contact_clears_its_message(staff_client, lunds, letter):
    wizard_id = start(staff_client)
    refused = post_step_one(staff_client, wizard_id, step_one("Lund", letter))
    assert "matches several contacts" in refused.content.decode()

    data = step_one("CT010", letter, defaults_for=f"CT010|{letter.code}")
    response = post_step_one(staff_client, wizard_id, data)

    assert response.status_code == 302
    page = staff_client.get(response.url.replace("step=content", "step=contact"))
    assert "matches several contacts" not in page.content.decode()


# --- the htmx defaults refresh ------------------------------------------------------


def defaults(client, wizard_id: str, **params):
    response = client.get(DEFAULTS, {"wizard": wizard_id, **params})
    assert response.status_code == 200
    return response.content.decode()


def oob_box(html: str, box_id: str) -> str:
    """The out-of-band container ``box_id`` of an htmx answer."""
    start = html.index(f'<div id="{box_id}"')
    return html[start : html.index("</div>", start) + len("</div>")]


def test_refresh_names_an_ambiguous_contact_at_once(staff_client, lunds, letter):
    wizard_id = start(staff_client)

    html = defaults(staff_client, wizard_id, contact="Lund", template=letter.code)

    box = oob_box(html, "wizard-contact-errors")
    assert 'hx-swap-oob="true"' in box
    assert "Lund AS (CT010)" in box and "Lundberg Bygg (CT020)" in box
    assert "Several contacts match what you typed" in html


def test_refresh_refuses_a_blocked_contact_at_once(staff_client, letter):
    factories.CompanyFactory(no="CT777", privacy_blocked=True)
    wizard_id = start(staff_client)

    html = defaults(staff_client, wizard_id, contact="CT777", template=letter.code)

    assert "privacy blocked" in oob_box(html, "wizard-contact-errors")


def test_refresh_clears_old_messages_once_fixed(staff_client, lunds, letter):
    wizard_id = start(staff_client)
    data = {**step_one("", letter), "template": ""}
    refused = post_step_one(staff_client, wizard_id, data)
    page = refused.content.decode()
    assert "This field is required." in oob_box(page, "wizard-contact-errors")
    assert "This field is required." in oob_box(page, "wizard-template-errors")

    html = defaults(staff_client, wizard_id, contact="CT010", template=letter.code)

    assert oob_box(html, "wizard-contact-errors").endswith('hx-swap-oob="true"></div>')
    assert oob_box(html, "wizard-template-errors").endswith('hx-swap-oob="true"></div>')
    assert '<div id="wizard-form-errors" hx-swap-oob="true"></div>' in html
    assert "This field is required." not in html


def test_step_one_has_a_combobox_described_by_its_message_box(staff_client):
    html = staff_client.get(CREATE).content.decode()

    assert 'id="id_contact_listbox" role="listbox"' in html
    assert 'data-lookup-url="/contacts/lookup/"' in html
    assert 'aria-describedby="id_contact_helptext wizard-contact-errors"' in html
    assert 'data-errors-for="id_contact"' in html


def test_contact_and_template_refreshes_cancel_each_other(staff_client):
    # Each field refreshes the details on change; an answer for the contact
    # alone arriving after the one for contact and template would show the
    # details without the template (seen in the browser test): one request
    # at a time for the form, the newer replacing the older.
    html = staff_client.get(CREATE).content.decode()

    fields = re.findall(r"<(?:input|select)[^>]*hx-trigger=\"change\"[^>]*>", html)
    assert [re.search(r'name="(\w+)"', field)[1] for field in fields] == [
        "contact",
        "template",
    ]
    assert all('hx-sync="closest form:replace"' in field for field in fields)


# --- started from another page -------------------------------------------------------


def test_started_with_an_ambiguous_contact_says_so_and_keeps_the_text(
    staff_client, lunds
):
    response = staff_client.get(CREATE, {"contact": "Lund"})

    html = response.content.decode()
    assert "“Lund” matches several contacts" in html
    assert 'value="Lund"' in html
    assert "readonly" not in html  # not fixed: the user chooses
    state_id = response.context["state"].id
    assert stored(staff_client, state_id)["contact"] == "Lund"


def test_started_for_a_blocked_contact_says_so_at_once(staff_client):
    factories.CompanyFactory(no="CT777", privacy_blocked=True)

    response = staff_client.get(CREATE, {"contact": "CT777"})

    assert (
        "Contact CT777 is privacy blocked; no interactions can be created."
        in response.content.decode()
    )
