"""``/api/v1/interactions/``: the log, creating interactions, timelines (§3–4, §6.1)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interactions.models import EntryComment, InteractionLogEntry
from interactions.services import create_interaction
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.factories import make_entry
from tests.interactions.ledger_support import make_entries

pytestmark = pytest.mark.django_db


def test_list_is_newest_first_without_postponed(integrator_api, person, template):
    old = make_entry(person, template, date=dt.date(2026, 1, 5), description="Old")
    new = make_entry(person, template, date=dt.date(2026, 2, 5), description="New")
    create_interaction(actor=None, contact=person, template=template, postpone=True)

    response = integrator_api.get("/api/v1/interactions/")

    assert response.status_code == 200
    assert [r["entry_no"] for r in response.json()["results"]] == [
        new.entry_no,
        old.entry_no,
    ]


def test_list_query_count_is_constant(
    integrator_api, person, template, django_assert_num_queries
):
    make_entries(3, contact=person, template=template, description="Visit")

    # 1 token + user, 2 permissions, 1 page of entries (no join), 1 business
    # keys of the contacts, templates, groups … it refers to. No COUNT.
    with django_assert_num_queries(5):
        response = integrator_api.get("/api/v1/interactions/")

    assert len(response.json()["results"]) == 3


def test_list_never_counts_the_log(integrator_api, person, template):
    make_entries(3, contact=person, template=template, description="Visit")

    with CaptureQueriesContext(connection) as queries:
        first = integrator_api.get("/api/v1/interactions/", {"page_size": 2})
        integrator_api.get(first.json()["next"])
        integrator_api.get("/api/v1/interactions/", {"canceled": "false"})

    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"template": "letter"}, {"letter"}),
        ({"salesperson": "JO"}, {"letter"}),
        ({"date_from": "2026-02-01"}, {"call"}),
        ({"date_to": "2026-01-31"}, {"letter"}),
        ({"canceled": "true"}, {"call"}),
        ({"evaluation": "positive"}, {"letter"}),
        ({"q": "ring"}, {"call"}),
        ({"document_type": "sales_invoice"}, set()),
    ],
)
def test_list_filters(integrator_api, person, salesperson, params, expected):
    letter = factories.TemplateFactory(code="LETTER")
    call = factories.TemplateFactory(code="CALL")
    make_entry(
        person,
        letter,
        description="letter",
        salesperson=salesperson,
        date=dt.date(2026, 1, 10),
        evaluation="positive",
    )
    make_entry(
        person,
        call,
        description="call",
        subject="Ring back",
        date=dt.date(2026, 2, 10),
        canceled=True,
    )

    response = integrator_api.get("/api/v1/interactions/", params)

    assert response.status_code == 200
    assert {r["description"] for r in response.json()["results"]} == expected


def test_list_bad_filter_is_400(integrator_api):
    response = integrator_api.get(
        "/api/v1/interactions/", {"date_from": "yesterday", "evaluation": "great"}
    )

    assert response.status_code == 400
    assert set(response.json()) == {"date_from", "evaluation"}


def test_list_in_entry_number_order(integrator_api, person, template):
    entries = make_entries(3, contact=person, template=template, description="A")

    response = integrator_api.get("/api/v1/interactions/", {"ordering": "entry_no"})

    assert [r["entry_no"] for r in response.json()["results"]] == [
        e.entry_no for e in entries
    ]


def test_retrieve(integrator_api, person, template):
    entry = make_entry(person, template, description="Visit")

    response = integrator_api.get(f"/api/v1/interactions/{entry.entry_no}/")

    assert response.status_code == 200
    body = response.json()
    assert body["contact"] == person.no
    assert body["contact_company"] == person.company.no
    assert body["template"] == "LETTER"


def test_retrieve_postponed_entry_is_404(integrator_api, person, template):
    entry = create_interaction(
        actor=None, contact=person, template=template, postpone=True
    )

    response = integrator_api.get(f"/api/v1/interactions/{entry.entry_no}/")

    assert response.status_code == 404


def test_create_applies_defaults_and_writes_comments(
    integrator_api, person, template, salesperson
):
    response = integrator_api.post(
        "/api/v1/interactions/",
        {
            "contact": person.no,
            "template": template.code,
            "salesperson": "JO",
            "description": "Follow-up call",
            "comments": ["Wants a quote"],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    entry = InteractionLogEntry.objects.get(entry_no=response.json()["entry_no"])
    assert entry.cost == template.unit_cost
    assert entry.group == template.group
    assert entry.contact_company == person.company
    assert entry.logged_by.username == "erp"
    assert list(entry.comments.values_list("text", flat=True)) == ["Wants a quote"]
    assert AuditEvent.objects.filter(action="entry.create").count() == 1


def test_create_bad_input_is_400_per_field(integrator_api, person):
    response = integrator_api.post(
        "/api/v1/interactions/",
        {"contact": "NOPE", "cost": "-5", "evaluation": "great"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"contact", "template", "cost", "evaluation"}
    assert not InteractionLogEntry.objects.exists()


def test_create_domain_violation_is_422_on_the_field(integrator_api, person, template):
    # A manual interaction needs a salesperson (none given, none defaulted):
    # optional in the schema, so a rule the schema cannot state (422).
    response = integrator_api.post(
        "/api/v1/interactions/",
        {"contact": person.no, "template": template.code, "description": "Visit"},
        format="json",
    )

    assert response.status_code == 422
    assert list(response.json()) == ["salesperson"]
    assert not InteractionLogEntry.objects.exists()


def test_create_for_privacy_blocked_contact_is_refused(
    integrator_api, template, salesperson
):
    blocked = factories.CompanyFactory(privacy_blocked=True)

    response = integrator_api.post(
        "/api/v1/interactions/",
        {
            "contact": blocked.no,
            "template": template.code,
            "salesperson": "JO",
            "description": "Visit",
        },
        format="json",
    )

    assert response.status_code == 422  # the contact's state refuses it
    assert "contact" in response.json()


def test_create_postponed_is_listed_as_postponed(
    integrator_api, person, template, salesperson
):
    response = integrator_api.post(
        "/api/v1/interactions/",
        {"contact": person.no, "template": template.code, "postpone": True},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["postponed"] is True
    listed = integrator_api.get("/api/v1/postponed-interactions/").json()["results"]
    assert [r["entry_no"] for r in listed] == [response.json()["entry_no"]]
    assert integrator_api.get("/api/v1/interactions/").json()["results"] == []


# --- Delete one entry -------------------------------------------------------------


def test_delete_canceled_entry(admin_api, person, template):
    entry = make_entry(person, template, description="Oops", canceled=True)

    response = admin_api.delete(f"/api/v1/interactions/{entry.entry_no}/")

    assert response.status_code == 204
    assert not InteractionLogEntry.objects.filter(pk=entry.pk).exists()


def test_delete_active_entry_is_409_and_keeps_it(admin_api, person, template):
    entry = make_entry(person, template, description="Keep")

    response = admin_api.delete(f"/api/v1/interactions/{entry.entry_no}/")

    assert response.status_code == 409
    assert "canceled" in response.json()
    assert InteractionLogEntry.objects.filter(pk=entry.pk).exists()


def test_staff_without_delete_canceled_permission_cannot_delete(
    staff_api, person, template
):
    entry = make_entry(person, template, description="Oops", canceled=True)

    response = staff_api.delete(f"/api/v1/interactions/{entry.entry_no}/")

    assert response.status_code == 403
    assert InteractionLogEntry.objects.filter(pk=entry.pk).exists()


# --- Timeline ---------------------------------------------------------------------


def test_company_timeline_includes_its_persons(integrator_api, person, template):
    company = person.company
    own = make_entry(company, template, description="Company", date=dt.date(2026, 1, 1))
    persons = make_entry(person, template, description="Person")
    other = factories.PersonFactory()
    make_entry(other, template, description="Elsewhere")

    company_rows = integrator_api.get(f"/api/v1/contacts/{company.no}/interactions/")
    person_rows = integrator_api.get(f"/api/v1/contacts/{person.no}/interactions/")

    assert [r["entry_no"] for r in company_rows.json()["results"]] == [
        persons.entry_no,
        own.entry_no,
    ]
    assert [r["entry_no"] for r in person_rows.json()["results"]] == [persons.entry_no]


def test_timeline_query_count(
    integrator_api, person, template, django_assert_num_queries
):
    make_entries(3, contact=person, template=template, description="Visit")

    # 1 token + user, 2 permissions, 1 contact, 1 page of entries, 1 keys of
    # what the page refers to.
    with django_assert_num_queries(6):
        response = integrator_api.get(f"/api/v1/contacts/{person.no}/interactions/")

    assert len(response.json()["results"]) == 3


def test_timeline_of_unknown_contact_is_404(integrator_api):
    assert integrator_api.get("/api/v1/contacts/NOPE/interactions/").status_code == 404


# --- Comments ---------------------------------------------------------------------


def test_add_and_list_comments(integrator_api, person, template):
    entry = make_entry(person, template, description="Visit")

    created = integrator_api.post(
        f"/api/v1/interactions/{entry.entry_no}/comments/",
        {"text": "Called back", "code": "CB"},
        format="json",
    )
    listed = integrator_api.get(f"/api/v1/interactions/{entry.entry_no}/comments/")

    assert created.status_code == 201
    assert created.json()["author"] == "erp"
    comment = EntryComment.objects.get()
    assert (comment.entry, comment.text, comment.code) == (entry, "Called back", "CB")
    assert [c["text"] for c in listed.json()["results"]] == ["Called back"]


def test_comments_list_query_count(
    integrator_api, person, template, django_assert_num_queries
):
    entry = make_entry(person, template, description="Visit", comments=["a", "b"])

    # 1 token + user, 2 permissions, 1 entry, 1 page of comments with authors.
    with django_assert_num_queries(5):
        response = integrator_api.get(
            f"/api/v1/interactions/{entry.entry_no}/comments/"
        )

    assert len(response.json()["results"]) == 2


def test_empty_comment_is_400(integrator_api, person, template):
    entry = make_entry(person, template, description="Visit")

    response = integrator_api.post(
        f"/api/v1/interactions/{entry.entry_no}/comments/", {"text": ""}, format="json"
    )

    assert response.status_code == 400
    assert "text" in response.json()
    assert not EntryComment.objects.exists()
