"""Lookups instead of guesses (issue #13 item 3).

A typed contact, template, campaign or salesperson is its exact key or a name
that matches one record; several matches are a message on the field naming
the candidates, none a message too — never a silent first match, never an
empty result without a word. The JSON endpoints behind the autocomplete need
the model's view permission.
"""

import pytest
from django import forms
from django.urls import reverse

from contacts.lookups import CONTACTS, ContactLookupField, SalespersonLookupField
from interactions.models import InteractionLogEntry, Segment
from interactions.web.lookups import CampaignLookupField, TemplateLookupField
from interactions_crm.platform.lookups import MAX_RESULTS, matches
from tests import factories
from tests.conftest import grant
from tests.factories import make_entry
from tests.web.segment_support import make_segment

pytestmark = pytest.mark.django_db

CONTACT_LOOKUP = reverse("contacts:contact-lookup")
SALESPERSON_LOOKUP = reverse("contacts:salesperson-lookup")
TEMPLATE_LOOKUP = reverse("interactions:template-lookup")
CAMPAIGN_LOOKUP = reverse("interactions:campaign-lookup")
LOG = reverse("interactions:entry-list")
EXPORT = reverse("interactions:entry-export")
DELETE_CANCELED = reverse("interactions:entry-delete-canceled")


@pytest.fixture
def lunds(db):
    """Two contacts whose names contain "Lund", and one that does not."""
    return {
        "as": factories.CompanyFactory(no="CT010", name="Lund AS", city="Bergen"),
        "berg": factories.CompanyFactory(no="CT020", name="Lundberg Bygg"),
        "other": factories.CompanyFactory(no="CT030", name="Fjord Handel"),
    }


def results(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [row["key"] for row in response.json()["results"]]


# --- the endpoints --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "permission"),
    [
        (CONTACT_LOOKUP, "contacts.view_contact"),
        (SALESPERSON_LOOKUP, "contacts.view_salesperson"),
        (TEMPLATE_LOOKUP, "interactions.view_interactiontemplate"),
        (CAMPAIGN_LOOKUP, "interactions.view_campaign"),
    ],
)
def test_endpoints_need_login_and_the_view_permission(client, url, permission):
    anonymous = client.get(url, {"q": "a"})
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))

    user = factories.UserFactory(username="outsider")
    client.force_login(user)
    assert client.get(url, {"q": "a"}).status_code == 403
    assert client.post(url, {"q": "a"}).status_code in (403, 405)

    grant(user, permission)
    assert client.get(url, {"q": "a"}).status_code == 200
    assert client.post(url, {"q": "a"}).status_code == 405


def test_contact_lookup_lists_exact_key_then_prefix_then_contains(staff_client, lunds):
    factories.CompanyFactory(no="CT040", name="Vestlund Transport")

    assert results(staff_client.get(CONTACT_LOOKUP, {"q": "lund"})) == [
        "CT010",  # name starts with "Lund"
        "CT020",
        "CT040",  # contains it
    ]
    assert results(staff_client.get(CONTACT_LOOKUP, {"q": "ct030"})) == ["CT030"]
    assert results(staff_client.get(CONTACT_LOOKUP, {"q": "nobody"})) == []


def test_contact_lookup_shows_what_tells_contacts_apart(staff_client, lunds):
    lunds["berg"].privacy_blocked = True
    lunds["berg"].save()

    rows = staff_client.get(CONTACT_LOOKUP, {"q": "Lund"}).json()["results"]

    assert rows[0] == {"key": "CT010", "name": "Lund AS", "detail": "CT010 · Bergen"}
    assert "privacy blocked" in rows[1]["detail"]


def test_lookup_answers_at_most_the_first_twenty_in_one_query(
    staff_client, django_assert_num_queries
):
    for n in range(MAX_RESULTS + 5):
        factories.CompanyFactory(no=f"CX{n:03d}", name=f"Havn {n:03d}")
    # 1 session, 2 user, 3–4 permissions, 5 the matches.
    with django_assert_num_queries(5):
        keys = results(staff_client.get(CONTACT_LOOKUP, {"q": "havn"}))
    assert keys == [f"CX{n:03d}" for n in range(MAX_RESULTS)]


def test_template_campaign_and_salesperson_lookups(staff_client):
    factories.TemplateFactory(code="MEET", description="Meeting at the customer")
    factories.TemplateFactory(code="CALL", description="Phone call")
    factories.CampaignFactory(no="CP01", description="Spring meeting campaign")
    factories.SalespersonFactory(code="AN", name="Anne Nilsen")

    assert results(staff_client.get(TEMPLATE_LOOKUP, {"q": "meet"})) == ["MEET"]
    assert results(staff_client.get(CAMPAIGN_LOOKUP, {"q": "meeting"})) == ["CP01"]
    assert results(staff_client.get(SALESPERSON_LOOKUP, {"q": "nils"})) == ["AN"]


