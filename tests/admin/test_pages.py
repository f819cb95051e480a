"""Every admin page renders for an administrator and is closed to everyone else.

The pages are parametrised over the admin site's registry, and
:func:`one_of_each` makes a row of every registered model: a model registered
later without a row here fails the change-page test instead of being skipped.
"""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from contacts.models import ContactBusinessRelation
from interactions.models import OptOutMethod
from interactions.services import (
    CanceledEntryFilter,
    add_comment,
    start_delete_canceled_job,
)
from interactions.services.outbox import record_opt_out
from interactions.services.preferences import choose_log_columns, save_log_view
from interactions.services.segments import (
    add_contacts,
    create_segment,
    log_segment,
    save_criteria,
)
from interactions_crm.platform.api.auth import issue_token
from interactions_crm.platform.models import IdempotencyKey
from interactions_crm.platform.tasks import run_job_task
from tests import factories
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

# Edited as inlines of their segment, not on pages of their own.
INLINE_ONLY = {
    "interactions.segmentline",
    "interactions.segmentcriteriaaction",
    "interactions.segmentcontent",
}
REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODEL_ADMINS = [pytest.param(ma, id=model._meta.label) for model, ma in REGISTRY]


def url(model_admin, view: str, *args) -> str:
    opts = model_admin.opts
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def one_of_each(admin_user):
    """A row of every model the admin site shows, made the usual ways.

    Our rows come from factories and services; third-party rows from their
    own interfaces (an API token, an enqueued task).
    """
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
    job = start_delete_canceled_job(actor=admin_user, filters=CanceledEntryFilter())
    run_job_task.enqueue(str(job.pk))
    IdempotencyKey.objects.create(
        user=admin_user, key="k-1", fingerprint="f" * 64, status_code=201
    )
    issue_token(actor=None, user=admin_user)
    for description in ("Logged", "Open"):
        segment = create_segment(
            actor=admin_user,
            description=description,
            template=content.template,
            salesperson=factories.SalespersonFactory(),
        )
        add_contacts(
            segment=segment, actor=admin_user, criteria={"contact_no": person.no}
        )
    save_criteria(segment=segment, actor=admin_user, code="ONE")
    log_segment(
        segment=segment.__class__.objects.get(description="Logged"), actor=admin_user
    )
    # An e-mail in the outbox, then an opt-out (its history and suppression).
    make_entry(
        person,
        content.template,
        salesperson=segment.salesperson,
        correspondence_type="email",
        send=True,
    )
    record_opt_out(contact=person, method=OptOutMethod.LINK)
    # The log page's chosen columns and a saved view (issue #13).
    choose_log_columns(actor=admin_user, columns=["date", "campaign"])
    save_log_view(
        actor=admin_user, name="Mine", query="canceled=true", columns=["date"]
    )
    return entry


def test_every_model_of_our_apps_has_an_admin():
    expected = {
        model._meta.label_lower
        for label in ("contacts", "interactions", "platform")
        for model in apps.get_app_config(label).get_models()
    }
    registered = {model._meta.label_lower for model in admin.site._registry}

    assert expected - INLINE_ONLY - registered == set()


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
    assert obj is not None, f"one_of_each made no {model_admin.opts.label}: add one"

    response = admin_client.get(url(model_admin, "change", obj.pk))

    assert response.status_code == 200
    assert response.context["original"] == obj


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
