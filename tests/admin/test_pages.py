"""Every admin page renders for an administrator and is closed to everyone else."""

import datetime as dt
import importlib.util

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from contacts.models import ContactBusinessRelation
from interactions.services import (
    CanceledEntryFilter,
    add_comment,
    start_delete_canceled_job,
)
from interactions_crm.platform.models import IdempotencyKey
from tests import factories
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

# Registered by the segments' own admin module (interactions/admin_segments.py).
SEGMENT_MODELS = {
    "interactions.segment",
    "interactions.segmentline",
    "interactions.segmentcriteriaaction",
    "interactions.savedcriteria",
    "interactions.loggedsegment",
}
SEGMENT_INLINES = {"interactions.segmentline", "interactions.segmentcriteriaaction"}
REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODEL_ADMINS = [pytest.param(ma, id=model._meta.label) for model, ma in REGISTRY]


def url(model_admin, view: str, *args) -> str:
    opts = model_admin.opts
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def one_of_each(admin_user):
    """At least one row of every model our admin shows, made the usual ways."""
    person = factories.PersonFactory()
    person.job_responsibilities.add(factories.JobResponsibilityFactory(code="IT"))
    person.mailing_groups.add(factories.MailingGroupFactory(code="NEWSLETTER"))
    person.company.industry_groups.add(factories.IndustryGroupFactory(code="RETAIL"))
    factories.ContactBusinessRelationFactory(
        contact=person.company,
        business_relation=factories.BusinessRelationFactory(code="CUST"),
        link_type=ContactBusinessRelation.LinkType.CUSTOMER,
        link_no="10000",
    )
    content = factories.TemplateContentFactory(template__code="LETTER")
    factories.CampaignFactory()
    entry = make_entry(person, content.template, date=dt.date(2026, 1, 5))
    add_comment(actor=admin_user, entry=entry, text="Called back")
    make_entry(person, content.template, canceled=True)
    start_delete_canceled_job(actor=admin_user, filters=CanceledEntryFilter())
    IdempotencyKey.objects.create(
        user=admin_user, key="k-1", fingerprint="f" * 64, status_code=201
    )
    return entry


def test_every_model_of_our_apps_has_an_admin():
    segments_admin = importlib.util.find_spec("interactions.admin_segments")
    expected = {
        model._meta.label_lower
        for label in ("contacts", "interactions")
        for model in apps.get_app_config(label).get_models()
    }
    if segments_admin is None:
        expected -= SEGMENT_MODELS
    # Segment lines and criteria actions are edited as inlines of their segment.
    expected -= SEGMENT_INLINES
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert expected - registered == set()


@pytest.mark.parametrize("model_admin", MODEL_ADMINS)
def test_changelist_renders_for_an_administrator(
    admin_client, one_of_each, model_admin
):
    response = admin_client.get(url(model_admin, "changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("model_admin", MODEL_ADMINS)
def test_add_page_renders_or_is_refused(admin_client, admin_user, model_admin):
    request = RequestFactory().get("/")
    request.user = admin_user

    response = admin_client.get(url(model_admin, "add"))

    expected = 200 if model_admin.has_add_permission(request) else 403
    assert response.status_code == expected


@pytest.mark.parametrize("model_admin", MODEL_ADMINS)
def test_change_page_renders_for_an_administrator(
    admin_client, one_of_each, model_admin
):
    obj = model_admin.model._default_manager.first()
    if obj is None:
        label = model_admin.opts.label_lower
        assert label in SEGMENT_MODELS or model_admin.opts.app_label not in {
            "contacts",
            "interactions",
        }, f"the fixture made no {label}"
        pytest.skip(f"no {label} in this test database")

    response = admin_client.get(url(model_admin, "change", obj.pk))

    assert response.status_code == 200


@pytest.mark.parametrize("model_admin", MODEL_ADMINS)
def test_staff_without_permission_gets_403(clerk_client, model_admin):
    assert clerk_client.get(url(model_admin, "changelist")).status_code == 403
    assert clerk_client.get(url(model_admin, "add")).status_code == 403


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(reverse("admin:interactions_interactionlogentry_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_log_entry_page_offers_no_delete(admin_client, one_of_each):
    entry = one_of_each

    change = admin_client.get(url_for_entry(entry))
    delete = admin_client.post(
        reverse("admin:interactions_interactionlogentry_delete", args=[entry.entry_no]),
        {"post": "yes"},
    )

    assert b"deletelink" not in change.content
    assert delete.status_code == 403
    entry.refresh_from_db()


def url_for_entry(entry) -> str:
    return reverse(
        "admin:interactions_interactionlogentry_change", args=[entry.entry_no]
    )
