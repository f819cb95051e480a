"""Who may open which page and call which API operation (issue #11).

Generated, not hand-listed: every named staff page of the URLconf (the
``contacts`` and ``interactions`` namespaces, resolved with sample keys from
the demo data) and every operation of the OpenAPI schema is requested as each
persona —

* ``anon``: not signed in;
* ``outsider``: signed in (token), no CRM permission;
* ``staff``: sales staff with the staff permissions (``STAFF_PERMISSIONS``);
* ``integrator``: the ``Integrator`` group, with an API token;
* ``admin``: a superuser —

and the status is compared with the expectations below. A page or operation
without a row fails the test, so nothing can be added without deciding who may
use it. Pages are opened with GET (a POST-only page answers 405 to whoever may
reach it); API operations are sent with their method and an empty JSON body,
each inside a rolled-back transaction so one call does not change the next.
"""

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from interactions.api.common import MAX_BULK_ENTRIES
from interactions.models import (
    Campaign,
    InteractionLogEntry,
    LoggedSegment,
    Segment,
)
from interactions.services import CanceledEntryFilter, create_interaction
from interactions.services.ledger import start_delete_canceled_job
from interactions_crm.platform.api.auth import issue_token
from interactions_crm.platform.api.contract import contract
from tests import factories
from tests.conftest import STAFF_PERMISSIONS, grant

pytestmark = pytest.mark.django_db

PERSONAS = ("anon", "outsider", "staff", "integrator", "admin")
STAFF_NAMESPACES = ("contacts", "interactions")

# --- staff pages: GET status per persona -----------------------------------
# (anon, outsider, staff, integrator, admin)
REDIRECT = 302
PAGE_EXPECTATIONS: dict[str, tuple[int, int, int, int, int]] = {
    "contacts:contact-list": (302, 403, 200, 200, 200),
    "contacts:contact-create": (302, 403, 200, 200, 200),
    "contacts:contact-update": (302, 403, 200, 200, 200),
    "contacts:contact-detail": (302, 403, 200, 200, 200),
    "contacts:contact-timeline": (302, 403, 200, 200, 200),
    "contacts:contact-phone-call": (302, 403, 200, 200, 200),
    "contacts:contact-email": (302, 403, 200, 200, 200),
    "contacts:contact-cover-sheet": (302, 403, 200, 200, 200),
    "contacts:contact-add-to-segment": (302, 403, 200, 403, 200),
    "interactions:dashboard": (302, 403, 200, 200, 200),
    "interactions:entry-list": (302, 403, 200, 200, 200),
    "interactions:entry-export": (302, 403, 200, 200, 200),
    "interactions:entry-bulk": (302, 403, 405, 405, 405),
    # The log's column chooser and saved views (issue #13): POST only.
    "interactions:entry-columns": (302, 403, 405, 405, 405),
    "interactions:entry-view-save": (302, 403, 405, 405, 405),
    "interactions:entry-view-delete": (302, 403, 405, 405, 405),
    "interactions:entry-detail": (302, 403, 200, 200, 200),
    "interactions:entry-attachment": (302, 403, 404, 404, 404),
    "interactions:entry-comment-add": (302, 403, 405, 405, 405),
    "interactions:entry-cancel": (302, 403, 405, 405, 405),
    "interactions:entry-uncancel": (302, 403, 405, 405, 405),
    "interactions:entry-resend": (302, 403, 405, 405, 405),
    "interactions:entry-create": (302, 403, 200, 200, 200),
    "interactions:entry-create-defaults": (302, 403, 200, 200, 200),
    "interactions:postponed-list": (302, 403, 200, 200, 200),
    "interactions:postponed-resume": (302, 403, 302, 302, 302),
    "interactions:postponed-delete": (302, 403, 405, 405, 405),
    "interactions:entry-delete-canceled": (302, 403, 403, 403, 200),
    "interactions:job-detail": (302, 403, 403, 403, 200),
    "interactions:job-resume": (302, 403, 403, 403, 405),
    "interactions:segment-list": (302, 403, 200, 403, 200),
    "interactions:segment-create": (302, 403, 200, 403, 200),
    "interactions:segment-detail": (302, 403, 200, 403, 200),
    "interactions:segment-update": (302, 403, 200, 403, 200),
    "interactions:segment-add-contacts": (302, 403, 200, 403, 200),
    "interactions:segment-reduce-contacts": (302, 403, 200, 403, 200),
    "interactions:segment-refine-contacts": (302, 403, 200, 403, 200),
    "interactions:segment-go-back": (302, 403, 405, 403, 405),
    "interactions:segment-add-contact": (302, 403, 405, 403, 405),
    "interactions:segment-remove-line": (302, 403, 405, 403, 405),
    "interactions:segment-update-line": (302, 403, 200, 403, 200),
    "interactions:segment-save-criteria": (302, 403, 405, 403, 405),
    "interactions:segment-reuse-criteria": (302, 403, 405, 403, 405),
    "interactions:segment-reuse-logged": (302, 403, 405, 403, 405),
    "interactions:segment-log": (302, 403, 200, 403, 200),
    "interactions:segment-delete": (302, 403, 405, 403, 405),
    "interactions:loggedsegment-list": (302, 403, 200, 403, 200),
    "interactions:loggedsegment-bulk": (302, 403, 405, 403, 405),
    # Added with statistics, the outbox, a person's data, job cancel (issues #9–#11).
    "interactions:job-cancel": (302, 403, 403, 403, 405),
    "interactions:segment-header-defaults": (302, 403, 200, 403, 200),
    "interactions:contact-personal-data": (302, 403, 403, 403, 200),
    "interactions:contact-personal-data-export": (302, 403, 403, 403, 405),
    "interactions:contact-erase": (302, 403, 403, 403, 200),
    "interactions:outbox": (302, 403, 403, 403, 200),
    "interactions:outbox-action": (302, 403, 403, 403, 405),
    "interactions:campaign-list": (302, 403, 200, 200, 200),
    "interactions:campaign-detail": (302, 403, 200, 200, 200),
    "interactions:template-list": (302, 403, 200, 200, 200),
    "interactions:template-detail": (302, 403, 200, 200, 200),
    "interactions:group-list": (302, 403, 200, 200, 200),
    "interactions:group-detail": (302, 403, 200, 200, 200),
    "interactions:salesperson-list": (302, 403, 200, 200, 200),
    "interactions:salesperson-detail": (302, 403, 200, 200, 200),
    # The segment's content editor and utilities (issues #9, #13).
    "interactions:segment-contents": (302, 403, 200, 403, 200),
    "interactions:segment-apply-mailing-group": (302, 403, 405, 403, 405),
    "interactions:segment-export-contacts": (302, 403, 200, 403, 200),
    "interactions:segment-labels": (302, 403, 200, 403, 200),
    "interactions:segment-cover-sheets": (302, 403, 200, 403, 200),
    # Lookups (JSON): signed in with the model's view permission.
    "contacts:contact-lookup": (302, 403, 200, 200, 200),
    "contacts:salesperson-lookup": (302, 403, 200, 200, 200),
    "interactions:template-lookup": (302, 403, 200, 200, 200),
    "interactions:campaign-lookup": (302, 403, 200, 200, 200),
}

