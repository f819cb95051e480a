"""Honest counts (DOMAIN §5 "criteria actions"; issue #9 rule 4).

Every criteria action reports what it did by reason — added / removed,
already in the segment, skipped for "exclude from segment", skipped for
privacy blocked (the last two naming the contacts); a privacy-blocked contact
is never added; the preview counts exactly what the action then does; "add
contacts" with no criterion asks for confirmation (service, staff page, API).
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from interactions import services
from interactions.selectors.segment_lines import criteria_preview
from tests.api.conftest import token_client
from tests.segments.conftest import line_nos

ADD_OPTIONS = {
    "allow_existing": False,
    "expand_companies": False,
    "add_related_companies": False,
    "ignore_exclusion": False,
}


@pytest.fixture
def blocked(crm):
    """Ola is privacy blocked (Lise is marked "exclude from segment")."""
    crm.ola.privacy_blocked = True
    crm.ola.save()
    return crm.ola


@pytest.fixture
def segment(crm, staff_user):
    segment = services.create_segment(
        actor=staff_user, description="Counts", template=crm.template
    )
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_no": crm.kari.no}
    )
    return segment


def test_add_counts_by_reason_and_names_the_skipped(segment, crm, blocked, staff_user):
    criteria = {"contact_type": "person"}
    preview = criteria_preview(segment, criteria, kind="add", options=ADD_OPTIONS)
    outcome = services.add_contacts(
        segment=segment, actor=staff_user, criteria=criteria
    )
    assert outcome == preview  # the preview is the result
    assert outcome.added == 2  # Per and Eva
    assert outcome.already_there == 1  # Kari
    assert (outcome.excluded_count, outcome.excluded) == (1, (crm.lise.no,))
    assert (outcome.privacy_blocked_count, outcome.privacy_blocked) == (
        1,
        (blocked.no,),
    )
    assert outcome.message() == (
        "2 contacts have been added. 1 contact was already in the segment. "
        f"1 contact skipped (exclude from segment): {crm.lise.no}. "
        f"1 contact skipped (privacy blocked): {blocked.no}."
    )
    assert line_nos(segment) == sorted(crm.nos(crm.kari, crm.per, crm.loner))


def test_privacy_blocked_is_never_added(segment, crm, blocked, staff_user):
    outcome = services.add_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"company": crm.fjord.no},
        ignore_exclusion=True,
        allow_existing=True,
        expand_companies=True,
    )
    assert blocked.no not in line_nos(segment)
    assert outcome.privacy_blocked == (blocked.no,)
    with pytest.raises(ValidationError, match="privacy blocked"):
        services.add_contact_to_segment(
            segment=segment, actor=staff_user, contact=blocked
        )
    assert blocked.no not in line_nos(segment)


def test_reuse_logged_segment_skips_contacts_blocked_since(crm, staff_user):
    first = services.create_segment(
        actor=staff_user, description="First", template=crm.template
    )
    services.add_contacts(
        segment=first, actor=staff_user, criteria={"company": crm.fjord.no}
    )
    logged = services.log_segment(segment=first, actor=staff_user)
    crm.ola.privacy_blocked = True
    crm.ola.save()
    again = services.create_segment(actor=staff_user, description="Again")
    outcome = services.reuse_logged_segment(
        segment=again, actor=staff_user, logged_segment=logged
    )
    assert outcome.privacy_blocked == (crm.ola.no,)
    assert line_nos(again) == sorted(crm.nos(crm.fjord, crm.kari))


@pytest.mark.parametrize(
    ("kind", "criteria", "removed"),
    [("reduce", {"company": "CT100"}, 2), ("refine", {"city": "Bergen"}, 3)],
)
def test_remove_preview_is_the_result(crm, staff_user, kind, criteria, removed):
    segment = services.create_segment(actor=staff_user, description="Remove")
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"contact_type": "person"}
    )
    options = {"entire_companies": False}
    preview = criteria_preview(segment, criteria, kind=kind, options=options)
    service = services.reduce_contacts if kind == "reduce" else services.refine_contacts
    outcome = service(segment=segment, actor=staff_user, criteria=criteria, **options)
    assert outcome == preview
    assert outcome.removed == removed


def test_add_without_criterion_needs_confirmation(segment, crm, staff_user):
    with pytest.raises(ValidationError, match="No criterion"):
        services.add_contacts(segment=segment, actor=staff_user, criteria={})
    assert line_nos(segment) == [crm.kari.no]
    outcome = services.add_contacts(
        segment=segment, actor=staff_user, criteria={}, confirm_all=True
    )
    assert outcome.added == 5  # everyone but Kari (in) and Lise (excluded)


def test_staff_page_asks_to_confirm_adding_every_contact(
    client, segment, crm, staff_user
):
    client.force_login(staff_user)
    url = reverse("interactions:segment-add-contacts", kwargs={"no": segment.no})
    asked = client.post(url, {})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "No criterion is filled in: this adds every contact." in page
    assert 'name="confirm_all"' in page
    assert asked.context["preview"].added == 5
    assert line_nos(segment) == [crm.kari.no]  # nothing changed yet

    done = client.post(url, {"confirm_all": "1"}, follow=True)
    assert len(line_nos(segment)) == 6
    messages = [str(message) for message in done.context["messages"]]
    assert any("5 contacts have been added." in message for message in messages)


def test_api_refuses_adding_every_contact_unless_confirmed(segment, crm, staff_user):
    api = token_client(staff_user)
    url = f"/api/v1/segments/{segment.no}/add-contacts/"
    refused = api.post(url, {"criteria": {}}, format="json")
    assert refused.status_code == 422  # across fields: docs/api.md, Errors
    assert "confirm_all" in refused.json()
    assert line_nos(segment) == [crm.kari.no]

    crm.ola.privacy_blocked = True
    crm.ola.save()
    done = api.post(url, {"criteria": {}, "confirm_all": True}, format="json")
    assert done.status_code == 200
    assert done.json() == {
        "count": 4,
        "added": 4,
        "removed": 0,
        "already_there": 1,
        "excluded": {"count": 1, "contacts": [crm.lise.no]},
        "privacy_blocked": {"count": 1, "contacts": [crm.ola.no]},
    }
