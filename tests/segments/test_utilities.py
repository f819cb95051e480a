"""A segment's utilities (issue #13 item 4; NAV segment page §11.4).

* Apply Mailing Group: the segment's contacts join a mailing group (once
  each), optionally after the group's other members leave it — service, staff
  action and API action, with the counts.
* Export Contacts: CSV of the lines' contacts with labels in the user's
  language (header and values), never codes.
* Labels and cover sheets: print pages for the hard-copy lines (``?lines=all``
  for every line), no inline styles.
"""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from contacts.models import MailingGroup
from interactions import services
from interactions.services.segments.utilities import apply_mailing_group
from interactions.web.segments import utilities
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.api.conftest import token_client
from tests.conftest import grant


@pytest.fixture
def segment(crm, staff_user):
    """Kari, Ola (Fjord) and Per (Bre); Per on paper."""
    segment = services.create_segment(
        actor=staff_user, description="Trade show", template=crm.template
    )
    for contact in (crm.kari, crm.ola, crm.per):
        services.add_contact_to_segment(
            segment=segment, actor=staff_user, contact=contact
        )
    per = segment.lines.get(contact=crm.per)
    services.update_segment_line(
        actor=staff_user, line=per, correspondence_type="hard_copy"
    )
    return segment


@pytest.fixture
def newsletter(crm):
    """NEWSLETTER (Lise is a member, made by the crm fixture)."""
    return MailingGroup.objects.get(code="NEWSLETTER")


def members(group) -> list[str]:
    return sorted(group.contacts.values_list("no", flat=True))


def url(name, segment) -> str:
    return reverse(f"interactions:{name}", kwargs={"no": segment.no})


# --- Apply Mailing Group --------------------------------------------------------------


def test_apply_mailing_group_adds_each_contact_once(
    segment, crm, newsletter, staff_user
):
    crm.kari.mailing_groups.add(newsletter)
    services.add_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"contact_no": crm.ola.no},
        allow_existing=True,
    )
    assert segment.lines.filter(contact=crm.ola).count() == 2
    outcome = apply_mailing_group(
        segment=segment, actor=staff_user, mailing_group=newsletter
    )
    assert (outcome.added, outcome.already_members, outcome.removed) == (2, 1, 0)
    assert members(newsletter) == sorted(crm.nos(crm.kari, crm.ola, crm.per, crm.lise))
    assert outcome.message() == (
        "2 contacts have been added to mailing group NEWSLETTER. "
        "1 contact already was a member."
    )
    event = AuditEvent.objects.get(action="segment.apply_mailing_group")
    assert event.changes["added"] == 2
    # Applying again adds nobody.
    again = apply_mailing_group(
        segment=segment, actor=staff_user, mailing_group=newsletter
    )
    assert (again.added, again.already_members) == (0, 3)


def test_apply_mailing_group_can_remove_the_other_members(
    segment, crm, newsletter, staff_user
):
    outcome = apply_mailing_group(
        segment=segment,
        actor=staff_user,
        mailing_group=newsletter,
        remove_others=True,
    )
    assert (outcome.added, outcome.removed) == (3, 1)  # Lise left the group
    assert members(newsletter) == sorted(crm.nos(crm.kari, crm.ola, crm.per))
    assert crm.lise.mailing_groups.count() == 0


def test_staff_action_applies_the_group_and_refuses_an_unknown_one(
    client, segment, crm, newsletter, staff_user
):
    client.force_login(staff_user)
    page = client.get(segment.get_absolute_url()).content.decode()
    assert 'name="mailing-mailing_group"' in page
    done = client.post(
        url("segment-apply-mailing-group", segment),
        {"mailing-mailing_group": "NEWSLETTER"},
        follow=True,
    )
    assert done.status_code == 200
    assert "3 contacts have been added to mailing group NEWSLETTER." in (
        done.content.decode()
    )
    refused = client.post(
        url("segment-apply-mailing-group", segment),
        {"mailing-mailing_group": "NOPE"},
    )
    assert refused.status_code == 400
    assert refused.context["open_panel"] == "mailing_form"