# --- API operations: the answer per persona ---------------------------------
# 401/403: refused. 404: the object is another user's (a job or a postponed
# interaction is visible to whoever started it). OK: the persona may call it —
# any answer but 401/403/404 and never a 5xx (400 for the empty body, 409 for
# master data in use … are fine).
#
# An integrator may cancel and un-cancel ANY visible entry (the ERP acts for
# the company; both are reversible and audited), one per call or up to
# MAX_BULK_ENTRIES (1,000) per switch-canceled call; it can neither evaluate,
# delete, nor change master data or segments (docs/api.md, Permissions).
OK = "ok"
Outcome = int | str
API_EXPECTATIONS: dict[str, tuple[Outcome, Outcome, Outcome, Outcome, Outcome]] = {
    "business_relation_list": (401, 403, 403, OK, OK),
    "business_relation_create": (401, 403, 403, 403, OK),
    "campaign_list": (401, 403, OK, OK, OK),
    "campaign_create": (401, 403, 403, 403, OK),
    "contact_list": (401, 403, OK, OK, OK),
    "contact_create": (401, 403, OK, OK, OK),
    "document_events_create": (401, 403, OK, OK, OK),
    "industry_group_list": (401, 403, 403, OK, OK),
    "industry_group_create": (401, 403, 403, 403, OK),
    "interaction_group_list": (401, 403, OK, OK, OK),
    "interaction_group_create": (401, 403, 403, 403, OK),
    "interaction_template_setup_list": (401, 403, 403, OK, OK),
    "interaction_template_list": (401, 403, OK, OK, OK),
    "interaction_template_create": (401, 403, 403, 403, OK),
    "interaction_list": (401, 403, OK, OK, OK),
    "interaction_create": (401, 403, OK, OK, OK),
    "interaction_delete_canceled": (401, 403, 403, 403, OK),
    "interaction_evaluate_selection": (401, 403, OK, 403, OK),
    "interaction_switch_canceled": (401, 403, OK, OK, OK),
    "job_responsibility_list": (401, 403, 403, OK, OK),
    "job_responsibility_create": (401, 403, 403, 403, OK),
    "logged_segment_list": (401, 403, OK, 403, OK),
    "logged_segment_delete_canceled": (401, 403, 403, 403, OK),
    "mailing_group_list": (401, 403, 403, OK, OK),
    "mailing_group_create": (401, 403, 403, 403, OK),
    "postponed_interaction_list": (401, 403, OK, OK, OK),
    "salesperson_list": (401, 403, OK, OK, OK),
    "salesperson_create": (401, 403, 403, 403, OK),
    "segment_list": (401, 403, OK, 403, OK),
    "segment_create": (401, 403, OK, 403, OK),
    "business_relation_retrieve": (401, 403, 403, OK, OK),
    "business_relation_update": (401, 403, 403, 403, OK),
    "business_relation_partial_update": (401, 403, 403, 403, OK),
    "business_relation_destroy": (401, 403, 403, 403, OK),
    "campaign_retrieve": (401, 403, OK, OK, OK),
    "campaign_update": (401, 403, 403, 403, OK),
    "campaign_partial_update": (401, 403, 403, 403, OK),
    "campaign_destroy": (401, 403, 403, 403, OK),
    "contact_interaction_list": (401, 403, OK, OK, OK),
    "contact_retrieve": (401, 403, OK, OK, OK),
    "contact_update": (401, 403, OK, OK, OK),
    "contact_partial_update": (401, 403, OK, OK, OK),
    "contact_destroy": (401, 403, 403, 403, OK),
    "industry_group_retrieve": (401, 403, 403, OK, OK),
    "industry_group_update": (401, 403, 403, 403, OK),
    "industry_group_partial_update": (401, 403, 403, 403, OK),
    "industry_group_destroy": (401, 403, 403, 403, OK),
    "interaction_group_retrieve": (401, 403, OK, OK, OK),
    "interaction_group_update": (401, 403, 403, 403, OK),
    "interaction_group_partial_update": (401, 403, 403, 403, OK),
    "interaction_group_destroy": (401, 403, 403, 403, OK),
    "interaction_template_setup_retrieve": (401, 403, 403, OK, OK),
    "interaction_template_setup_update": (401, 403, 403, 403, OK),
    "interaction_template_setup_partial_update": (401, 403, 403, 403, OK),
    "interaction_template_retrieve": (401, 403, OK, OK, OK),
    "interaction_template_update": (401, 403, 403, 403, OK),
    "interaction_template_partial_update": (401, 403, 403, 403, OK),
    "interaction_template_destroy": (401, 403, 403, 403, OK),
    "interaction_retrieve": (401, 403, OK, OK, OK),
    "interaction_destroy": (401, 403, 403, 403, OK),
    "interaction_cancel": (401, 403, OK, OK, OK),
    "interaction_comments": (401, 403, OK, OK, OK),
    "interaction_add_comment": (401, 403, OK, OK, OK),
    "interaction_evaluate": (401, 403, OK, 403, OK),
    "interaction_uncancel": (401, 403, OK, OK, OK),
    "job_responsibility_retrieve": (401, 403, 403, OK, OK),
    "job_responsibility_update": (401, 403, 403, 403, OK),
    "job_responsibility_partial_update": (401, 403, 403, 403, OK),
    "job_responsibility_destroy": (401, 403, 403, 403, OK),
    "job_retrieve": (401, 404, 404, 404, OK),
    "logged_segment_retrieve": (401, 403, OK, 403, OK),
    "logged_segment_cancel": (401, 403, OK, 403, OK),
    "logged_segment_uncancel": (401, 403, OK, 403, OK),
    "mailing_group_retrieve": (401, 403, 403, OK, OK),
    "mailing_group_update": (401, 403, 403, 403, OK),
    "mailing_group_partial_update": (401, 403, 403, 403, OK),
    "mailing_group_destroy": (401, 403, 403, 403, OK),
    "postponed_interaction_retrieve": (401, 403, 404, 404, OK),
    "postponed_interaction_destroy": (401, 403, 404, 404, OK),
    "postponed_interaction_resume": (401, 403, 404, 404, OK),
    "salesperson_retrieve": (401, 403, OK, OK, OK),
    "salesperson_update": (401, 403, 403, 403, OK),
    "salesperson_partial_update": (401, 403, 403, 403, OK),
    "salesperson_destroy": (401, 403, 403, 403, OK),
    "segment_retrieve": (401, 403, OK, 403, OK),
    "segment_update": (401, 403, OK, 403, OK),
    "segment_partial_update": (401, 403, OK, 403, OK),
    "segment_destroy": (401, 403, OK, 403, OK),
    "segment_add_contacts": (401, 403, OK, 403, OK),
    "segment_go_back": (401, 403, OK, 403, OK),
    "segment_log": (401, 403, OK, 403, OK),
    "segment_reduce_contacts": (401, 403, OK, 403, OK),
    "segment_refine_contacts": (401, 403, OK, 403, OK),
    "segment_reuse_logged_segment": (401, 403, OK, 403, OK),
    "segment_line_list": (401, 403, OK, 403, OK),
    "segment_line_create": (401, 403, OK, 403, OK),
    "segment_line_retrieve": (401, 403, OK, 403, OK),
    "segment_line_update": (401, 403, OK, 403, OK),
    "segment_line_partial_update": (401, 403, OK, 403, OK),
    "segment_line_destroy": (401, 403, OK, 403, OK),
    # Added with statistics, the outbox, a person's data, jobs, segment content.
    "outbox_message_list": (401, 403, 403, 403, OK),
    "outbox_bounces_create": (401, 403, 403, 403, OK),
    "outbox_message_summary": (401, 403, 403, 403, OK),
    "campaign_statistics": (401, 403, OK, OK, OK),
    "contacts_erase_create": (401, 403, 403, 403, OK),
    "contacts_personal_data_retrieve": (401, 403, 403, 403, OK),
    "interaction_group_statistics": (401, 403, OK, OK, OK),
    "interaction_template_statistics": (401, 403, OK, OK, OK),
    "interaction_template_content_list": (401, 403, 403, 403, OK),
    "interaction_template_content_create": (401, 403, 403, 403, OK),
    "job_cancel": (401, 404, 404, 404, OK),
    "job_resume": (401, 404, 404, 404, 409),
    "outbox_message_retrieve": (401, 403, 403, 403, OK),
    "outbox_message_cancel": (401, 403, 403, 403, OK),
    "outbox_message_retry": (401, 403, 403, 403, OK),
    "salesperson_statistics": (401, 403, OK, OK, OK),
    "segments_contents_list": (401, 403, OK, 403, OK),
    "segments_contents_update": (401, 403, OK, 403, OK),
    "segment_reuse_criteria": (401, 403, OK, 403, OK),
    "segment_save_criteria": (401, 403, OK, 403, OK),
    "interaction_template_content_retrieve": (401, 403, 403, 403, OK),
    "interaction_template_content_update": (401, 403, 403, 403, OK),
    "interaction_template_content_partial_update": (401, 403, 403, 403, OK),
    "interaction_template_content_destroy": (401, 403, 403, 403, OK),
    # A segment's utilities (issue #13).
    "segment_apply_mailing_group": (401, 403, OK, 403, OK),
}


