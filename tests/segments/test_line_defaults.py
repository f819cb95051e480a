"""Lines added in bulk (SQL) get exactly the §4.1 defaults of interaction_defaults.

The line values are computed in SQL for all contacts at once
(``interactions.services.segments.lines``) and in Python for one contact
(``interaction_defaults``). The named scenarios below walk each branch; the
property test lets hypothesis combine random templates, contacts, header
context and acting users, and checks both agree on every line.
"""

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import Contact, CorrespondenceType
from interactions import services
from interactions.models import InformationFlow, InitiatedBy, Segment
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
    assert (
        services.add_contacts(
            segment=segment, actor=staff_user, criteria={}, confirm_all=True
        ).added
        == 5
    )

    assert_lines_equal_interaction_defaults(segment, contacts, staff_user)


def assert_lines_equal_interaction_defaults(
    segment: Segment, contacts: list[Contact], actor: Any
) -> None:
    """Each contact's line holds what interaction_defaults gives it (COMPARED)."""
    for contact in contacts:
        line = segment.lines.get(contact=contact)
        expected = services.interaction_defaults(
            contact=contact,
            template=segment.template,
            actor=actor,
            salesperson=segment.salesperson,
            campaign=segment.campaign,
            correspondence_type=_correspondence_override(segment),
        )
        actual = {name: getattr(line, name) for name in COMPARED}
        assert actual == {name: expected[name] for name in COMPARED}, contact


# --- The same, as a property over random setups ------------------------------

LANGUAGES = ["", "en", "nb", "de"]
SALESPERSON = st.sampled_from([None, "active", "blocked"])

TEMPLATES = st.fixed_dictionaries(
    {
        "correspondence_type": st.sampled_from(CorrespondenceType.values),
        "ignore_contact_correspondence_type": st.booleans(),
        "language": st.sampled_from(["", "en", "nb"]),
        "information_flow": st.sampled_from(InformationFlow.values),
        "initiated_by": st.sampled_from(InitiatedBy.values),
        "unit_cost": st.decimals(min_value=0, max_value=999, places=2),
        "campaign_target": st.booleans(),
        "campaign_response": st.booleans(),
        "campaign": st.booleans(),
        "contents": st.sets(st.sampled_from(LANGUAGES), max_size=3),
    }
)
CONTACTS = st.lists(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(["company", "employee", "private"]),
            "email": st.booleans(),
            "correspondence_type": st.sampled_from(CorrespondenceType.values),
            "language": st.sampled_from(LANGUAGES),
            "salesperson": SALESPERSON,
        }
    ),
    min_size=1,
    max_size=4,
)
HEADERS = st.fixed_dictionaries(
    {
        # "unset": the header proposes the actor's salesperson itself.
        "salesperson": st.sampled_from(["unset", None, "active"]),
        "campaign": st.booleans(),
        # None: the template's correspondence settings; else (ignore, type).
        "correspondence": st.none()
        | st.tuples(st.booleans(), st.sampled_from(CorrespondenceType.values)),
    }
)


def _salesperson(kind: str | None) -> Any:
    if kind is None:
        return None
    return factories.SalespersonFactory(blocked=kind == "blocked")


def _template(spec: dict[str, Any]) -> Any:
    fields = {name: value for name, value in spec.items() if name != "contents"}
    fields["campaign"] = factories.CampaignFactory() if spec["campaign"] else None
    template = factories.TemplateFactory(**fields)
    for language in spec["contents"]:
        factories.TemplateContentFactory(template=template, language=language)
    return template


def _contacts(specs: list[dict[str, Any]]) -> list[Contact]:
    employer = factories.CompanyFactory()
    contacts = [employer]
    for spec in specs:
        values = {
            "email": "x@example.com" if spec["email"] else "",
            "correspondence_type": spec["correspondence_type"],
            "language": spec["language"],
            "salesperson": _salesperson(spec["salesperson"]),
        }
        if spec["kind"] == "company":
            contacts.append(factories.CompanyFactory(**values))
        else:
            company = employer if spec["kind"] == "employee" else None
            contacts.append(factories.PersonFactory(company=company, **values))
    return contacts


def _header(spec: dict[str, Any]) -> dict[str, Any]:
    header: dict[str, Any] = {}
    if spec["salesperson"] != "unset":
        header["salesperson"] = _salesperson(spec["salesperson"])
    if spec["campaign"]:
        header["campaign"] = factories.CampaignFactory()
    if spec["correspondence"] is not None:
        ignore, correspondence_type = spec["correspondence"]
        header["ignore_contact_correspondence_type"] = ignore
        header["correspondence_type"] = correspondence_type
    return header


@settings(
    max_examples=50,
    deadline=None,
    # Each example runs in a savepoint that is rolled back (below), so the
    # function-scoped database and user fixtures are the same for every one.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(template=TEMPLATES, contact_specs=CONTACTS, header=HEADERS, actor=SALESPERSON)
def test_bulk_lines_equal_interaction_defaults_for_any_setup(
    staff_user, template, contact_specs, header, actor
):
    with transaction.atomic():
        if actor is not None:
            factories.SalespersonFactory(user=staff_user, blocked=actor == "blocked")
        staff_user.refresh_from_db()  # forget the cached reverse salesperson
        chosen = _template(template)
        contacts = _contacts(contact_specs)
        segment = services.create_segment(
            actor=staff_user, template=chosen, **_header(header)
        )
        added = services.add_contacts(
            segment=segment, actor=staff_user, criteria={}, confirm_all=True
        )

        assert added.added == Contact.objects.count()
        assert_lines_equal_interaction_defaults(segment, contacts, staff_user)
        transaction.set_rollback(True)


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
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={}, confirm_all=True
    )
    assert set(
        segment.lines.values_list(
            "description", "subject", "cost", "campaign", "campaign_target"
        )
    ) == {("Invitation", "Welcome", 3, crm.campaign.pk, True)}


def test_line_template_change_takes_interaction_defaults(contacts, staff_user):
    first = template_with_content(correspondence_type="hard_copy")
    segment = services.create_segment(actor=staff_user, template=first)
    services.add_contacts(
        segment=segment, actor=staff_user, criteria={}, confirm_all=True
    )
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
