"""Master data over the API: read for integrators, writes for administrators.

Salespeople, campaigns, interaction groups and templates, the classification
code tables and the document-type → template setup (DOMAIN §2, §8).
"""

import datetime as dt
from decimal import Decimal

import pytest

from contacts.models import BusinessRelation, Salesperson
from interactions.models import (
    Campaign,
    DocumentTemplateSetup,
    InteractionGroup,
    InteractionTemplate,
)
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.factories import make_entry

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/salespeople/",
    "/api/v1/campaigns/",
    "/api/v1/interaction-groups/",
    "/api/v1/interaction-templates/",
    "/api/v1/business-relations/",
    "/api/v1/job-responsibilities/",
    "/api/v1/industry-groups/",
    "/api/v1/mailing-groups/",
]


@pytest.fixture
def master_rows(db):
    for n in range(2):
        group = factories.InteractionGroupFactory(code=f"G{n}")
        factories.TemplateFactory(
            code=f"T{n}", group=group, campaign=factories.CampaignFactory()
        )
        factories.SalespersonFactory(code=f"S{n}")
        factories.BusinessRelationFactory(code=f"B{n}")
        factories.JobResponsibilityFactory(code=f"J{n}")
        factories.IndustryGroupFactory(code=f"I{n}")
        factories.MailingGroupFactory(code=f"M{n}")


@pytest.mark.parametrize("path", LISTS)
def test_lists_pin_their_query_count(
    integrator_api, master_rows, django_assert_num_queries, path
):
    # 1 token + user, 2 the user's and its groups' permissions, 1 page (related
    # rows joined).
    with django_assert_num_queries(4):
        response = integrator_api.get(path)

    assert response.status_code == 200
    assert len(response.json()["results"]) >= 2


def test_template_shows_business_keys(integrator_api, template):
    response = integrator_api.get(f"/api/v1/interaction-templates/{template.code}/")

    assert response.json()["group"] == "LETTER"
    assert response.json()["unit_cost"] == "10.00"


def test_integrator_cannot_write_master_data(integrator_api):
    response = integrator_api.post(
        "/api/v1/interaction-groups/", {"code": "X"}, format="json"
    )

    assert response.status_code == 403