def _named_patterns(
    patterns: list[Any], namespace: str = ""
) -> list[tuple[str, list[str]]]:
    """``(namespace:name, [kwarg names])`` of every named pattern."""
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            found += _named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append(
                (f"{namespace}:{pattern.name}", list(pattern.pattern.converters))
            )
    return found


def staff_pages() -> list[tuple[str, list[str]]]:
    return [
        (name, kwargs)
        for name, kwargs in _named_patterns(get_resolver().url_patterns)
        if name.split(":")[0] in STAFF_NAMESPACES
    ]


def api_operations() -> list[tuple[str, str, str]]:
    """``(operationId, method, path template)`` of every schema operation."""
    return [
        (operation["operationId"], method.upper(), template)
        for template, _pattern, operations in contract().routes
        for method, operation in operations.items()
        if isinstance(operation, dict) and "operationId" in operation
    ]


@pytest.fixture
def world(db, settings, monkeypatch) -> dict[str, Any]:
    """The demo data, the personas' users and sample keys for every URL."""
    settings.TASKS_BACKEND = "django.tasks.backends.dummy.DummyBackend"
    # Hundreds of calls per persona: the rate limits are not what this tests.
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        dict.fromkeys(SimpleRateThrottle.THROTTLE_RATES, "1000000/min"),
    )
    cache.clear()
    call_command("seed_demo", "--force", verbosity=0)
    users = {
        "outsider": factories.UserFactory(username="m-outsider"),
        "staff": factories.UserFactory(username="m-staff"),
        "integrator": factories.UserFactory(username="m-erp"),
        "admin": factories.UserFactory(
            username="m-admin", is_staff=True, is_superuser=True
        ),
    }
    grant(users["staff"], *STAFF_PERMISSIONS)
    users["integrator"].groups.add(Group.objects.get(name="Integrator"))
    entry = InteractionLogEntry.objects.visible().filter(canceled=False).first()
    postponed = create_interaction(
        actor=users["admin"],
        contact=entry.contact,
        template=entry.template,
        postpone=True,
    )
    segment = Segment.objects.filter(lines__isnull=False).first()
    job = start_delete_canceled_job(
        actor=users["admin"], filters=CanceledEntryFilter(contact=entry.contact)
    )
    from interactions.models import OutboxMessage, TemplateContent
    from interactions.models.outbox import OutboxStatus

    content = TemplateContent.objects.select_related("template").first()
    message = OutboxMessage.objects.create(
        entry=entry,
        account="default",
        purpose="service",
        recipient="matrix@example.no",
        from_email="crm@example.no",
        subject="Matrix",
        message_id="<matrix@crm.example>",
        status=OutboxStatus.FAILED,
    )
    campaign = Campaign.objects.first()
    keys = {
        "contacts": {"no": entry.contact.no},
        "interactions:contact": {"no": entry.contact.no},
        "interactions:outbox": {"pk": message.pk, "action": "retry"},
        "interactions:campaign": {"key": campaign.no},
        "interactions:template": {"key": entry.template.code},
        "interactions:group": {"key": entry.template.group.code},
        "interactions:salesperson": {"key": entry.salesperson.code},
        "interactions:segment": {
            "no": segment.no,
            "line_id": segment.lines.first().pk,
        },
        "interactions:postponed": {"entry_no": postponed.entry_no},
        # A saved log view's number (POST-only pages: GET never looks it up).
        "interactions:entry-view": {"pk": 1},
        "interactions": {"entry_no": entry.entry_no, "pk": job.pk},
        "api": {
            "no": entry.contact.no,
            "contact_no": entry.contact.no,
            "entry_no": entry.entry_no,
            "id": LoggedSegment.objects.first().pk,
            "code": "",
            "document_type": "sales_invoice",
            "segment_no": segment.no,
        },
        "line": segment.lines.first().pk,
        "outbox": message.pk,
        "template_code": content.template.code,
        "language": content.language or "-",
    }
    return {
        "users": users,
        "keys": keys,
        "segment": segment,
        "job": job,
        "postponed": postponed,
        "entry": entry,
    }


