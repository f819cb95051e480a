"""The segment admin pages call the segment services (DESIGN.md §4.2)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from interactions import services
from interactions.models import (
    InteractionLogEntry,
    LoggedSegment,
    SavedCriteria,
    Segment,
    SegmentCriteriaAction,
)
from tests import factories
from tests.conftest import grant
from tests.segments.conftest import line_nos


@pytest.fixture
def segment(crm, admin_user, salesperson):
    segment = services.create_segment(
        actor=admin_user,
        description="Trade show",
        template=crm.template,
        salesperson=salesperson,
    )
    services.add_contacts(
        segment=segment, actor=admin_user, criteria={"company": crm.fjord.no}
    )
    return segment


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"admin:interactions_{name}", args=args)


def test_segment_pages_render(admin_client, segment, crm):
    assert admin_client.get(url("segment_changelist")).status_code == 200
    page = admin_client.get(url("segment_change", segment.pk))
    assert page.status_code == 200
    assert crm.kari.no in page.content.decode()
    for name in ("add_contacts", "reduce_contacts", "go_back", "log", "save_criteria"):
        assert admin_client.get(url(f"segment_{name}", segment.pk)).status_code == 200
    assert admin_client.get(url("segment_add")).status_code == 200


def test_add_page_creates_segment_through_service(admin_client, crm):
    response = admin_client.post(
        url("segment_add"),
        {
            "description": "From admin",
            "template": crm.template.pk,
            "unit_cost": "0",
            "unit_duration": "0",
        },
    )
    assert response.status_code == 302
    segment = Segment.objects.get()
    assert segment.no.startswith("SM")
    assert segment.correspondence_type == "email"  # from the template


def test_criteria_action_pages_run_services(admin_client, segment, crm):
    response = admin_client.post(
        url("segment_add_contacts", segment.pk),
        {"business_relation": "PROS", "expand_companies": "on"},
    )
    assert response.status_code == 302
    assert crm.per.no in line_nos(segment)
    admin_client.post(
        url("segment_reduce_contacts", segment.pk), {"contact_type": "company"}
    )
    assert crm.bre.no not in line_nos(segment)
    admin_client.post(url("segment_go_back", segment.pk), {})
    assert crm.bre.no in line_nos(segment)
    admin_client.post(url("segment_save_criteria", segment.pk), {"code": "PROS"})
    assert SavedCriteria.objects.get().code == "PROS"


def test_invalid_criteria_shown_on_the_form(admin_client, segment):
    response = admin_client.post(
        url("segment_add_contacts", segment.pk), {"interaction_date_from": "soon"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_log_page_logs_or_shows_refusal(admin_client, segment, crm):
    crm.kari.privacy_blocked = True
    crm.kari.save()
    response = admin_client.post(url("segment_log", segment.pk), {"follow_up": "on"})
    assert response.status_code == 200
    assert "privacy blocked" in str(response.context["form"].errors)
    assert not LoggedSegment.objects.exists()

    crm.kari.privacy_blocked = False
    crm.kari.save()
    response = admin_client.post(url("segment_log", segment.pk), {"follow_up": "on"})
    assert response.status_code == 302
    assert LoggedSegment.objects.get().segment_no == segment.no
    assert InteractionLogEntry.objects.count() == 3


def test_inline_lines_use_line_services(admin_client, segment, crm):
    lines = list(segment.lines.order_by("id"))
    data = {
        "no": segment.no,
        "description": segment.description,
        "template": crm.template.pk,
        "salesperson": segment.salesperson_id,
        "unit_cost": "10",
        "unit_duration": "15",
        "information_flow": "outbound",
        "initiated_by": "us",
        "correspondence_type": "email",
        "date": segment.date.isoformat(),
        "lines-TOTAL_FORMS": str(len(lines) + 1),
        "lines-INITIAL_FORMS": str(len(lines)),
        "criteria_actions-TOTAL_FORMS": "1",
        "criteria_actions-INITIAL_FORMS": "1",
        "criteria_actions-0-id": segment.criteria_actions.get().pk,
        "criteria_actions-0-segment": segment.pk,
    }
    content = segment.contents.get()
    data |= {
        "contents-TOTAL_FORMS": "1",
        "contents-INITIAL_FORMS": "1",
        "contents-0-id": content.pk,
        "contents-0-segment": segment.pk,
        "contents-0-language": "",
        "contents-0-subject": "Edited for this mailing",
        "contents-0-body": content.body,
    }
    for index, line in enumerate(lines):
        prefix = f"lines-{index}-"
        data |= {
            f"{prefix}id": line.pk,
            f"{prefix}segment": segment.pk,
            f"{prefix}contact": line.contact_id,
            f"{prefix}template": line.template_id,
            f"{prefix}description": line.description,
            f"{prefix}date": line.date.isoformat(),
            f"{prefix}salesperson": line.salesperson_id or "",
            f"{prefix}cost": str(line.cost),
            f"{prefix}duration": str(line.duration),
            f"{prefix}correspondence_type": line.correspondence_type,
            f"{prefix}language": line.language,
        }
    data["lines-0-description"] = "Personal"
    data["lines-1-DELETE"] = "on"
    data["lines-3-contact"] = crm.loner.pk
    data["lines-3-segment"] = segment.pk
    data["lines-3-cost"] = "0"
    data["lines-3-duration"] = "0"
    response = admin_client.post(url("segment_change", segment.pk), data)
    assert response.status_code == 302, response.context["errors"]
    assert segment.lines.get(pk=lines[0].pk).description == "Personal"
    assert lines[1].contact.no not in line_nos(segment)
    assert crm.loner.no in line_nos(segment)
    kinds = list(
        SegmentCriteriaAction.objects.filter(segment=segment).values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["add", "remove_one", "add_one"]
    # The segment's content is edited through its service, not the template.
    assert segment.contents.get().subject == "Edited for this mailing"
    assert crm.template.contents.get().subject == "Hello {{ contact.name }}"


def test_action_pages_need_permission(client, segment):
    viewer = factories.UserFactory(username="viewer", is_staff=True)
    grant(viewer, "interactions.view_segment", "interactions.change_segment")
    client.force_login(viewer)
    assert client.get(url("segment_go_back", segment.pk)).status_code == 200
    assert client.post(url("segment_log", segment.pk), {}).status_code == 403
    viewer.user_permissions.remove(Permission.objects.get(codename="change_segment"))
    viewer = type(viewer).objects.get(pk=viewer.pk)  # drop the permission cache
    client.force_login(viewer)
    assert client.post(url("segment_go_back", segment.pk), {}).status_code == 403
    assert segment.criteria_actions.count() == 1
    assert not LoggedSegment.objects.exists()


def test_logged_segment_admin_actions(admin_client, segment, admin_user):
    logged = services.log_segment(segment=segment, actor=admin_user)
    page = admin_client.get(url("loggedsegment_changelist"))
    assert page.status_code == 200
    assert admin_client.get(url("loggedsegment_change", logged.pk)).status_code == 200

    admin_client.post(
        url("loggedsegment_changelist"),
        {"action": "switch_canceled_action", "_selected_action": [logged.pk]},
    )
    logged.refresh_from_db()
    assert logged.canceled
    assert set(logged.entries.values_list("canceled", flat=True)) == {True}

    admin_client.post(
        url("loggedsegment_changelist"),
        {"action": "delete_canceled_action", "_selected_action": [logged.pk]},
    )
    assert not LoggedSegment.objects.exists()
    assert InteractionLogEntry.objects.filter(segment_no=logged.segment_no).count() == 3


def test_changelist_actions_go_back_and_log(admin_client, segment):
    admin_client.post(
        url("segment_changelist"),
        {"action": "go_back_action", "_selected_action": [segment.pk]},
    )
    assert segment.lines.count() == 0
    response = admin_client.post(
        url("segment_changelist"),
        {"action": "log_action", "_selected_action": [segment.pk]},
        follow=True,
    )
    assert "is empty" in response.content.decode()
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_saved_criteria_admin(admin_client, segment, admin_user):
    services.save_criteria(segment=segment, actor=admin_user, code="FJORD")
    assert admin_client.get(url("savedcriteria_changelist")).status_code == 200
    saved = SavedCriteria.objects.get()
    response = admin_client.post(url("savedcriteria_delete", saved.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not SavedCriteria.objects.exists()
