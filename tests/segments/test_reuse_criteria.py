"""Reusing saved criteria replaces what a segment holds — never silently.

NAV warns before it replays saved criteria on a segment that already has
criteria actions (reference §11.4). Here reusing criteria on a segment with
lines or criteria actions is refused with a message naming what would be
replaced, with the counts, until the user confirms (``replace``): on the
staff page, in admin and through the API (issue #9, "reuse criteria").
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from interactions import services
from interactions.models import SegmentCriteriaAction
from interactions_crm.platform.models import AuditEvent
from tests.api.conftest import token_client
from tests.segments.conftest import line_nos


@pytest.fixture
def saved(crm, staff_user):
    """BUYERS: persons responsible for purchasing (Kari, Per, Eva; not Lise)."""
    source = services.create_segment(
        actor=staff_user, description="Source", template=crm.template
    )
    services.add_contacts(
        segment=source,
        actor=staff_user,
        criteria={"contact_type": "person", "job_responsibility": "PURCHASE"},
    )
    return services.save_criteria(segment=source, actor=staff_user, code="BUYERS")


@pytest.fixture
def filled(crm, staff_user):
    """A segment holding Ola and the Fjord company: 2 lines, 2 criteria actions."""
    segment = services.create_segment(
        actor=staff_user, description="Filled", template=crm.template
    )
    services.add_contact_to_segment(segment=segment, actor=staff_user, contact=crm.ola)
    services.add_contact_to_segment(
        segment=segment, actor=staff_user, contact=crm.fjord
    )
    return segment


BUYERS = ["CT101", "CT201", "CT300"]
WARNING = (
    "already has 2 lines and 2 criteria actions. Reusing criteria BUYERS deletes "
    "them and replays its 1 step; confirm to replace them."
)


def test_reuse_on_an_empty_segment_needs_no_confirmation(crm, saved, staff_user):
    empty = services.create_segment(actor=staff_user, description="Empty")
    outcome = services.reuse_criteria(segment=empty, actor=staff_user, saved=saved)
    assert outcome.added == 3
    assert line_nos(empty) == BUYERS


def test_reuse_on_a_filled_segment_is_refused_naming_what_it_replaces(
    filled, saved, staff_user
):
    with pytest.raises(ValidationError) as refused:
        services.reuse_criteria(segment=filled, actor=staff_user, saved=saved)
    assert WARNING in refused.value.message_dict["replace"][0]
    # Nothing changed.
    assert line_nos(filled) == ["CT100", "CT102"]
    assert filled.criteria_actions.count() == 2


def test_confirmed_reuse_replaces_lines_and_actions(filled, saved, staff_user):
    outcome = services.reuse_criteria(
        segment=filled, actor=staff_user, saved=saved, replace=True
    )
    assert outcome.added == 3
    assert line_nos(filled) == BUYERS
    kinds = list(filled.criteria_actions.values_list("kind", flat=True))
    assert kinds == [SegmentCriteriaAction.Kind.ADD]
    event = AuditEvent.objects.filter(action="segment.reuse_criteria").get()
    assert (event.changes["replaced_lines"], event.changes["replaced_actions"]) == (
        2,
        2,
    )
    # "Go back" undoes the replayed step (the replaced lines do not return).
    services.go_back(segment=filled, actor=staff_user)
    assert line_nos(filled) == []


def test_a_segment_with_only_criteria_actions_asks_too(crm, saved, staff_user):
    segment = services.create_segment(actor=staff_user, description="Undone")
    services.add_contact_to_segment(segment=segment, actor=staff_user, contact=crm.ola)
    services.remove_contact_from_segment(
        segment=segment, actor=staff_user, contact=crm.ola
    )
    with pytest.raises(ValidationError, match="0 lines and 2 criteria actions"):
        services.reuse_criteria(segment=segment, actor=staff_user, saved=saved)


def test_staff_page_warns_and_asks_to_confirm(client, filled, saved, staff_user):
    client.force_login(staff_user)
    detail = client.get(filled.get_absolute_url()).content.decode()
    assert "reusing criteria replaces them" in detail
    assert 'name="reuse-replace"' in detail

    url = reverse("interactions:segment-reuse-criteria", kwargs={"no": filled.no})
    refused = client.post(url, {"reuse-saved": "BUYERS"})
    assert refused.status_code == 400
    assert WARNING in refused.content.decode().replace("&#x27;", "'")
    assert refused.context["open_panel"] == "reuse_form"
    assert line_nos(filled) == ["CT100", "CT102"]

    done = client.post(url, {"reuse-saved": "BUYERS", "reuse-replace": "on"})
    assert done.status_code == 302
    assert line_nos(filled) == BUYERS


def test_api_refuses_without_the_replace_flag(filled, saved, staff_user):
    api = token_client(staff_user)
    url = f"/api/v1/segments/{filled.no}/reuse-criteria/"
    refused = api.post(url, {"code": "BUYERS"}, format="json")
    assert refused.status_code == 400
    assert WARNING in refused.json()["replace"][0]
    assert line_nos(filled) == ["CT100", "CT102"]

    done = api.post(url, {"code": "BUYERS", "replace": True}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["added"] == 3
    assert line_nos(filled) == BUYERS


def test_admin_asks_to_confirm(client, filled, saved, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:interactions_segment_reuse_criteria", args=[filled.pk])
    refused = client.post(url, {"saved": "BUYERS"})
    assert refused.status_code == 200
    assert WARNING in refused.content.decode()
    assert line_nos(filled) == ["CT100", "CT102"]
    done = client.post(url, {"saved": "BUYERS", "replace": "on"})
    assert done.status_code == 302
    assert line_nos(filled) == BUYERS
