"""Segment header semantics (DOMAIN §5 "Header"; issue #9 rule 2).

* Choosing a template copies its defaults onto the header and the page shows
  them at once; a value set in the same change wins over the template's
  default (service, staff page, API PATCH).
* "Update lines" moves only lines that still hold the header's previous value
  for that field — a line personalised with another template, or another
  value, keeps it.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from interactions import services
from tests import factories
from tests.api.conftest import token_client
from tests.segments.conftest import line_nos


@pytest.fixture
def segment(crm, staff_user):
    """Fjord's persons on the mailing template, campaign target ticked."""
    segment = services.create_segment(
        actor=staff_user,
        description="Trade show",
        template=crm.template,
        campaign=crm.campaign,
        campaign_target=True,
    )
    services.add_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"company": crm.fjord.no, "contact_type": "person"},
    )
    assert line_nos(segment) == sorted(crm.nos(crm.kari, crm.ola))
    return segment


@pytest.fixture
def meeting(db):
    """A template whose defaults differ: cost 99, no campaign target."""
    return factories.TemplateFactory(
        code="MEETING", unit_cost=Decimal(99), campaign_target=False
    )


def test_a_value_set_with_the_template_wins(segment, meeting, staff_user):
    services.update_segment_header(
        actor=staff_user, segment=segment, template=meeting, campaign_target=True
    )
    segment.refresh_from_db()
    assert segment.campaign_target is True  # set in the same change
    assert segment.unit_cost == Decimal(99)  # the template's default


def test_update_lines_moves_only_lines_with_the_previous_value(
    segment, crm, meeting, staff_user
):
    kari = segment.lines.get(contact=crm.kari)
    services.update_segment_line(actor=staff_user, line=kari, cost=Decimal(5))
    services.update_segment_header(
        actor=staff_user,
        segment=segment,
        unit_cost=Decimal(20),
        description="Renamed",
        update_lines=True,
    )
    lines = {line.contact_id: line for line in segment.lines.all()}
    assert lines[crm.kari.pk].cost == Decimal(5)  # personalised: kept
    assert lines[crm.ola.pk].cost == Decimal(20)
    assert {line.description for line in lines.values()} == {"Renamed"}


def test_template_change_keeps_lines_personalised_with_another_template(
    segment, crm, meeting, staff_user
):
    call = factories.TemplateFactory(code="CALL", unit_cost=Decimal(3))
    kari = segment.lines.get(contact=crm.kari)
    services.update_segment_line(actor=staff_user, line=kari, template=call)
    services.update_segment_header(
        actor=staff_user, segment=segment, template=meeting, update_lines=True
    )
    lines = dict(segment.lines.values_list("contact__no", "template__code"))
    assert lines == {crm.kari.no: "CALL", crm.ola.no: "MEETING"}
    assert segment.lines.get(contact=crm.ola).cost == Decimal(99)
    assert segment.lines.get(contact=crm.kari).cost == Decimal(3)


def test_staff_page_shows_the_template_defaults_at_once(
    client, segment, meeting, staff_user
):
    client.force_login(staff_user)
    data = form_data(segment) | {"template": meeting.code}
    response = client.get(
        reverse("interactions:segment-header-defaults", kwargs={"no": segment.no}),
        data,
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["unit_cost"] == Decimal(99)
    assert form.initial["campaign_target"] is False
    assert form.initial["defaults_for"] == "MEETING"
    segment.refresh_from_db()
    assert segment.template != meeting  # nothing saved
    # The template select asks for these defaults as soon as it changes.
    edit = client.get(
        reverse("interactions:segment-update", kwargs={"no": segment.no})
    ).content.decode()
    assert "hx-get" in edit and "edit/defaults/" in edit


def test_staff_page_saves_what_the_user_set_after_seeing_the_defaults(
    client, segment, meeting, staff_user
):
    """The bug of issue #9: choosing a template cleared a ticked checkbox."""
    client.force_login(staff_user)
    response = client.post(
        reverse("interactions:segment-update", kwargs={"no": segment.no}),
        form_data(segment)
        | {
            "template": meeting.code,
            "defaults_for": "MEETING",
            "unit_cost": "99",
            "campaign_target": "on",  # re-ticked after the defaults showed
        },
    )
    assert response.status_code == 302
    segment.refresh_from_db()
    assert (segment.template, segment.campaign_target) == (meeting, True)


def test_staff_page_without_htmx_shows_the_defaults_before_saving(
    client, segment, meeting, staff_user
):
    client.force_login(staff_user)
    response = client.post(
        reverse("interactions:segment-update", kwargs={"no": segment.no}),
        form_data(segment) | {"template": meeting.code},
    )
    assert response.status_code == 200
    assert response.context["form"].initial["unit_cost"] == Decimal(99)
    segment.refresh_from_db()
    assert segment.template == segment.lines.first().template  # nothing saved
    assert segment.template != meeting


def test_api_patch_value_wins_over_the_template_default(segment, meeting, staff_user):
    api = token_client(staff_user)
    response = api.patch(
        f"/api/v1/segments/{segment.no}/",
        {"template": meeting.code, "campaign_target": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    segment.refresh_from_db()
    assert (segment.template, segment.campaign_target) == (meeting, True)
    assert segment.unit_cost == Decimal(99)


def form_data(segment) -> dict[str, str]:
    """The edit form as the page posts it (nothing changed)."""
    data = {
        "description": segment.description,
        "date": segment.date.isoformat(),
        "salesperson": segment.salesperson.code if segment.salesperson else "",
        "template": segment.template.code if segment.template else "",
        "defaults_for": segment.template.code if segment.template else "",
        "campaign": segment.campaign.no if segment.campaign else "",
        "information_flow": segment.information_flow,
        "initiated_by": segment.initiated_by,
        "unit_cost": str(segment.unit_cost),
        "unit_duration": str(segment.unit_duration),
        "correspondence_type": segment.correspondence_type,
        "subject": segment.subject,
        "language": segment.language,
    }
    for flag in ("campaign_target", "campaign_response"):
        if getattr(segment, flag):
            data[flag] = "on"
    return data


# --- admin: the template's defaults are shown before they are saved ------------------


def _admin_form_data(response) -> dict[str, str]:
    """The change form's data as the browser would post it, inlines included."""
    data: dict[str, str] = {}

    def add(form) -> None:
        for bound in form:
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                continue
            elif value is not None:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def test_admin_shows_a_new_templates_defaults_before_saving(
    client, segment, crm, meeting, admin_user
):
    client.force_login(admin_user)
    change = reverse("admin:interactions_segment_change", args=[segment.pk])
    data = _admin_form_data(client.get(change))
    assert data["campaign_target"] == "on"
    data["template"] = str(meeting.pk)

    shown = client.post(change, data)
    assert shown.status_code == 200  # not saved: the defaults are shown first
    assert "The template&#x27;s defaults have been filled in" in (
        shown.content.decode()
    )
    form = shown.context["adminform"].form
    assert form["unit_cost"].value() == "99.00"
    assert not form["campaign_target"].value()  # the template's, visibly
    segment.refresh_from_db()
    assert segment.template == crm.template and segment.campaign_target

    # The user ticks campaign target again and saves what they see.
    again = _admin_form_data(shown)
    again["campaign_target"] = "on"
    saved = client.post(change, again)
    assert saved.status_code == 302
    segment.refresh_from_db()
    assert segment.template == meeting
    assert segment.campaign_target is True  # set in the same change: wins
    assert segment.unit_cost == Decimal(99)  # the template's default
