"""Classification through the company (DOMAIN §5, NAV report 5198; issue #9 rule 1).

Business relations and industry groups belong to companies: a person matches
when its company has the code (or it has it itself) — in add, reduce and
refine, in the preview count and when saved criteria are replayed. Job
responsibilities and mailing groups stay the contact's own.
"""

from interactions import services
from interactions.criteria import matching_contacts
from interactions.selectors.segment_lines import criteria_preview
from tests.segments.conftest import classify, line_nos

PERSONS = {"contact_type": "person"}


def preview(segment, kind, **criteria) -> int:
    """Lines the preview says the action removes."""
    return criteria_preview(
        segment, criteria, kind=kind, options={"entire_companies": False}
    ).removed


def persons_segment(crm, staff_user):
    """Kari, Ola (Fjord: CUST, RETAIL), Per (Bre: PROS), Eva (no company)."""
    segment = services.create_segment(
        actor=staff_user, description="Trade show", template=crm.template
    )
    services.add_contacts(segment=segment, actor=staff_user, criteria=PERSONS)
    assert line_nos(segment) == sorted(crm.nos(crm.kari, crm.ola, crm.per, crm.loner))
    return segment


def test_add_persons_by_their_companys_business_relation(crm, staff_user):
    segment = services.create_segment(actor=staff_user, description="Prospects")
    services.add_contacts(
        segment=segment,
        actor=staff_user,
        criteria={"business_relation": "PROS", **PERSONS},
    )
    # Lise is Bre's too but is marked "exclude from segment".
    assert line_nos(segment) == [crm.per.no]


def test_a_persons_own_classification_matches_too(crm):
    classify(crm.loner, relations=["PROS"], industries=["RETAIL"])
    assert crm.loner in matching_contacts({"business_relation": "pros"})
    assert crm.loner in matching_contacts({"industry_group": "retail"})
    # Job responsibilities and mailing groups are the contact's own.
    assert crm.kari not in matching_contacts({"mailing_group": "NEWSLETTER"})
    classify(crm.fjord, jobs=["BUYER"])
    assert crm.kari not in matching_contacts({"job_responsibility": "BUYER"})


def test_reduce_removes_persons_of_a_prospect_company(crm, staff_user):
    segment = persons_segment(crm, staff_user)
    assert preview(segment, "reduce", business_relation="PROS") == 1
    removed = services.reduce_contacts(
        segment=segment, actor=staff_user, criteria={"business_relation": "PROS"}
    )
    assert removed.removed == 1
    assert line_nos(segment) == sorted(crm.nos(crm.kari, crm.ola, crm.loner))


def test_refine_keeps_persons_of_a_retail_company(crm, staff_user):
    segment = persons_segment(crm, staff_user)
    assert preview(segment, "refine", industry_group="RETAIL") == 2
    removed = services.refine_contacts(
        segment=segment, actor=staff_user, criteria={"industry_group": "RETAIL"}
    )
    assert removed.removed == 2
    assert line_nos(segment) == sorted(crm.nos(crm.kari, crm.ola))


def test_saved_criteria_replay_matches_through_the_company(crm, staff_user):
    segment = persons_segment(crm, staff_user)
    services.reduce_contacts(
        segment=segment, actor=staff_user, criteria={"business_relation": "PROS"}
    )
    saved = services.save_criteria(segment=segment, actor=staff_user, code="NOPROS")
    other = services.create_segment(actor=staff_user, description="Again")
    services.reuse_criteria(segment=other, actor=staff_user, saved=saved)
    assert line_nos(other) == line_nos(segment)
    assert crm.per.no not in line_nos(other)
