"""Merge fields: a restricted context of plain values, never model instances (§2)."""

import datetime as dt

import pytest
from django.conf import settings

from interactions.services import MERGE_FIELDS, render_content
from interactions.services.merge import merge
from tests import factories

DATE = dt.date(2026, 3, 2)


@pytest.fixture
def contact(db, company):
    return factories.PersonFactory(
        no="CT000042",
        name="Kari Nordmann",
        company=company,
        job_title="Purchaser",
        email="kari@example.com",
        address="Storgata 1",
        post_code="0155",
        city="Oslo",
        phone="+47 22 00 00 00",
    )


@pytest.fixture
def seller(db):
    return factories.SalespersonFactory(
        code="OLA",
        name="Ola Selger",
        email="ola@example.com",
        phone="+47 99 00 00 00",
        job_title="Key account manager",
    )


def render_body(template, contact, seller, body: str) -> str:
    factories.TemplateContentFactory(template=template, subject="", body=body)
    _subject, rendered = render_content(
        template=template, contact=contact, language="", salesperson=seller, date=DATE
    )
    return rendered


def test_every_merge_field_renders(template, contact, seller):
    body = "\n".join(f"{name}={{{{ {name} }}}}" for name in MERGE_FIELDS)

    rendered = render_body(template, contact, seller, body)

    assert rendered.splitlines() == [
        "contact.name=Kari Nordmann",
        "contact.no=CT000042",
        "contact.company_name=Fjord Handel AS",
        "contact.job_title=Purchaser",
        "contact.email=kari@example.com",
        "contact.address=Storgata 1",
        "contact.post_code=0155",
        "contact.city=Oslo",
        "contact.phone=+47 22 00 00 00",
        "salesperson.name=Ola Selger",
        "salesperson.email=ola@example.com",
        "salesperson.phone=+47 99 00 00 00",
        "salesperson.job_title=Key account manager",
        "date=March 2, 2026",  # a letter's date, in the site language
    ]


def test_subject_is_merged_too(template, contact, seller):
    factories.TemplateContentFactory(
        template=template, subject="Offer for {{contact.company_name}}", body=""
    )

    subject, body = render_content(
        template=template, contact=contact, language="", salesperson=seller
    )

    assert (subject, body) == ("Offer for Fjord Handel AS", "")


def test_salesperson_fields_blank_without_salesperson(template, contact):
    factories.TemplateContentFactory(
        template=template, body="Regards, {{ salesperson.name }}."
    )

    _subject, body = render_content(
        template=template, contact=contact, language="", salesperson=None
    )

    assert body == "Regards, ."


def test_company_name_of_a_company_is_its_own_name(template, company, seller):
    body = render_body(template, company, seller, "{{ contact.company_name }}")

    assert body == "Fjord Handel AS"


def test_no_content_renders_nothing(template, contact):
    assert render_content(template=template, contact=contact, language="NOR") == (
        "",
        "",
    )


@pytest.mark.parametrize(
    "attack",
    [
        "{{ settings.SECRET_KEY }}",
        "{{ contact.__class__ }}",
        "{{ contact.__class__.__mro__ }}",
        "{{ contact.company.salesperson.user.password }}",
        "{{ contact._meta }}",
        "{{ salesperson.user.password }}",
        "{% load static %}{% get_static_prefix %}",
        '{% include "base.html" %}',
        "{% debug %}",
        "{{ contact.name|upper }}",
        "{{ contact.name.upper }}",
        "{{ request }}",
        "{% templatetag openvariable %}",
    ],
)
def test_template_author_cannot_reach_other_data(
    template, contact, seller, staff_user, attack
):
    seller.user = staff_user
    seller.save()

    rendered = render_body(template, contact, seller, attack)

    # Nothing is evaluated: what is not a whitelisted field stays as written.
    assert rendered == attack
    assert settings.SECRET_KEY not in rendered
    assert staff_user.password not in rendered


def test_substituted_values_are_not_expanded_again(template, seller):
    sneaky = factories.PersonFactory(name="{{ salesperson.email }}")

    rendered = render_body(template, sneaky, seller, "Dear {{ contact.name }}")

    assert rendered == "Dear {{ salesperson.email }}"


def test_unknown_placeholder_left_visible():
    assert merge("Hi {{ contact.shoe_size }}", {"contact.name": "Kari"}) == (
        "Hi {{ contact.shoe_size }}"
    )


def test_spacing_inside_braces_is_optional():
    assert merge(
        "{{contact.name}} / {{   contact.name   }}", {"contact.name": "K"}
    ) == ("K / K")