def test_matches_of_an_empty_text_are_the_first_by_name(lunds):
    assert [row.no for row in matches(CONTACTS, "  ")] == ["CT030", "CT010", "CT020"]


# --- the field ------------------------------------------------------------------------


def clean(field: forms.Field, value: str):
    return field.clean(value)


def test_field_resolves_an_exact_key_in_any_case(lunds):
    assert clean(ContactLookupField(), "ct020") == lunds["berg"]


def test_field_resolves_a_unique_name_match(lunds):
    assert clean(ContactLookupField(), "berg bygg") == lunds["berg"]


def test_field_prefers_the_one_whole_name_to_names_containing_it(lunds):
    # "Lund AS" is typed in full; "Lundberg Bygg" only contains "Lund".
    assert clean(ContactLookupField(), "lund as") == lunds["as"]


def test_field_refuses_an_ambiguous_name_naming_the_candidates(lunds):
    with pytest.raises(forms.ValidationError) as refused:
        clean(ContactLookupField(), "Lund")

    assert refused.value.code == "ambiguous"
    message = refused.value.messages[0]
    assert "“Lund” matches several contacts" in message
    assert "Lund AS (CT010)" in message
    assert "Lundberg Bygg (CT020)" in message
    assert "Fjord" not in message


def test_ambiguous_message_names_at_most_five(db):
    for n in range(7):
        factories.CompanyFactory(no=f"CS{n}", name=f"Sol {n}")

    with pytest.raises(forms.ValidationError) as refused:
        clean(ContactLookupField(), "Sol")

    message = refused.value.messages[0]
    assert [f"CS{n}" in message for n in range(7)] == [True] * 5 + [False] * 2
    assert "and more" in message


def test_two_contacts_with_the_same_whole_name_are_ambiguous(db):
    factories.CompanyFactory(no="CT1", name="Berg AS")
    factories.CompanyFactory(no="CT2", name="Berg AS")

    with pytest.raises(forms.ValidationError) as refused:
        clean(ContactLookupField(), "berg as")

    assert refused.value.code == "ambiguous"


def test_field_refuses_an_unknown_value(lunds):
    with pytest.raises(forms.ValidationError) as refused:
        clean(ContactLookupField(), "Nobody")

    assert refused.value.code == "not_found"
    assert refused.value.messages == ["There is no contact matching “Nobody”."]


def test_optional_field_is_empty_and_to_key_gives_the_key(lunds):
    assert clean(ContactLookupField(required=False), "  ") is None
    assert clean(ContactLookupField(required=False, to_key=True), "") == ""
    assert clean(ContactLookupField(to_key=True), "berg bygg") == "CT020"


@pytest.mark.parametrize(
    ("field", "ambiguous", "unknown"),
    [
        (TemplateLookupField, "several interaction templates", "no interaction"),
        (CampaignLookupField, "several campaigns", "no campaign"),
        (SalespersonLookupField, "several salespeople", "no salesperson"),
    ],
)
def test_code_lookups_refuse_ambiguous_and_unknown(field, ambiguous, unknown):
    factories.TemplateFactory(code="T1", description="Visit north")
    factories.TemplateFactory(code="T2", description="Visit south")
    factories.CampaignFactory(no="C1", description="Visit north")
    factories.CampaignFactory(no="C2", description="Visit south")
    factories.SalespersonFactory(code="S1", name="Visit north")
    factories.SalespersonFactory(code="S2", name="Visit south")

    with pytest.raises(forms.ValidationError, match=ambiguous):
        clean(field(), "visit")
    with pytest.raises(forms.ValidationError, match=unknown):
        clean(field(), "nothing like it")
    assert clean(field(to_key=True), "south")[-1] == "2"


def test_widget_renders_a_text_input_with_its_list_box(lunds):
    class Form(forms.Form):
        contact = ContactLookupField(label="Contact")

    html = str(Form()["contact"])

    assert 'type="text"' in html
    assert f'data-lookup-url="{CONTACT_LOOKUP}"' in html
    assert 'id="id_contact_listbox" role="listbox"' in html
    assert 'autocomplete="off"' in html


# --- the log filters -----------------------------------------------------------------


def shown(response) -> list[int]:
    return [entry.entry_no for entry in response.context["page"].rows]


