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
