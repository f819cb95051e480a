"""Segment content per language (DOMAIN §5, NAV "Segment Interaction
Language"; issue #9 rule 3).

Choosing a template copies its content (subject + body per language) onto the
segment; it is edited there for this mailing without touching the template;
each line is sent the content of its language, else of the segment's default
language.
"""

import pytest

from interactions import services
from interactions.services.segments.header import set_segment_content
from tests import factories
from tests.api.conftest import token_client
from tests.conftest import grant


@pytest.fixture
def bilingual(db):
    """English (default, language "") and Norwegian content."""
    template = factories.TemplateFactory(code="INVITE", correspondence_type="email")
    factories.TemplateContentFactory(
        template=template,
        language="",
        subject="Invitation",
        body="Dear {{ contact.name }}",
    )
    factories.TemplateContentFactory(
        template=template,
        language="nb",
        subject="Invitasjon",
        body="Kjære {{ contact.name }}",
    )
    return template


def contents(segment) -> dict[str, tuple[str, str]]:
    return {
        content.language: (content.subject, content.body)
        for content in segment.contents.all()
    }


def test_choosing_a_template_copies_its_content(crm, bilingual, staff_user):
    segment = services.create_segment(
        actor=staff_user, description="Invite", template=bilingual
    )
    assert contents(segment) == {
        "": ("Invitation", "Dear {{ contact.name }}"),
        "nb": ("Invitasjon", "Kjære {{ contact.name }}"),
    }
    services.update_segment_header(
        actor=staff_user, segment=segment, template=crm.template
    )
    assert set(contents(segment)) == {""}
    assert contents(segment)[""][0] == "Hello {{ contact.name }}"


def test_each_line_gets_its_languages_edited_content(crm, bilingual, staff_user):
    crm.kari.language = "nb"
    crm.kari.save()
    segment = services.create_segment(
        actor=staff_user, description="Invite", template=bilingual
    )
    for contact in (crm.kari, crm.per):
        services.add_contacts(
            segment=segment, actor=staff_user, criteria={"contact_no": contact.no}
        )
    set_segment_content(
        actor=staff_user,
        segment=segment,
        language="nb",
        subject="Velkommen på messen",
        body="Hei {{ contact.name }}, velkommen!",
    )
    logged = services.log_segment(segment=segment, actor=staff_user)
    kari = logged.entries.get(contact=crm.kari)
    per = logged.entries.get(contact=crm.per)
    assert (kari.subject, kari.attachment.body) == (
        "Velkommen på messen",
        f"Hei {crm.kari.name}, velkommen!",
    )
    assert (per.subject, per.attachment.body) == ("Invitation", f"Dear {crm.per.name}")
    # The template is untouched.
    assert bilingual.contents.get(language="nb").subject == "Invitasjon"


def test_a_line_without_content_in_its_language_gets_the_default(
    crm, bilingual, staff_user
):
    segment = services.create_segment(
        actor=staff_user, description="Invite", template=bilingual
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_no": crm.kari.no}
    )
    segment.contents.filter(language="nb").delete()
    segment.lines.update(language="nb")  # as if chosen when nb content existed
    entry = services.log_segment(segment=segment, actor=staff_user).entries.get()
    assert entry.subject == "Invitation"


def test_content_over_the_api(crm, bilingual, staff_user):
    segment = services.create_segment(
        actor=staff_user, description="Invite", template=bilingual
    )
    api = token_client(staff_user)
    url = f"/api/v1/segments/{segment.no}/contents/"
    listed = api.get(url).json()
    assert {row["language"]: row["subject"] for row in listed} == {
        "": "Invitation",
        "nb": "Invitasjon",
    }
    changed = api.put(
        url, {"language": "nb", "subject": "Ny", "body": "Hei"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert contents(segment)["nb"] == ("Ny", "Hei")
    assert bilingual.contents.get(language="nb").subject == "Invitasjon"


# --- the staff page (issue #9: "a staff-page editor") -------------------------------


def test_staff_page_edits_the_content_and_logging_sends_it(
    client, crm, bilingual, staff_user
):
    crm.kari.language = "nb"
    crm.kari.save()
    segment = services.create_segment(
        actor=staff_user, description="Invite", template=bilingual
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_no": crm.kari.no}
    )
    client.force_login(staff_user)
    detail = client.get(segment.get_absolute_url()).content.decode()
    assert "Content per language" in detail
    assert "Invitasjon" in detail  # the copied Norwegian subject, shown at once
    url = f"/segments/{segment.no}/contents/"
    assert url in detail

    page = client.get(url)
    assert page.status_code == 200
    forms = page.context["forms"]
    languages = [form.initial["language"] for form in forms]
    assert languages == ["", "nb"]
    index = languages.index("nb")
    saved = client.post(
        url,
        {
            "form": str(index),
            f"content-{index}-language": "nb",
            f"content-{index}-subject": "Velkommen, {{ contact.name }}",
            f"content-{index}-body": "Hei {{ contact.name }}, se standen vår.",
        },
        follow=True,
    )
    assert saved.status_code == 200
    assert "has been saved for this segment" in saved.content.decode()
    assert contents(segment)["nb"] == (
        "Velkommen, {{ contact.name }}",
        "Hei {{ contact.name }}, se standen vår.",
    )
    # The template keeps its own content.
    assert bilingual.contents.get(language="nb").subject == "Invitasjon"

    logged = services.log_segment(segment=segment, actor=staff_user)
    entry = logged.entries.get(contact=crm.kari)
    assert entry.subject == "Velkommen, Kari Nordmann"
    assert entry.attachment.body == "Hei Kari Nordmann, se standen vår."


def test_staff_page_adds_a_language_and_refuses_a_duplicate(
    client, crm, bilingual, staff_user
):
    segment = services.create_segment(
        actor=staff_user, description="Invite", template=bilingual
    )
    client.force_login(staff_user)
    url = f"/segments/{segment.no}/contents/"
    added = client.post(
        url,
        {
            "form": "new",
            "new-language": "sv",
            "new-subject": "Inbjudan",
            "new-body": "Hej {{ contact.name }}",
        },
    )
    assert added.status_code == 302
    assert contents(segment)["sv"] == ("Inbjudan", "Hej {{ contact.name }}")

    duplicate = client.post(
        url, {"form": "new", "new-language": "nb", "new-subject": "Again"}
    )
    assert duplicate.status_code == 400
    assert "already has content in language" in duplicate.content.decode()
    assert contents(segment)["nb"][0] == "Invitasjon"

    # A tampered hidden language never creates a language.
    tampered = client.post(
        url, {"form": "0", "content-0-language": "de", "content-0-subject": "X"}
    )
    assert tampered.status_code == 400
    assert "de" not in contents(segment)
    too_long = client.post(
        url, {"form": "new", "new-language": "x" * 11, "new-subject": "X"}
    )
    assert too_long.status_code == 400
    unnamed = client.post(url, {"form": "99"})
    assert unnamed.status_code == 400


def test_content_page_needs_the_change_permission(client, crm, bilingual, db):
    viewer = factories.UserFactory(username="viewer")
    grant(viewer, "interactions.view_segment")
    segment = services.create_segment(
        actor=None, description="Invite", template=bilingual
    )
    client.force_login(viewer)
    assert client.get(f"/segments/{segment.no}/contents/").status_code == 403
