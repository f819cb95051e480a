"""Lines added in bulk (SQL) get exactly the §4.1 defaults of interaction_defaults."""

import pytest

from contacts.models import Contact
from interactions import services
from interactions.services.segments import _correspondence_override
from tests import factories

COMPARED = (
    "contact_company",
    "template",
    "description",
    "cost",
    "duration",
    "information_flow",
    "initiated_by",
    "campaign",
    "campaign_target",
    "campaign_response",
    "salesperson",
    "correspondence_type",
    "language",
    "date",
)


@pytest.fixture
def contacts(db) -> list[Contact]:
    """Contacts covering every branch of the contact-dependent defaults."""
    active = factories.SalespersonFactory(code="ACT")
    blocked = factories.SalespersonFactory(code="BLK", blocked=True)
    company = factories.CompanyFactory(
        correspondence_type="hard_copy", language="", salesperson=None
    )
    return [
        company,
        factories.PersonFactory(
            company=company, correspondence_type="", language="nb", salesperson=active
        ),
        factories.PersonFactory(
            company=company,
            email="",
            correspondence_type="email",
            language="de",
            salesperson=blocked,
        ),
        factories.PersonFactory(
            company=None, email="", correspondence_type="", language="nb"
        ),
        factories.PersonFactory(
            company=None, correspondence_type="email", language="", salesperson=active
        ),
    ]


def template_with_content(**fields):
    template = factories.TemplateFactory(language="en", **fields)
    factories.TemplateContentFactory(template=template, language="en")
    factories.TemplateContentFactory(template=template, language="nb")
    return template


SCENARIOS = {
    "template e-mail, contact preference": ({"correspondence_type": "email"}, {}),
    "template ignores contact": (
        {
            "correspondence_type": "hard_copy",
            "ignore_contact_correspondence_type": True,
        },
        {},
    ),
    "template ignores contact, e-mail": (
        {"correspondence_type": "email", "ignore_contact_correspondence_type": True},
        {},
    ),
    "segment overrides with e-mail": (
        {"correspondence_type": "hard_copy"},
        {"ignore_contact_correspondence_type": True, "correspondence_type": "email"},
    ),
    "segment overrides with blank": (
        {"correspondence_type": "email"},
        {"ignore_contact_correspondence_type": True, "correspondence_type": ""},
    ),
    "no header salesperson: actor's": ({}, {"salesperson": None}),
    "template campaign": ({"campaign": factories.CampaignFactory}, {}),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("actor_has_salesperson", [True, False])
def test_bulk_line_equals_interaction_defaults(
    scenario, actor_has_salesperson, contacts, staff_user
):
    template_fields, header = SCENARIOS[scenario]
    template_fields = {
        name: value() if callable(value) else value
        for name, value in template_fields.items()
    }
    template = template_with_content(**template_fields)
    if actor_has_salesperson:
        factories.SalespersonFactory(code="ME", user=staff_user)
    segment = services.create_segment(actor=staff_user, template=template, **header)
    assert services.add_contacts(segment=segment, actor=staff_user, criteria={}) == 5

    for contact in contacts:
        line = segment.lines.get(contact=contact)
        expected = services.interaction_defaults(
            contact=contact,
            template=template,
            actor=staff_user,
            salesperson=segment.salesperson,
            campaign=segment.campaign,
            correspondence_type=_correspondence_override(segment),
        )
        actual = {name: getattr(line, name) for name in COMPARED}
        assert actual == {name: expected[name] for name in COMPARED}, contact


def test_header_values_override_template_defaults(contacts, staff_user, crm):
    segment = services.create_segment(
        actor=staff_user,
        template=crm.template,
        description="Invitation",
        subject="Welcome",
        unit_cost=3,
        campaign=crm.campaign,
        campaign_target=True,
    )
    services.add_contacts(segment=segment, actor=staff_user, criteria={})
    assert set(
        segment.lines.values_list(
            "description", "subject", "cost", "campaign", "campaign_target"
        )
    ) == {("Invitation", "Welcome", 3, crm.campaign.pk, True)}


def test_line_template_change_takes_interaction_defaults(contacts, staff_user):
    first = template_with_content(correspondence_type="hard_copy")
    segment = services.create_segment(actor=staff_user, template=first)
    services.add_contacts(segment=segment, actor=staff_user, criteria={})
    line = segment.lines.get(contact=contacts[1])
    other = template_with_content(
        correspondence_type="email", unit_cost=77, description="Other"
    )
    line = services.update_segment_line(
        actor=staff_user, line=line, template=other, evaluation="neutral"
    )
    expected = services.interaction_defaults(
        contact=contacts[1],
        template=other,
        actor=staff_user,
        salesperson=line.salesperson,
    )
    assert line.template == other
    assert line.cost == 77
    assert line.description == "Other"
    assert line.correspondence_type == expected["correspondence_type"] == "email"
    assert line.language == expected["language"] == "nb"
    assert line.evaluation == "neutral"
