"""Segment lines personalised like NAV (issue #13 item 4; DOMAIN §5 "Lines").

Besides template, salesperson, correspondence type and cost, a line's
language, subject, description, duration and evaluation are editable — on the
line's staff page, in admin and through the API — and logging records the
line's values. "Update lines" stays true for them: a header change moves only
lines that still hold the header's previous value; a line's language follows
its contact, never the header.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from interactions import services
from tests import factories
from tests.api.conftest import token_client


@pytest.fixture
def bilingual(db):
    template = factories.TemplateFactory(
        code="INVITE", correspondence_type="", unit_duration=Decimal(5)
    )
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


@pytest.fixture
def segment(crm, bilingual, staff_user):
    """Kari and Ola (Fjord's persons) on the bilingual template."""
    segment = services.create_segment(
        actor=staff_user,
        description="Trade show",
        subject="Welcome",
        template=bilingual,
    )
    services.add_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"company": crm.fjord.no, "contact_type": "person"},
    )
    return segment


PERSONAL = {
    "description": "Kari's own invitation",
    "subject": "Kari, a seat is kept for you",
    "duration": Decimal(12),
    "language": "nb",
    "evaluation": "positive",
}


def test_update_lines_keeps_personalised_values_and_moves_the_others(
    segment, crm, staff_user
):
    kari = segment.lines.get(contact=crm.kari)
    services.update_segment_line(actor=staff_user, line=kari, **PERSONAL)
    services.update_segment_header(
        actor=staff_user,
        segment=segment,
        description="Trade show 2027",
        subject="Welcome again",
        unit_duration=Decimal(30),
        language="de",
        update_lines=True,
    )
    kari = segment.lines.get(contact=crm.kari)
    ola = segment.lines.get(contact=crm.ola)
    for name, value in PERSONAL.items():
        assert getattr(kari, name) == value, name  # personalised: kept
    assert (ola.description, ola.subject, ola.duration) == (
        "Trade show 2027",
        "Welcome again",
        Decimal(30),
    )
    # A line's language follows its contact and template, never the header.
    assert ola.language == ""
    assert ola.evaluation == ""


def test_logging_records_the_lines_own_values(segment, crm, staff_user):
    kari = segment.lines.get(contact=crm.kari)
    services.update_segment_line(actor=staff_user, line=kari, **PERSONAL)
    logged = services.log_segment(segment=segment, actor=staff_user)
    entry = logged.entries.get(contact=crm.kari)
    assert entry.description == PERSONAL["description"]
    assert entry.subject == PERSONAL["subject"]
    assert entry.duration == PERSONAL["duration"]
    assert entry.evaluation == "positive"
    assert entry.language == "nb"
    assert entry.attachment.body == "Kjære Kari Nordmann"  # its language's content
    other = logged.entries.get(contact=crm.ola)
    assert (other.description, other.duration, other.evaluation) == (
        "Trade show",
        Decimal(5),
        "",
    )
    assert other.attachment.body == "Dear Ola Hansen"


def test_a_negative_duration_is_refused_on_the_field(segment, crm, staff_user):
    kari = segment.lines.get(contact=crm.kari)
    with pytest.raises(ValidationError) as refused:
        services.update_segment_line(actor=staff_user, line=kari, duration=Decimal(-1))
    assert "duration" in refused.value.message_dict
    kari.refresh_from_db()
    assert kari.duration == Decimal(5)


def test_staff_line_page_edits_every_personal_field(client, segment, crm, staff_user):
    client.force_login(staff_user)
    kari = segment.lines.get(contact=crm.kari)
    url = reverse(
        "interactions:segment-update-line",
        kwargs={"no": segment.no, "line_id": kari.pk},
    )
    response = client.get(url)
    page = response.content.decode()
    prefix = f"line-{kari.pk}"
    for name in ("language", "subject", "description", "duration", "evaluation"):
        assert f'name="{prefix}-{name}"' in page, name
    # What the page shows, with the personal fields changed.
    form = response.context["form"]
    data = {
        bound.html_name: "" if bound.value() is None else str(bound.value())
        for bound in form
    }
    data |= {f"{prefix}-{name}": str(value) for name, value in PERSONAL.items()}
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["form"].errors
    kari.refresh_from_db()
    for name, value in PERSONAL.items():
        assert getattr(kari, name) == value, name

    refused = client.post(url, {**data, f"{prefix}-evaluation": "superb"})
    assert refused.status_code == 400
    assert "superb is not one of the available choices" in refused.content.decode()


def test_api_personalises_the_line(segment, crm, staff_user):
    api = token_client(staff_user)
    kari = segment.lines.get(contact=crm.kari)
    body = {name: str(value) for name, value in PERSONAL.items()}
    done = api.patch(
        f"/api/v1/segments/{segment.no}/lines/{kari.pk}/", body, format="json"
    )
    assert done.status_code == 200, done.json()
    assert {name: done.json()[name] for name in PERSONAL} == {
        **body,
        "duration": "12.00",
    }


def test_admin_lines_show_the_personal_fields(client, segment, admin_user):
    client.force_login(admin_user)
    page = client.get(
        reverse("admin:interactions_segment_change", args=[segment.pk])
    ).content.decode()
    for name in ("language", "subject", "description", "duration", "evaluation"):
        assert f'name="lines-0-{name}"' in page, name