def test_admin_creates_a_template(admin_api, db):
    factories.InteractionGroupFactory(code="PHONE")

    response = admin_api.post(
        "/api/v1/interaction-templates/",
        {
            "code": "CALL",
            "group": "PHONE",
            "description": "Phone call",
            "unit_cost": "2.50",
            "information_flow": "outbound",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    template = InteractionTemplate.objects.get(code="CALL")
    assert template.unit_cost == Decimal("2.50")
    assert template.group.code == "PHONE"
    assert AuditEvent.objects.filter(action="interactiontemplate.create").exists()


def test_template_bad_input_is_400(admin_api, template):
    response = admin_api.post(
        "/api/v1/interaction-templates/",
        {"code": template.code, "group": "NOPE", "unit_cost": "-1"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) >= {"code", "group", "unit_cost"}


def test_admin_patches_a_salesperson_and_it_is_audited(admin_api, salesperson):
    response = admin_api.patch(
        "/api/v1/salespeople/JO/", {"blocked": True}, format="json"
    )

    assert response.status_code == 200
    salesperson.refresh_from_db()
    assert salesperson.blocked is True
    event = AuditEvent.objects.get(action="salesperson.change")
    assert event.changes == {"blocked": True}


def test_admin_creates_campaign_with_series_number(admin_api, salesperson):
    response = admin_api.post(
        "/api/v1/campaigns/",
        {
            "description": "Spring fair",
            "starting_date": "2026-03-01",
            "ending_date": "2026-03-31",
            "salesperson": "JO",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    campaign = Campaign.objects.get(no=response.json()["no"])
    assert campaign.no.startswith("CP")
    assert campaign.starting_date == dt.date(2026, 3, 1)


def test_campaign_ending_before_start_is_400(admin_api, db):
    response = admin_api.post(
        "/api/v1/campaigns/",
        {
            "description": "Backwards",
            "starting_date": "2026-03-31",
            "ending_date": "2026-03-01",
        },
        format="json",
    )

    # A rule across two fields, which the schema cannot state: 422.
    assert response.status_code == 422
    assert "non_field_errors" in response.json()
    assert not Campaign.objects.filter(description="Backwards").exists()


def test_delete_unused_group(admin_api, db):
    factories.InteractionGroupFactory(code="SPARE")

    response = admin_api.delete("/api/v1/interaction-groups/SPARE/")

    assert response.status_code == 204
    assert not InteractionGroup.objects.filter(code="SPARE").exists()


def test_delete_template_used_by_entries_is_409(admin_api, person, template):
    make_entry(person, template, description="Letter")

    response = admin_api.delete(f"/api/v1/interaction-templates/{template.code}/")

    assert response.status_code == 409
    assert "1 interaction log entry" in response.json()["non_field_errors"][0]
    assert InteractionTemplate.objects.filter(pk=template.pk).exists()


def test_delete_salesperson_used_by_entries_is_409(admin_api, person, template):
    make_entry(person, template, description="Letter")

    response = admin_api.delete("/api/v1/salespeople/LEDGER/")

    assert response.status_code == 409
    assert Salesperson.objects.filter(code="LEDGER").exists()


def test_admin_creates_and_changes_a_business_relation(admin_api, db):
    created = admin_api.post(
        "/api/v1/business-relations/",
        {"code": "PARTNER", "description": "Partner"},
        format="json",
    )
    changed = admin_api.put(
        "/api/v1/business-relations/PARTNER/",
        {"code": "PARTNER", "description": "Reseller"},
        format="json",
    )

    assert created.status_code == 201
    assert changed.status_code == 200
    assert BusinessRelation.objects.get(code="PARTNER").description == "Reseller"


def test_update_never_renames_the_key_in_the_url(admin_api, salesperson):
    response = admin_api.patch(
        "/api/v1/salespeople/JO/", {"code": "XX", "name": "Jo N."}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["code"] == "JO"
    salesperson.refresh_from_db()
    assert (salesperson.code, salesperson.name) == ("JO", "Jo N.")


def test_delete_unused_business_relation(admin_api, db):
    factories.BusinessRelationFactory(code="SPARE")

    response = admin_api.delete("/api/v1/business-relations/SPARE/")

    assert response.status_code == 204
    assert not BusinessRelation.objects.filter(code="SPARE").exists()


def test_delete_business_relation_in_use_is_409(admin_api, company):
    factories.ContactBusinessRelationFactory(
        contact=company,
        business_relation=factories.BusinessRelationFactory(code="CUST"),
    )

    response = admin_api.delete("/api/v1/business-relations/CUST/")

    assert response.status_code == 409
    assert BusinessRelation.objects.filter(code="CUST").exists()


def test_duplicate_classification_code_is_409_naming_the_field(admin_api, db):
    factories.BusinessRelationFactory(code="CUST")

    response = admin_api.post(
        "/api/v1/business-relations/", {"code": "CUST"}, format="json"
    )

    assert response.status_code == 409
    assert list(response.json()) == ["code"]
    assert BusinessRelation.objects.filter(code="CUST").count() == 1


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/mailing-groups/", {"code": "A/B", "description": "x"}),
        ("/api/v1/business-relations/", {"code": "/"}),
        ("/api/v1/campaigns/", {"no": "C/1", "description": "x"}),
        ("/api/v1/contacts/", {"no": "C/1", "type": "company", "name": "x"}),
        # Blank once trimmed: no record can be addressed by it either.
        ("/api/v1/interaction-groups/", {"code": "   "}),
        ("/api/v1/salespeople/", {"code": " \t ", "name": "x"}),
        # Whitespace to Python (str.strip), not to Unicode's White_Space.
        ("/api/v1/industry-groups/", {"code": "\x1e"}),
        ("/api/v1/campaigns/", {"no": "\x1d", "description": "x"}),
    ],
)
def test_a_key_with_a_slash_or_only_spaces_is_refused_and_nothing_is_written(
    admin_api, db, url, body
):
    # Its URL could not name it: it was saved, then its Location failed (500).
    # The rule is the schema's pattern, so the fuzzer expects the 400.
    before = admin_api.get(url).json()["results"]

    response = admin_api.post(url, body, format="json")

    assert response.status_code == 400
    assert "“/”" in next(iter(response.json().values()))[0]
    assert admin_api.get(url).json()["results"] == before


def test_a_contact_number_of_spaces_takes_the_next_number(admin_api, db):
    # Optional: blank once trimmed means "from the number series" (the
    # schema's pattern allows it, and refuses only "/").
    response = admin_api.post(
        "/api/v1/contacts/", {"no": "  ", "type": "company", "name": "x"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["no"].strip()
    schema = admin_api.get("/api/v1/schema/?format=json").json()
    no = schema["components"]["schemas"]["CreateContactRequest"]["properties"]["no"]
    assert no == {"type": "string", "pattern": "^[^/]*$", "maxLength": 20}


def test_duplicate_code_with_an_invalid_field_is_400(admin_api, db):
    # One message about a rule the schema states makes the request invalid.
    factories.BusinessRelationFactory(code="CUST")

    response = admin_api.post(
        "/api/v1/business-relations/",
        {"code": "CUST", "description": "x" * 500},
        format="json",
    )

    assert response.status_code == 400
    assert "description" in response.json()


# --- Interaction template setup -------------------------------------------------


def test_setup_lists_every_document_type(integrator_api):
    response = integrator_api.get("/api/v1/interaction-template-setup/")

    rows = response.json()
    assert response.status_code == 200
    assert len(rows) == DocumentTemplateSetup.objects.count() >= 30
    assert rows[0] == {"document_type": "sales_quote", "template": None}


def test_setup_list_query_count(integrator_api, django_assert_num_queries):
    # 1 token + user, 2 permissions, 1 setup rows with their templates.
    with django_assert_num_queries(4):
        integrator_api.get("/api/v1/interaction-template-setup/")


def test_admin_sets_the_template_of_a_document_type(admin_api, template):
    response = admin_api.put(
        "/api/v1/interaction-template-setup/sales_invoice/",
        {"template": template.code},
        format="json",
    )

    assert response.status_code == 200
    row = DocumentTemplateSetup.objects.get(document_type="sales_invoice")
    assert row.template == template
    assert AuditEvent.objects.filter(action="template_setup.change").exists()


def test_setup_refuses_a_template_with_content(admin_api, db):
    content = factories.TemplateContentFactory()

    response = admin_api.patch(
        "/api/v1/interaction-template-setup/sales_invoice/",
        {"template": content.template.code},
        format="json",
    )

    # Schema-valid; the referenced template's content refuses it: 422.
    assert response.status_code == 422
    assert "template" in response.json()
    assert (
        DocumentTemplateSetup.objects.get(document_type="sales_invoice").template
        is None
    )


def test_setup_unknown_document_type_is_404(admin_api, template):
    response = admin_api.put(
        "/api/v1/interaction-template-setup/nonsense/",
        {"template": template.code},
        format="json",
    )

    assert response.status_code == 404


def test_integrator_cannot_change_setup(integrator_api, template):
    response = integrator_api.put(
        "/api/v1/interaction-template-setup/sales_invoice/",
        {"template": template.code},
        format="json",
    )

    assert response.status_code == 403


# --- Location on every 201 ------------------------------------------------------

CREATES = [
    ("/api/v1/salespeople/", {"code": "NEW", "name": "Ny Selger"}),
    ("/api/v1/campaigns/", {"description": "Messe 2026"}),
    ("/api/v1/interaction-groups/", {"code": "NEW", "description": "Ny"}),
    ("/api/v1/business-relations/", {"code": "NEW", "description": "Ny"}),
    ("/api/v1/job-responsibilities/", {"code": "NEW", "description": "Ny"}),
    ("/api/v1/industry-groups/", {"code": "NEW", "description": "Ny"}),
    ("/api/v1/mailing-groups/", {"code": "NEW", "description": "Ny"}),
    (
        "/api/v1/interaction-templates/",
        {"code": "NEW", "group": "G0", "description": "Ny"},
    ),
    (
        "/api/v1/interaction-templates/T0/contents/",
        {"language": "NOR", "subject": "Hei"},
    ),
    ("/api/v1/interaction-templates/T0/contents/", {"language": "", "body": "x"}),
]


@pytest.mark.parametrize(("url", "body"), CREATES)
def test_a_created_resource_is_at_its_location(admin_api, url, body):
    factories.TemplateFactory(code="T0", group__code="G0")

    response = admin_api.post(url, body, format="json")

    assert response.status_code == 201, response.json()
    location = response["Location"]
    assert location.startswith("http://testserver/api/v1/")
    read = admin_api.get(location)
    assert read.status_code == 200
    assert read.json() == response.json()


def test_an_idempotent_replay_repeats_the_location(admin_api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "campaign-1"}
    body = {"description": "Messe 2026"}
    first = admin_api.post("/api/v1/campaigns/", body, format="json", **headers)
    again = admin_api.post("/api/v1/campaigns/", body, format="json", **headers)

    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]


# --- template content per language ------------------------------------------------


@pytest.fixture
def content_template(db):
    template = factories.TemplateFactory(code="MAIL", group__code="MAIL")
    factories.TemplateContentFactory(template=template, language="", subject="Hi")
    factories.TemplateContentFactory(template=template, language="NOR", subject="Hei")
    return template


CONTENTS = "/api/v1/interaction-templates/MAIL/contents/"


def test_template_contents_are_listed_per_language(admin_api, content_template):
    response = admin_api.get(CONTENTS)

    assert response.status_code == 200
    assert [(c["language"], c["subject"]) for c in response.json()["results"]] == [
        ("", "Hi"),
        ("NOR", "Hei"),
    ]


def test_the_content_without_a_language_is_addressed_as_dash(
    admin_api, content_template
):
    assert admin_api.get(f"{CONTENTS}-/").json()["subject"] == "Hi"
    assert admin_api.get(f"{CONTENTS}NOR/").json()["subject"] == "Hei"
    assert admin_api.get(f"{CONTENTS}ENU/").status_code == 404
    assert (
        admin_api.get("/api/v1/interaction-templates/NOPE/contents/").status_code == 404
    )


def test_template_content_is_changed_and_audited(admin_api, content_template):
    response = admin_api.patch(
        f"{CONTENTS}NOR/",
        {"subject": "Hei {{ contact.name }}", "language": "ENU"},
        format="json",
    )

    assert response.status_code == 200
    content = content_template.contents.get(language="NOR")  # the key is fixed
    assert content.subject == "Hei {{ contact.name }}"
    assert AuditEvent.objects.filter(action="templatecontent.change").exists()


def test_a_second_content_in_one_language_is_refused_on_the_field(
    admin_api, content_template
):
    response = admin_api.post(
        CONTENTS, {"language": "NOR", "subject": "Igjen"}, format="json"
    )

    # A duplicate key: 409 Conflict.
    assert response.status_code == 409
    assert "already has content in this language" in str(response.json())
    assert content_template.contents.count() == 2


def test_dash_is_not_a_language(admin_api, content_template):
    response = admin_api.post(CONTENTS, {"language": "-"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["language"]


def test_template_content_is_deleted(admin_api, content_template):
    assert admin_api.delete(f"{CONTENTS}NOR/").status_code == 204
    assert list(content_template.contents.values_list("language", flat=True)) == [""]


def test_template_content_needs_its_permissions(
    integrator_api, staff_api, content_template
):
    # Neither integrators nor sales staff configure what templates send.
    assert integrator_api.get(CONTENTS).status_code == 403
    assert (
        staff_api.post(CONTENTS, {"language": "ENU"}, format="json").status_code == 403
    )


def test_setup_patch_without_template_changes_nothing(admin_api, db):
    response = admin_api.patch(
        "/api/v1/interaction-template-setup/sales_invoice/", {}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["document_type"] == "sales_invoice"
    assert not AuditEvent.objects.filter(action="template_setup.change").exists()


def test_duplicate_campaign_number_is_409(admin_api, db):
    factories.CampaignFactory(no="CP1")

    response = admin_api.post(
        "/api/v1/campaigns/", {"no": "CP1", "description": "Again"}, format="json"
    )

    assert response.status_code == 409
    assert list(response.json()) == ["no"]
