"""Building a segment by criteria actions (DOMAIN §5): add, reduce, refine, undo."""

import pytest
from django.core.exceptions import ValidationError

from interactions import services
from interactions.models import SegmentCriteriaAction
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.segments.conftest import line_nos


@pytest.fixture
def segment(crm, staff_user):
    return services.create_segment(
        actor=staff_user,
        description="Visitors at the trade show",
        template=crm.template,
    )


def test_create_segment_numbers_from_series_and_applies_template(
    segment, crm, salesperson
):
    assert segment.no.startswith("SM")
    assert segment.salesperson == salesperson
    assert segment.unit_cost == crm.template.unit_cost
    assert segment.information_flow == crm.template.information_flow
    assert segment.correspondence_type == "email"
    other = services.create_segment(actor=None, description="Second")
    assert other.no > segment.no
    assert AuditEvent.objects.filter(action="segment.create").count() == 2


def test_add_contacts_by_classification_skips_excluded(segment, crm, staff_user):
    added = services.add_contacts(
        segment=segment, actor=staff_user, criteria={"job_responsibility": "PURCHASE"}
    )
    assert added.added == 3
    assert line_nos(segment) == sorted(crm.nos(crm.kari, crm.per, crm.loner))


def test_add_contacts_ignore_exclusion(segment, crm, staff_user):
    services.add_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"job_responsibility": "purchase"},
        ignore_exclusion=True,
    )
    assert crm.lise.no in line_nos(segment)


def test_add_contacts_expand_companies_adds_their_persons(segment, crm, staff_user):
    services.add_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"business_relation": "CUST"},
        expand_companies=True,
    )
    assert line_nos(segment) == sorted(crm.nos(crm.fjord, crm.kari, crm.ola))


def test_add_contacts_related_companies_adds_company_of_each_person(
    segment, crm, staff_user
):
    services.add_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"job_responsibility": "PURCHASE"},
        add_related_companies=True,
    )
    # The loner has no company; Lise is excluded but her company is not.
    assert line_nos(segment) == sorted(
        crm.nos(crm.kari, crm.per, crm.loner, crm.fjord, crm.bre)
    )


def test_existing_contacts_skipped_unless_allowed(segment, crm, staff_user):
    criteria = {"company": crm.fjord.no}
    first = services.add_contacts(segment=segment, actor=staff_user, criteria=criteria)
    assert (first.added, first.already_there) == (3, 0)
    again = services.add_contacts(segment=segment, actor=staff_user, criteria=criteria)
    assert (again.added, again.already_there) == (0, 3)
    added = services.add_contacts(
        segment=segment, actor=staff_user, criteria=criteria, allow_existing=True
    )
    assert added.added == 3
    assert line_nos(segment) == sorted(2 * [crm.fjord.no, crm.kari.no, crm.ola.no])


def test_add_reduce_refine_go_back_yields_exact_sets(segment, crm, staff_user):
    everyone = crm.nos(crm.fjord, crm.kari, crm.ola, crm.bre, crm.per, crm.loner)
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={}, confirm_all=True
    )
    assert set(line_nos(segment)) == everyone

    removed = services.reduce_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"business_relation": "PROS"},
        entire_companies=True,
    )
    assert removed.removed == 2  # Bre and Per (Lise was never added: excluded)
    after_reduce = everyone - crm.nos(crm.bre, crm.per)
    assert set(line_nos(segment)) == after_reduce

    removed = services.refine_contacts(
        segment=segment, actor=staff_user, criteria={"city": "Oslo"}
    )
    assert removed.removed == 1  # the loner lives in Bergen
    after_refine = after_reduce - {crm.loner.no}
    assert set(line_nos(segment)) == after_refine

    removed = services.refine_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"industry_group": "RETAIL"},
        entire_companies=True,
    )
    assert removed.removed == 0  # Fjord is RETAIL: its persons are kept with it
    assert set(line_nos(segment)) == after_refine

    lines_before = list(segment.lines.order_by("id").values())
    services.reduce_contacts(
        segment=segment, actor=staff_user, criteria={"contact_type": "person"}
    )
    assert set(line_nos(segment)) == {crm.fjord.no}

    services.go_back(segment=segment, actor=staff_user)  # the reduce by type
    assert list(segment.lines.order_by("id").values()) == lines_before
    services.go_back(segment=segment, actor=staff_user)  # refine RETAIL (no-op)
    services.go_back(segment=segment, actor=staff_user)  # refine Oslo
    assert set(line_nos(segment)) == after_reduce
    services.go_back(segment=segment, actor=staff_user)  # reduce PROS
    assert set(line_nos(segment)) == everyone
    services.go_back(segment=segment, actor=staff_user)  # the add
    assert line_nos(segment) == []
    with pytest.raises(ValidationError) as error:
        services.go_back(segment=segment, actor=staff_user)
    assert "segment" in error.value.message_dict