def page_kwargs(world: dict[str, Any], name: str, names: list[str]) -> dict[str, Any]:
    keys = world["keys"]
    for prefix in sorted(keys, key=len, reverse=True):
        if name.startswith(prefix):
            return {key: keys[prefix][key] for key in names}
    return {}


def web_client(world: dict[str, Any], persona: str) -> Client:
    client = Client()
    if persona != "anon":
        client.force_login(world["users"][persona])
    return client


def observed_page_statuses(world: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    clients = {persona: web_client(world, persona) for persona in PERSONAS}
    statuses = {}
    for name, names in staff_pages():
        url = reverse(name, kwargs=page_kwargs(world, name, names))
        statuses[name] = tuple(clients[p].get(url).status_code for p in PERSONAS)
    return statuses


def api_client(world: dict[str, Any], persona: str) -> APIClient:
    client = APIClient()
    if persona != "anon":
        token = issue_token(actor=None, user=world["users"][persona])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def api_path(world: dict[str, Any], operation_id: str, template: str) -> str:
    """The operation's path with real keys of the demo data."""
    values = dict(world["keys"]["api"])
    if template.startswith("/api/v1/segments/"):
        values["no"] = world["segment"].no
    if template.startswith("/api/v1/campaigns/"):
        values["no"] = campaign_no()
    if "postponed" in template:
        values["entry_no"] = world["postponed"].entry_no
    if "/jobs/" in template:
        values["id"] = world["job"].pk
    if "/lines/" in template:
        values["id"] = world["keys"]["line"]
    if "{code}" in template:
        values["code"] = master_data_code(operation_id)
    if "/outbox/" in template:
        values["id"] = world["keys"]["outbox"]
    if "{template_code}" in template:
        values["template_code"] = world["keys"]["template_code"]
        values["language"] = world["keys"]["language"]
    path = template
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def campaign_no() -> str:
    from interactions.models import Campaign

    return Campaign.objects.first().no


def master_data_code(operation_id: str) -> str:
    from contacts.models import (
        BusinessRelation,
        IndustryGroup,
        JobResponsibility,
        MailingGroup,
        Salesperson,
    )
    from interactions.models import InteractionGroup, InteractionTemplate

    by_prefix = {
        "salesperson": Salesperson,
        "business_relation": BusinessRelation,
        "job_responsibility": JobResponsibility,
        "industry_group": IndustryGroup,
        "mailing_group": MailingGroup,
        "interaction_group": InteractionGroup,
        "interaction_template": InteractionTemplate,
    }
    for prefix, model in sorted(by_prefix.items(), key=lambda i: -len(i[0])):
        if operation_id.startswith(prefix + "_"):
            return str(model.objects.first().code)
    raise AssertionError(f"no sample code for {operation_id}")


def observed_api_access(world: dict[str, Any]) -> dict[str, dict[str, int]]:
    clients = {persona: api_client(world, persona) for persona in PERSONAS}
    statuses: dict[str, dict[str, int]] = {}
    for operation_id, method, template in api_operations():
        path = api_path(world, operation_id, template)
        statuses[operation_id] = {}
        for persona in PERSONAS:
            with transaction.atomic():
                response = clients[persona].generic(
                    method,
                    path,
                    "{}" if method in {"POST", "PUT", "PATCH"} else "",
                    content_type="application/json",
                )
                transaction.set_rollback(True)
            statuses[operation_id][persona] = response.status_code
    return statuses


def test_every_staff_page_answers_each_persona_as_expected(world):
    observed = observed_page_statuses(world)

    # The observed statuses of a page without a row: review, then add the row.
    without_row = {n: s for n, s in observed.items() if n not in PAGE_EXPECTATIONS}
    assert without_row == {}, "pages without a row"
    assert set(PAGE_EXPECTATIONS) - set(observed) == set(), "rows without a page"
    wrong = {
        name: {"expected": PAGE_EXPECTATIONS[name], "observed": statuses}
        for name, statuses in observed.items()
        if statuses != PAGE_EXPECTATIONS[name]
    }
    assert wrong == {}


def test_every_api_operation_answers_each_persona_as_expected(world):
    observed = observed_api_access(world)

    without_row = {o: s for o, s in observed.items() if o not in API_EXPECTATIONS}
    assert without_row == {}, "operations without a row"
    assert set(API_EXPECTATIONS) - set(observed) == set(), "rows without an operation"
    wrong = {}
    for operation_id, statuses in observed.items():
        expected = dict(zip(PERSONAS, API_EXPECTATIONS[operation_id], strict=True))
        for persona, status in statuses.items():
            if expected[persona] == OK:
                ok = status not in (401, 403, 404) and status < 500
            else:
                ok = status == expected[persona]
            if not ok:
                wrong[(operation_id, persona)] = (expected[persona], status)
    assert wrong == {}


def test_an_integrator_cancels_at_most_the_bulk_limit_per_call(world):
    integrator = api_client(world, "integrator")
    limit = contract().routes  # the schema states the limit …
    schema = next(
        operations["post"]["requestBody"]["content"]["application/json"]["schema"]
        for template, _pattern, operations in limit
        if template == "/api/v1/interactions/switch-canceled/"
    )
    component = schema["$ref"].rsplit("/", 1)[-1]
    entry_nos = contract().components["schemas"][component]["properties"]["entry_nos"]

    too_many = integrator.post(
        "/api/v1/interactions/switch-canceled/",
        {"entry_nos": list(range(1, MAX_BULK_ENTRIES + 2))},
        format="json",
    )
    one = integrator.post(
        f"/api/v1/interactions/{world['entry'].entry_no}/cancel/", {}, format="json"
    )

    assert entry_nos["maxItems"] == MAX_BULK_ENTRIES == 1000
    assert too_many.status_code == 400  # … and the server enforces it
    assert "entry_nos" in too_many.json()
    assert one.status_code == 200
    world["entry"].refresh_from_db()
    assert world["entry"].canceled