def test_log_filter_by_a_unique_name_shows_that_contacts_entries(staff_client, lunds):
    mine = make_entry(contact=lunds["berg"])
    make_entry(contact=lunds["as"])

    response = staff_client.get(LOG, {"contact": "berg bygg"})

    assert response.status_code == 200
    assert shown(response) == [mine.entry_no]


def test_log_filter_with_an_ambiguous_name_says_so_on_the_field(staff_client, lunds):
    make_entry(contact=lunds["as"])
    make_entry(contact=lunds["berg"])

    response = staff_client.get(LOG, {"contact": "Lund"})

    assert shown(response) == []
    errors = response.context["filter_form"].errors["contact"]
    assert "Lund AS (CT010)" in errors[0]
    assert "Lundberg Bygg (CT020)" in errors[0]
    assert "matches several contacts" in response.content.decode()


def test_log_filter_with_an_unknown_template_says_so(staff_client, lunds):
    make_entry(contact=lunds["as"])

    response = staff_client.get(LOG, {"template": "no such template"})

    assert shown(response) == []
    assert "There is no interaction template" in response.content.decode()


def test_log_filters_template_campaign_salesperson_by_name(staff_client, lunds):
    template = factories.TemplateFactory(code="VISIT", description="Customer visit")
    campaign = factories.CampaignFactory(no="CP9", description="Autumn fair")
    seller = factories.SalespersonFactory(code="KN", name="Kristin Nes")
    wanted = make_entry(
        contact=lunds["as"], template=template, campaign=campaign, salesperson=seller
    )
    make_entry(contact=lunds["as"])

    response = staff_client.get(
        LOG,
        {"template": "customer visit", "campaign": "autumn", "salesperson": "kristin"},
    )

    assert response.context["filter_form"].errors == {}
    assert shown(response) == [wanted.entry_no]


def test_export_by_a_name_exports_what_the_list_shows(staff_client, lunds):
    make_entry(contact=lunds["berg"])
    make_entry(contact=lunds["as"])

    response = staff_client.get(EXPORT, {"contact": "berg bygg"})

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2  # the header and Lundberg's one entry
    assert "CT020" in lines[1]


def test_export_with_an_ambiguous_name_goes_back_to_the_list(staff_client, lunds):
    response = staff_client.get(EXPORT, {"contact": "Lund"}, follow=True)

    assert response.redirect_chain[0][0].startswith(LOG)
    assert "matches several contacts" in response.content.decode()