def test_go_back_restores_personalised_lines_exactly(segment, crm, staff_user):
    services.add_contacts(segment=segment, actor=staff_user, criteria={"city": "Oslo"})
    line = segment.lines.get(contact=crm.kari)
    services.update_segment_line(
        actor=staff_user, line=line, description="Personal", evaluation="positive"
    )
    snapshot = list(segment.lines.order_by("id").values())
    services.refine_contacts(
        segment=segment, actor=staff_user, criteria={"name": "kari"}
    )
    assert line_nos(segment) == [crm.kari.no]
    services.go_back(segment=segment, actor=staff_user)
    assert list(segment.lines.order_by("id").values()) == snapshot


def test_manual_add_and_remove_are_criteria_actions(segment, crm, staff_user):
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"company": crm.fjord.no}
    )
    line = services.add_contact_to_segment(
        segment=segment, actor=staff_user, contact=crm.loner
    )
    assert line.contact == crm.loner
    assert line.template == crm.template
    with pytest.raises(ValidationError):
        services.add_contact_to_segment(
            segment=segment, actor=staff_user, contact=crm.loner
        )
    assert (
        services.remove_contact_from_segment(
            segment=segment, actor=staff_user, contact=crm.kari
        )
        == 1
    )
    with pytest.raises(ValidationError):
        services.remove_contact_from_segment(
            segment=segment, actor=staff_user, contact=crm.kari
        )
    kinds = list(segment.criteria_actions.values_list("kind", flat=True))
    assert kinds == ["add", "add_one", "remove_one"]

    services.go_back(segment=segment, actor=staff_user)
    assert crm.kari.no in line_nos(segment)
    services.go_back(segment=segment, actor=staff_user)
    assert crm.loner.no not in line_nos(segment)


def test_invalid_criteria_are_refused_with_field_messages(segment, staff_user):
    with pytest.raises(ValidationError) as error:
        services.add_contacts(
            segment=segment,
            actor=staff_user,
            criteria={"colour": "red", "interaction_date_from": "yesterday"},
        )
    assert "colour" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.add_contacts(
            segment=segment,
            actor=staff_user,
            criteria={"interaction_date_from": "yesterday"},
        )
    assert "interaction_date_from" in error.value.message_dict
    assert not SegmentCriteriaAction.objects.exists()


def test_saved_criteria_replayed_on_another_segment_give_same_lines(
    segment, crm, staff_user
):
    services.add_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"job_responsibility": "PURCHASE"},
        add_related_companies=True,
    )
    services.reduce_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"business_relation": "PROS"},
        entire_companies=True,
    )
    services.add_contact_to_segment(segment=segment, actor=staff_user, contact=crm.ola)
    services.remove_contact_from_segment(
        segment=segment, actor=staff_user, contact=crm.loner
    )
    saved = services.save_criteria(
        segment=segment, actor=staff_user, code="TRADESHOW", description="Trade show"
    )
    assert [step["kind"] for step in saved.actions] == [
        "add",
        "reduce",
        "add_one",
        "remove_one",
    ]
    with pytest.raises(ValidationError):
        services.save_criteria(segment=segment, actor=staff_user, code="TRADESHOW")

    other = services.create_segment(
        actor=staff_user, description="Again", template=crm.template
    )
    services.reuse_criteria(segment=other, actor=staff_user, saved=saved)
    assert line_nos(other) == line_nos(segment)
    assert other.criteria_actions.count() == 4


