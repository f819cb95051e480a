"""DOMAIN §4.1: defaults every creation path takes from contact, template, context."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from contacts.models import CorrespondenceType
from interactions.services import interaction_defaults, select_content
from interactions.services.defaults import round_up_to_minute
from tests import factories


@pytest.fixture
def rich_template(db):
    return factories.TemplateFactory(
        code="VISIT",
        group__code="MEETING",
        description="Customer visit",
        unit_cost=Decimal("120.50"),
        unit_duration=Decimal("90"),
        information_flow="inbound",
        initiated_by="them",
        campaign=factories.CampaignFactory(no="CP-TMPL"),
        campaign_target=True,
        campaign_response=True,
        correspondence_type=CorrespondenceType.HARD_COPY,
        language="ENU",
    )


def test_template_values_are_copied(person, rich_template):
    values = interaction_defaults(contact=person, template=rich_template)

    assert values["template"] == rich_template
    assert values["group"].code == "MEETING"
    assert values["description"] == "Customer visit"
    assert values["cost"] == Decimal("120.50")
    assert values["duration"] == Decimal("90")
    assert values["information_flow"] == "inbound"
    assert values["initiated_by"] == "them"
    assert values["campaign_target"] is True
    assert values["campaign_response"] is True


def test_campaign_from_context_wins_over_template(person, rich_template):
    context_campaign = factories.CampaignFactory(no="CP-CTX")

    with_context = interaction_defaults(
        contact=person, template=rich_template, campaign=context_campaign
    )
    without = interaction_defaults(contact=person, template=rich_template)

    assert with_context["campaign"] == context_campaign
    assert without["campaign"].no == "CP-TMPL"


def test_campaign_blank_when_neither_context_nor_template(person, template):
    assert interaction_defaults(contact=person, template=template)["campaign"] is None


class TestSalesperson:
    def test_context_salesperson_wins(self, person, template, staff_user, salesperson):
        context = factories.SalespersonFactory(code="CTX")
        person.salesperson = factories.SalespersonFactory(code="OWNER")

        values = interaction_defaults(
            contact=person, template=template, actor=staff_user, salesperson=context
        )

        assert values["salesperson"] == context

    def test_acting_users_salesperson_next(
        self, person, template, staff_user, salesperson
    ):
        person.salesperson = factories.SalespersonFactory(code="OWNER")

        values = interaction_defaults(
            contact=person, template=template, actor=staff_user
        )

        assert values["salesperson"] == salesperson

    def test_contacts_salesperson_when_user_has_none(self, person, template):
        user_without_salesperson = factories.UserFactory(username="nosales")
        owner = factories.SalespersonFactory(code="OWNER")
        person.salesperson = owner

        values = interaction_defaults(
            contact=person, template=template, actor=user_without_salesperson
        )

        assert values["salesperson"] == owner

    @pytest.mark.parametrize("actor", [None, AnonymousUser()])
    def test_contacts_salesperson_without_an_actor(self, person, template, actor):
        owner = factories.SalespersonFactory(code="OWNER")
        person.salesperson = owner

        values = interaction_defaults(contact=person, template=template, actor=actor)

        assert values["salesperson"] == owner

    def test_blocked_users_salesperson_is_not_proposed(
        self, person, template, staff_user, salesperson
    ):
        salesperson.blocked = True
        salesperson.save()
        owner = factories.SalespersonFactory(code="OWNER")
        person.salesperson = owner
        staff_user.refresh_from_db()

        values = interaction_defaults(
            contact=person, template=template, actor=staff_user
        )

        assert values["salesperson"] == owner

    def test_none_when_nobody_is_found(self, person, template):
        assert (
            interaction_defaults(contact=person, template=template)["salesperson"]
            is None
        )


class TestCorrespondenceType:
    def test_override_wins(self, person, template):
        person.correspondence_type = CorrespondenceType.EMAIL
        template.correspondence_type = CorrespondenceType.EMAIL
        template.ignore_contact_correspondence_type = True

        values = interaction_defaults(
            contact=person,
            template=template,
            correspondence_type=CorrespondenceType.HARD_COPY,
        )

        assert values["correspondence_type"] == CorrespondenceType.HARD_COPY

    def test_template_default_when_template_ignores_contact(self, person, template):
        person.correspondence_type = CorrespondenceType.EMAIL
        template.correspondence_type = CorrespondenceType.HARD_COPY
        template.ignore_contact_correspondence_type = True

        values = interaction_defaults(contact=person, template=template)

        assert values["correspondence_type"] == CorrespondenceType.HARD_COPY

    def test_template_default_when_contact_has_none(self, person, template):
        person.correspondence_type = CorrespondenceType.BLANK
        template.correspondence_type = CorrespondenceType.HARD_COPY

        values = interaction_defaults(contact=person, template=template)

        assert values["correspondence_type"] == CorrespondenceType.HARD_COPY

    def test_contact_preference_otherwise(self, person, template):
        person.correspondence_type = CorrespondenceType.EMAIL
        template.correspondence_type = CorrespondenceType.HARD_COPY

        values = interaction_defaults(contact=person, template=template)

        assert values["correspondence_type"] == CorrespondenceType.EMAIL

    def test_email_falls_back_to_blank_without_address(self, person, template):
        person.email = ""
        person.correspondence_type = CorrespondenceType.EMAIL

        values = interaction_defaults(contact=person, template=template)

        assert values["correspondence_type"] == CorrespondenceType.BLANK

    def test_email_override_also_falls_back_without_address(self, person, template):
        person.email = ""

        values = interaction_defaults(
            contact=person,
            template=template,
            correspondence_type=CorrespondenceType.EMAIL,
        )

        assert values["correspondence_type"] == CorrespondenceType.BLANK

    def test_email_kept_without_address_when_sending(self, person, template):
        # create_interaction then refuses it with a message (test_delivery).
        person.email = ""
        person.correspondence_type = CorrespondenceType.EMAIL

        values = interaction_defaults(contact=person, template=template, send=True)

        assert values["correspondence_type"] == CorrespondenceType.EMAIL


class TestLanguage:
    def test_contacts_language_when_template_has_content_in_it(self, person, template):
        template.language = "ENU"
        factories.TemplateContentFactory(template=template, language="NOR")
        person.language = "NOR"

        assert interaction_defaults(contact=person, template=template)["language"] == (
            "NOR"
        )

    def test_template_default_when_no_content_in_contacts_language(
        self, person, template
    ):
        template.language = "ENU"
        factories.TemplateContentFactory(template=template, language="ENU")
        person.language = "DEU"

        assert interaction_defaults(contact=person, template=template)["language"] == (
            "ENU"
        )

    def test_template_default_when_contact_has_no_language(self, person, template):
        template.language = "ENU"
        person.language = ""

        assert interaction_defaults(contact=person, template=template)["language"] == (
            "ENU"
        )


def test_date_today_and_time_rounded_up(person, template):
    before = timezone.localtime()
    values = interaction_defaults(contact=person, template=template)
    after = timezone.localtime()

    assert values["date"] == timezone.localdate()
    assert values["time"].second == 0
    assert values["time"].microsecond == 0
    floor = before.replace(second=0, microsecond=0).time()
    ceiling = (after.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)).time()
    assert floor <= values["time"] <= ceiling or after.time() < before.time()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt.datetime(2026, 3, 2, 10, 0, 0, tzinfo=dt.UTC), dt.time(10, 0)),
        (dt.datetime(2026, 3, 2, 10, 0, 0, 1, tzinfo=dt.UTC), dt.time(10, 1)),
        (dt.datetime(2026, 3, 2, 10, 0, 59, tzinfo=dt.UTC), dt.time(10, 1)),
        (dt.datetime(2026, 3, 2, 10, 59, 30, tzinfo=dt.UTC), dt.time(11, 0)),
        # The last minute of the day never wraps to midnight.
        (dt.datetime(2026, 3, 2, 23, 59, 30, tzinfo=dt.UTC), dt.time(23, 59)),
    ],
)
def test_round_up_to_minute(moment, expected):
    assert round_up_to_minute(moment) == expected


def test_person_counts_for_its_company(person, company, template):
    values = interaction_defaults(contact=person, template=template)

    assert values["contact"] == person
    assert values["contact_company"] == company


def test_company_is_its_own_company(company, template):
    assert (
        interaction_defaults(contact=company, template=template)["contact_company"]
        == company
    )


def test_person_without_company_has_no_company(template):
    loner = factories.PersonFactory(company=None)

    assert (
        interaction_defaults(contact=loner, template=template)["contact_company"]
        is None
    )


class TestSelectContent:
    def test_exact_language(self, template):
        template.language = "ENU"
        factories.TemplateContentFactory(template=template, language="ENU")
        norwegian = factories.TemplateContentFactory(template=template, language="NOR")

        assert select_content(template, "NOR") == norwegian

    def test_falls_back_to_default_language(self, template):
        template.language = "ENU"
        english = factories.TemplateContentFactory(template=template, language="ENU")

        assert select_content(template, "DEU") == english

    def test_none_without_content(self, template):
        template.language = "ENU"
        factories.TemplateContentFactory(template=template, language="NOR")

        assert select_content(template, "DEU") is None