def test_api_applies_the_group(segment, crm, newsletter, staff_user):
    api = token_client(staff_user)
    endpoint = f"/api/v1/segments/{segment.no}/apply-mailing-group/"
    done = api.post(endpoint, {"mailing_group": "NEWSLETTER"}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json() == {
        "mailing_group": "NEWSLETTER",
        "added": 3,
        "already_members": 0,
        "removed": 0,
    }
    # A key the schema cannot enumerate: schema-valid, refused as 422.
    unknown = api.post(endpoint, {"mailing_group": "NOPE"}, format="json")
    assert unknown.status_code == 422
    assert "mailing_group" in unknown.json()


# --- Export Contacts ------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_export_contacts_lists_labels_not_codes(client, segment, crm, staff_user):
    client.force_login(staff_user)
    response = client.get(url("segment-export-contacts", segment))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"segment-{segment.no}-contacts.csv" in response["Content-Disposition"]
    rows = read_csv(response)
    header, lines = rows[0], rows[1:]
    assert header[:3] == ["Contact no.", "Name", "Contact type"]
    assert [line[0] for line in lines] == [crm.kari.no, crm.ola.no, crm.per.no]
    by_no = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    per = by_no[crm.per.no]
    assert per["Contact type"] == "Person"
    assert per["Company name"] == "Bre Bygg AS"
    assert per["Correspondence type"] == "Hard copy"
    assert by_no[crm.kari.no]["Correspondence type"] in ("E-mail", "")
    for line in lines:
        assert "person" not in line and "hard_copy" not in line and "email" not in line


def test_export_contacts_in_norwegian(client, segment, crm, staff_user):
    client.force_login(staff_user)
    client.post("/i18n/setlang/", {"language": "nb", "next": "/"})
    response = client.get(url("segment-export-contacts", segment))
    translation.activate("en")  # streaming must not depend on the active language
    rows = read_csv(response)
    header = rows[0]
    assert header[:3] == ["Kontaktnr.", "Navn", "Kontakttype"]
    per = dict(zip(header, rows[3], strict=True))
    assert per["Korrespondansetype"] == "Papirkopi"
    assert per["Kontakttype"] == "Person"


# --- Labels and cover sheets ---------------------------------------------------------


def test_labels_and_cover_sheets_print_the_hard_copy_lines(
    client, segment, crm, staff_user
):
    client.force_login(staff_user)
    for name in ("segment-labels", "segment-cover-sheets"):
        response = client.get(url(name, segment))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Bre Bygg AS" in page and "Per Berg" in page  # company, Attn. person
        assert "Kari Nordmann" not in page  # not on paper
        assert "segment_print.css" in page
        assert " style=" not in page  # print CSS only, no inline styles
        every = client.get(url(name, segment), {"lines": "all"}).content.decode()
        assert "Kari Nordmann" in every and "Ola Hansen" in every
    sheets = client.get(url("segment-cover-sheets", segment))
    assert sheets.content.decode().count('class="sheet sheet--page"') == 1


def test_print_pages_say_when_there_is_nothing_to_print(client, crm, staff_user):
    segment = services.create_segment(actor=staff_user, description="Empty")
    client.force_login(staff_user)
    page = client.get(url("segment-labels", segment)).content.decode()
    assert "No line to print" in page
    assert "data-print" not in page


def test_print_pages_are_paged(client, segment, crm, staff_user, monkeypatch):
    monkeypatch.setattr(utilities, "PRINT_PAGE_SIZE", 2)
    client.force_login(staff_user)
    first = client.get(url("segment-labels", segment), {"lines": "all"})
    assert len(first.context["page"].rows) == 2
    cursor = first.context["page"].next_cursor
    second = client.get(
        url("segment-labels", segment), {"lines": "all", "cursor": cursor}
    )
    assert [line.contact.no for line in second.context["page"].rows] == [crm.per.no]


def test_utilities_need_their_permissions(client, segment, db):
    viewer = factories.UserFactory(username="viewer")
    grant(viewer, "interactions.view_segment")
    client.force_login(viewer)
    assert client.get(url("segment-export-contacts", segment)).status_code == 200
    assert client.get(url("segment-labels", segment)).status_code == 200
    refused = client.post(
        url("segment-apply-mailing-group", segment),
        {"mailing-mailing_group": "NEWSLETTER"},
    )
    assert refused.status_code == 403