def test_save_criteria_needs_an_action(segment, staff_user):
    with pytest.raises(ValidationError):
        services.save_criteria(segment=segment, actor=staff_user, code="EMPTY")


def test_header_change_updates_only_lines_on_header_template(segment, crm, staff_user):
    services.add_contacts(segment=segment, actor=staff_user, criteria={"city": "Oslo"})
    personal = segment.lines.get(contact=crm.kari)
    phone = factories.TemplateFactory(code="PHONE", unit_cost=5)
    services.update_segment_line(actor=staff_user, line=personal, template=phone)
    assert services.lines_on_header_template(segment).count() == 4

    services.update_segment_header(
        actor=staff_user,
        segment=segment,
        campaign=crm.campaign,
        campaign_target=True,
        unit_cost=42,
        update_lines=True,
    )
    personal.refresh_from_db()
    assert personal.campaign is None
    assert personal.cost == 5
    others = segment.lines.exclude(pk=personal.pk)
    assert set(others.values_list("campaign", "campaign_target", "cost")) == {
        (crm.campaign.pk, True, 42)
    }


def test_header_change_without_update_lines_leaves_lines(segment, crm, staff_user):
    services.add_contacts(segment=segment, actor=staff_user, criteria={"city": "Oslo"})
    services.update_segment_header(
        actor=staff_user, segment=segment, description="Renamed"
    )
    assert set(segment.lines.values_list("description", flat=True)) == {
        "Visitors at the trade show"
    }


def test_header_template_change_moves_only_lines_on_the_previous_template(
    segment, crm, staff_user
):
    """DOMAIN §5: a line personalised with another template keeps it."""
    services.add_contacts(segment=segment, actor=staff_user, criteria={"city": "Oslo"})
    personal = segment.lines.get(contact=crm.kari)
    other = factories.TemplateFactory(code="OTHER", unit_cost=7)
    services.update_segment_line(actor=staff_user, line=personal, template=other)
    meeting = factories.TemplateFactory(code="MEETING", unit_cost=99)
    services.update_segment_header(
        actor=staff_user, segment=segment, template=meeting, update_lines=True
    )
    segment.refresh_from_db()
    assert segment.unit_cost == 99
    values = dict(segment.lines.values_list("contact__no", "template__code"))
    assert values.pop(crm.kari.no) == "OTHER"
    assert set(values.values()) == {"MEETING"}
    assert set(
        segment.lines.exclude(contact=crm.kari).values_list("cost", flat=True)
    ) == {99}
    assert segment.lines.get(contact=crm.kari).cost == 7


def test_blocked_header_salesperson_refused(segment, staff_user):
    blocked = factories.SalespersonFactory(code="OLD", blocked=True)
    with pytest.raises(ValidationError) as error:
        services.update_segment_header(
            actor=staff_user, segment=segment, salesperson=blocked
        )
    assert "salesperson" in error.value.message_dict


def test_reuse_logged_segment_adds_its_contacts(segment, crm, staff_user):
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={"company": crm.fjord.no}
    )
    logged = services.log_segment(segment=segment, actor=staff_user)
    other = services.create_segment(actor=staff_user, description="Again")
    added = services.reuse_logged_segment(
        segment=other, actor=staff_user, logged_segment=logged
    )
    assert added.added == 3
    assert line_nos(other) == sorted(crm.nos(crm.fjord, crm.kari, crm.ola))
    action = other.criteria_actions.get()
    assert action.criteria == {"logged_segment": logged.segment_no}


def test_line_with_blocked_salesperson_refused(segment, crm, staff_user):
    services.add_contacts(segment=segment, actor=staff_user, criteria={"city": "Oslo"})
    line = segment.lines.first()
    blocked = factories.SalespersonFactory(code="OLD", blocked=True)
    with pytest.raises(ValidationError) as error:
        services.update_segment_line(actor=staff_user, line=line, salesperson=blocked)
    assert "salesperson" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.update_segment_line(actor=staff_user, line=line, cost=-1)
    assert "cost" in error.value.message_dict
    line.refresh_from_db()
    assert line.salesperson.code == "JO" and line.cost >= 0