def test_log_keeps_the_api_contact_filter_strict(client, lunds, integrator_token):
    """The API filters by key only: a name is no key there."""
    make_entry(contact=lunds["berg"])
    response = client.get(
        reverse("api:interaction-list"),
        {"contact": "berg bygg"},
        headers={"Authorization": f"Token {integrator_token.key}"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == []


# --- delete canceled ----------------------------------------------------------------


@pytest.fixture
def deleter_client(client):
    user = factories.UserFactory(username="crm-admin")
    grant(
        user,
        "interactions.view_interactionlogentry",
        "interactions.delete_canceled_interactionlogentry",
    )
    client.force_login(user)
    return client


def canceled_for(contact) -> InteractionLogEntry:
    return make_entry(contact=contact, canceled=True)


def test_delete_canceled_refuses_an_ambiguous_contact(deleter_client, lunds):
    canceled_for(lunds["as"])
    canceled_for(lunds["berg"])

    response = deleter_client.get(DELETE_CANCELED, {"preview": "1", "contact": "Lund"})

    assert response.context["count"] is None  # no preview, no silent first match
    message = response.context["form"].errors["contact"][0]
    assert "Lund AS (CT010)" in message and "Lundberg Bygg (CT020)" in message


def test_delete_canceled_refuses_an_unknown_contact(deleter_client, lunds):
    response = deleter_client.get(DELETE_CANCELED, {"preview": "1", "contact": "Nix"})

    assert response.context["count"] is None
    assert response.context["form"].errors["contact"] == [
        "There is no contact matching “Nix”."
    ]


def test_delete_canceled_by_a_unique_name_deletes_only_that_contacts(
    deleter_client, lunds
):
    canceled_for(lunds["as"])
    kept = canceled_for(lunds["berg"])

    preview = deleter_client.get(
        DELETE_CANCELED, {"preview": "1", "contact": "lund as"}
    )
    assert preview.context["count"] == 1
    # The confirmation posts the key the preview resolved, not the typed text.
    assert 'name="contact" value="CT010"' in preview.content.decode()

    response = deleter_client.post(
        DELETE_CANCELED,
        {"contact": "CT010", "intent": preview.context["intent"]},
    )

    assert response.status_code == 302
    assert list(InteractionLogEntry.objects.values_list("entry_no", flat=True)) == [
        kept.entry_no
    ]


def test_delete_canceled_template_campaign_salesperson_are_lookups(
    deleter_client, lunds
):
    factories.TemplateFactory(code="T1", description="Visit north")
    factories.TemplateFactory(code="T2", description="Visit south")

    response = deleter_client.get(
        DELETE_CANCELED,
        {"preview": "1", "template": "visit", "campaign": "x", "salesperson": "y"},
    )

    errors = response.context["form"].errors
    assert "several interaction templates" in errors["template"][0]
    assert "no campaign" in errors["campaign"][0]
    assert "no salesperson" in errors["salesperson"][0]


# --- segments ------------------------------------------------------------------------


def test_segment_add_contact_refuses_an_ambiguous_name(staff_client, staff_user, lunds):
    segment = make_segment(staff_user, factories.TemplateFactory())
    url = reverse("interactions:segment-add-contact", kwargs={"no": segment.no})

    ambiguous = staff_client.post(
        url, {"add-contact": "Lund"}, headers={"HX-Request": "true"}
    )
    assert "matches several contacts" in ambiguous.content.decode()
    assert not segment.lines.exists()

    staff_client.post(url, {"add-contact": "lundberg"})
    assert list(segment.lines.values_list("contact__no", flat=True)) == ["CT020"]


def test_segment_criteria_salesperson_and_template_are_lookups(
    staff_client, staff_user, lunds
):
    factories.SalespersonFactory(code="S1", name="Siri Dahl")
    factories.SalespersonFactory(code="S2", name="Siri Berg")
    on_contact = lunds["as"]
    on_contact.salesperson = factories.SalespersonFactory(code="S3", name="Odd Lie")
    on_contact.save()
    segment = make_segment(staff_user, factories.TemplateFactory())
    url = reverse("interactions:segment-add-contacts", kwargs={"no": segment.no})

    ambiguous = staff_client.post(url, {"salesperson": "siri"})
    assert ambiguous.status_code == 400
    message = ambiguous.context["form"].errors["salesperson"][0]
    assert "Siri Berg (S2)" in message and "Siri Dahl (S1)" in message
    assert not segment.lines.exists()

    unknown = staff_client.post(url, {"interaction_template": "no such"})
    assert (
        "There is no interaction template"
        in unknown.context["form"].errors["interaction_template"][0]
    )

    added = staff_client.post(url, {"salesperson": "odd lie"})
    assert added.status_code == 302
    assert list(segment.lines.values_list("contact__no", flat=True)) == ["CT010"]


def test_field_shows_a_model_forms_pk_initial_as_the_key(lunds):
    field = ContactLookupField()
    assert field.prepare_value(lunds["berg"].pk) == "CT020"
    assert field.prepare_value(lunds["berg"]) == "CT020"
    assert field.prepare_value("typed") == "typed"


def test_field_has_changed_compares_the_record_not_the_text(lunds):
    field = ContactLookupField(required=False)
    assert not field.has_changed(lunds["as"].pk, "ct010")
    assert not field.has_changed(lunds["as"].pk, "lund as")  # same record by name
    assert field.has_changed(lunds["as"].pk, "lundberg")
    assert field.has_changed(lunds["as"].pk, "Lund")  # ambiguous: not the same
    assert field.has_changed(lunds["as"].pk, "")
    assert not field.has_changed(None, "")


def test_segment_header_template_campaign_salesperson_are_lookups(
    staff_client, salesperson
):
    factories.TemplateFactory(code="T1", description="Visit north")
    south = factories.TemplateFactory(code="T2", description="Visit south")
    factories.CampaignFactory(no="C1", description="Autumn fair")
    create = reverse("interactions:segment-create")

    ambiguous = staff_client.post(create, {"description": "X", "template": "visit"})
    assert ambiguous.status_code == 400
    errors = ambiguous.context["form"].errors
    assert "Visit north (T1)" in errors["template"][0]
    assert "Visit south (T2)" in errors["template"][0]

    staff_client.post(
        create,
        {
            "description": "Y",
            "template": "south",
            "campaign": "autumn",
            "salesperson": "jo nordmann",
        },
    )
    segment = Segment.objects.get(description="Y")
    assert segment.template == south
    assert segment.campaign.no == "C1"
    assert segment.salesperson == salesperson

    page = staff_client.get(reverse("interactions:segment-update", args=[segment.no]))
    html = page.content.decode()
    assert 'name="template" value="T2"' in html  # the key, not the pk
    assert 'data-lookup-url="/lookups/templates/"' in html
