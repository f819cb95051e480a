"""factory_boy factories for master data; ``make_entry`` for ledger entries.

Ledger entries are never made by a factory: ``make_entry`` records them through
the services, as a user would.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model

from contacts.models import (
    BusinessRelation,
    Contact,
    ContactBusinessRelation,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
    Salesperson,
)
from interactions.models import (
    Campaign,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    TemplateContent,
)
from interactions.services import cancel_entries, create_interaction


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class SalespersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Salesperson
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SP{n:03d}")
    name = factory.Faker("name", locale="no_NO")
    email = factory.LazyAttribute(lambda o: f"{o.code.lower()}@example.com")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    no = factory.Sequence(lambda n: f"TC{n:06d}")
    type = Contact.Type.COMPANY
    name = factory.Faker("company", locale="no_NO")
    email = factory.Sequence(lambda n: f"company{n}@example.com")
    city = "Oslo"
    post_code = "0150"
    country = "NO"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    no = factory.Sequence(lambda n: f"TP{n:06d}")
    type = Contact.Type.PERSON
    name = factory.Faker("name", locale="no_NO")
    company = factory.SubFactory(CompanyFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    city = "Oslo"
    post_code = "0150"
    country = "NO"


class BusinessRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessRelation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"BR{n}")


class ContactBusinessRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactBusinessRelation

    contact = factory.SubFactory(CompanyFactory)
    business_relation = factory.SubFactory(BusinessRelationFactory)


class JobResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobResponsibility
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"JR{n}")


class IndustryGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustryGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"IG{n}")


class MailingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailingGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"MG{n}")


class InteractionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InteractionGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"GROUP{n}")
    description = factory.LazyAttribute(lambda o: f"Group {o.code}")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    no = factory.Sequence(lambda n: f"TCP{n:05d}")
    description = factory.Sequence(lambda n: f"Campaign {n}")


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InteractionTemplate
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TMPL{n}")
    group = factory.SubFactory(InteractionGroupFactory)
    description = factory.LazyAttribute(lambda o: f"Template {o.code}")
    unit_cost = Decimal("10.00")
    unit_duration = Decimal("15")
    information_flow = "outbound"
    initiated_by = "us"


class TemplateContentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateContent

    template = factory.SubFactory(TemplateFactory)
    language = ""
    subject = "Hello {{ contact.name }}"
    body = "Dear {{ contact.name }},\n\nRegards, {{ salesperson.name }}"


def make_entry(
    contact=None, template=None, *, canceled: bool = False, **values: Any
) -> InteractionLogEntry:
    """One manual interaction via ``create_interaction`` (canceled if asked)."""
    contact = contact or CompanyFactory()
    template = template or TemplateFactory()
    values.setdefault("salesperson", SalespersonFactory(code="LEDGER"))
    values.setdefault("date", dt.date(2026, 3, 2))
    entry = create_interaction(actor=None, contact=contact, template=template, **values)
    if canceled:
        cancel_entries(actor=None, entries=[entry])
        entry.refresh_from_db()
    return entry
