"""The figures in admin: changelist columns (one query) and the change form."""

import re

import pytest
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Salesperson
from interactions.models import Campaign, InteractionGroup, InteractionTemplate

pytestmark = pytest.mark.django_db

MODELS = {
    "campaign": (Campaign, "CA"),
    "template": (InteractionTemplate, "TA"),
    "group": (InteractionGroup, "GA"),
    "salesperson": (Salesperson, "SA"),
}


def changelist(model) -> str:
    return reverse(admin_urlname(model._meta, "changelist"))


def cells(html: str, key: str) -> list[str]:
    """The cells after the linked key of one changelist row."""
    row = re.search(rf"<tr>(?:(?!</tr>).)*>{key}</a></th>(.*?)</tr>", html, re.S)
    assert row, f"no row {key!r}"
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


@pytest.mark.parametrize("kind", MODELS)
def test_the_changelist_shows_the_figures_without_canceled_and_postponed(
    admin_client, log, kind
):
    model, key = MODELS[kind]
    html = admin_client.get(changelist(model)).content.decode()

    figures = ["3", "7.00", "12.00"]
    if kind == "campaign":
        figures += ["2", "1"]
    assert cells(html, key)[-len(figures) :] == figures


@pytest.mark.parametrize("kind", MODELS)
def test_the_changelist_costs_no_query_per_row(
    admin_client, log, kind, django_assert_max_num_queries
):
    model, _key = MODELS[kind]
    url = changelist(model)
    admin_client.get(url)
    # More rows must not mean more queries: count with the two masters and
    # again with a third row added.
    with CaptureQueriesContext(connection) as before:
        admin_client.get(url)
    extra = {
        "campaign": lambda: Campaign.objects.create(no="CC", description="C"),
        "template": lambda: InteractionTemplate.objects.create(
            code="TC", group=log.A.group, description="C"
        ),
        "group": lambda: InteractionGroup.objects.create(code="GC", description="C"),
        "salesperson": lambda: Salesperson.objects.create(code="SC", name="C"),
    }[kind]
    extra()
    with django_assert_max_num_queries(len(before.captured_queries)):
        response = admin_client.get(url)
    assert response.context["cl"].result_count >= 3


@pytest.mark.parametrize("kind", MODELS)
def test_the_change_form_shows_the_figures_read_only(admin_client, log, kind):
    model, key = MODELS[kind]
    obj = getattr(log.A, kind)
    url = reverse(admin_urlname(model._meta, "change"), args=[obj.pk])

    response = admin_client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    count = re.search(
        r'field-interaction_count.*?<div class="readonly">([^<]*)<', html, re.S
    )
    assert count and count.group(1).strip() == "3"
    assert "interaction_count" not in response.context["adminform"].form.fields
