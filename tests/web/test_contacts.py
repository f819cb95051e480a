"""Contact pages: list, card with timeline, create and edit (the card's actions:
test_card_actions.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from contacts import views as contact_views
from contacts.models import Contact
from interactions.models import InteractionLogEntry
from interactions.services.segments import add_contact_to_segment, create_segment
from interactions.web.contact_card import views as card_views
from tests import factories
from tests.conftest import grant
from tests.factories import make_entry

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def outsider_client(client, staff_without_permission):
    client.force_login(staff_without_permission)
    return client


def contact_url(name: str, contact: Contact) -> str:
    return reverse(f"contacts:{name}", kwargs={"no": contact.no})


def assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --------------------------------------------------------------------------
# Access: anonymous → login, no permission → 403, wrong method → 405
# --------------------------------------------------------------------------

PAGES = [
    ("contact-list", False, "get", "post"),
    ("contact-create", False, "get", "put"),
    ("contact-detail", True, "get", "post"),
    ("contact-update", True, "get", "delete"),
    ("contact-timeline", True, "get", "post"),
    ("contact-cover-sheet", True, "get", "put"),
    ("contact-phone-call", True, "post", "put"),
    ("contact-phone-call", True, "get", "delete"),
    ("contact-email", True, "post", "put"),
    ("contact-email", True, "get", "delete"),
    ("contact-add-to-segment", True, "post", "put"),
    ("contact-add-to-segment", True, "get", "delete"),
]


def page_url(name: str, needs_contact: bool, contact: Contact) -> str:
    if needs_contact:
        return contact_url(name, contact)
    return reverse(f"contacts:{name}")


@pytest.mark.parametrize(("name", "needs_contact", "method", "wrong"), PAGES)
def test_anonymous_is_sent_to_login(
    client, company, name, needs_contact, method, wrong
):
    response = getattr(client, method)(page_url(name, needs_contact, company))
    assert_login_redirect(response)


@pytest.mark.parametrize(("name", "needs_contact", "method", "wrong"), PAGES)
def test_user_without_permission_gets_403(
    outsider_client, company, name, needs_contact, method, wrong
):
    response = getattr(outsider_client, method)(page_url(name, needs_contact, company))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "needs_contact", "method", "wrong"), PAGES)
def test_wrong_method_gets_405(
    staff_client, company, name, needs_contact, method, wrong
):
    response = getattr(staff_client, wrong)(page_url(name, needs_contact, company))
    assert response.status_code == 405


def test_state_changes_need_csrf(staff_user, company, event_templates):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post(
        contact_url("contact-phone-call", company), {"call-successful": "yes"}
    )
    assert response.status_code == 403
    assert not InteractionLogEntry.objects.exists()


# --------------------------------------------------------------------------
# List
# --------------------------------------------------------------------------


def test_list_shows_contacts_with_company_and_salesperson(staff_client, person):
    person.salesperson = factories.SalespersonFactory(code="AN", name="Anne")
    person.save()
    response = staff_client.get(reverse("contacts:contact-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kari Nordmann" in html
    assert "Fjord Handel AS" in html
    assert 'title="Anne">AN<' in html


def test_list_search_matches_no_name_email_and_city(staff_client, db):
    factories.CompanyFactory(no="CT1", name="Alfa", email="a@alfa.no", city="Bergen")
    factories.CompanyFactory(no="CT2", name="Beta", email="post@beta.no", city="Oslo")
    url = reverse("contacts:contact-list")
    for term in ("alfa", "CT1", "a@alfa", "berg"):
        contacts = staff_client.get(url, {"q": term}).context["contacts"]
        assert [c.no for c in contacts] == ["CT1"], term


def test_list_filters_by_type_salesperson_and_business_relation(staff_client, person):
    seller = factories.SalespersonFactory(code="AN")
    person.salesperson = seller
    person.save()
    factories.ContactBusinessRelationFactory(
        contact=person.company, business_relation__code="CUST"
    )
    url = reverse("contacts:contact-list")

    def numbers(**params):
        return [c.no for c in staff_client.get(url, params).context["contacts"]]

    assert numbers(type="person") == [person.no]
    assert numbers(salesperson="AN") == [person.no]
    assert numbers(business_relation="CUST") == [person.company.no]
    assert numbers(company=person.company.no) == [person.no]


def test_list_unknown_filter_value_shows_error_and_no_rows(staff_client, person):
    response = staff_client.get(reverse("contacts:contact-list"), {"salesperson": "X"})
    assert response.status_code == 200
    assert list(response.context["contacts"]) == []
    assert response.context["filter"].form.errors["salesperson"]


def test_list_pages_with_keyset_cursor_sorted_by_name(staff_client, db, monkeypatch):
    monkeypatch.setattr(contact_views, "CONTACT_PAGE_SIZE", 2)
    for no, name in (
        ("C1", "Delta"),
        ("C2", "Alfa"),
        ("C3", "Charlie"),
        ("C4", "Bravo"),
    ):
        factories.CompanyFactory(no=no, name=name)
    url = reverse("contacts:contact-list")

    first = staff_client.get(url, {"sort": "name"})
    assert [c.name for c in first.context["contacts"]] == ["Alfa", "Bravo"]
    cursor = first.context["page"].next_cursor
    assert cursor in first.content.decode()

    second = staff_client.get(url, {"sort": "name", "cursor": cursor}, **HTMX)
    html = second.content.decode()
    assert [c.name for c in second.context["contacts"]] == ["Charlie", "Delta"]
    assert "<html" not in html  # only the rows, for htmx to append
    assert not second.context["page"].has_next


def test_list_tampered_cursor_is_a_bad_request(staff_client, db):
    response = staff_client.get(reverse("contacts:contact-list"), {"cursor": "xx!"})
    assert response.status_code == 400


@pytest.mark.parametrize("rows", [2, 7])
def test_list_query_count_does_not_grow_with_rows(
    staff_client, db, rows, django_assert_num_queries
):
    for _ in range(rows):
        factories.PersonFactory(salesperson=factories.SalespersonFactory())
    # 1 session, 2 user, 3–4 permissions (user, group), 5 contact page with
    # company and salesperson joined, 6–10 choices of the five select filters
    # (salesperson, business relation, job responsibility, industry group,
    # mailing group).
    with django_assert_num_queries(10):
        response = staff_client.get(reverse("contacts:contact-list"))
    assert len(response.context["contacts"]) == rows * 2


# --------------------------------------------------------------------------
# Card and timeline
# --------------------------------------------------------------------------


def test_card_shows_details_classification_and_statistics(staff_client, person):
    factories.ContactBusinessRelationFactory(
        contact=person,
        business_relation__code="CUST",
        link_type="customer",
        link_no="10000",
    )
    person.mailing_groups.add(factories.MailingGroupFactory(code="NEWS"))
    template = factories.TemplateFactory(unit_cost="12.50", unit_duration="30")
    make_entry(person, template, date=dt.date(2026, 3, 2))
    make_entry(person, template, date=dt.date(2026, 3, 5))
    make_entry(person, template, date=dt.date(2026, 3, 9), canceled=True)

    response = staff_client.get(contact_url("contact-detail", person))

    assert response.status_code == 200
    html = response.content.decode()
    assert "CUST · 10000" in html
    assert "NEWS" in html
    stats = response.context["statistics"]
    assert stats["count"] == 2
    assert stats["cost"] == 25
    assert stats["last_interaction_date"] == dt.date(2026, 3, 5)


def test_company_card_links_its_first_persons_by_name_and_offers_all(
    staff_client, company, monkeypatch
):
    monkeypatch.setattr(contact_views, "CARD_PERSONS", 2)
    persons = [
        factories.PersonFactory(company=company, name=name, no=f"KP-{i}")
        for i, name in enumerate(["Cecilie", "Ann", "Bo"])
    ]

    response = staff_client.get(contact_url("contact-detail", company))

    html = response.content.decode()
    ann, bo, cecilie = persons[1], persons[2], persons[0]
    assert f'<a href="{ann.get_absolute_url()}">Ann</a>' in html
    assert f'<a href="{bo.get_absolute_url()}">Bo</a>' in html
    assert html.index(">Ann<") < html.index(">Bo<")
    assert cecilie.get_absolute_url() not in html
    assert "Show all persons" in html


def test_company_timeline_includes_persons_newest_first_and_marks_canceled(
    staff_client, company, person
):
    template = factories.TemplateFactory()
    own = make_entry(company, template, date=dt.date(2026, 1, 5), description="Own")
    persons = make_entry(person, template, date=dt.date(2026, 2, 1), description="Hers")
    canceled = make_entry(company, template, date=dt.date(2026, 3, 1), canceled=True)
    make_entry(factories.CompanyFactory(), template, description="Elsewhere")

    response = staff_client.get(contact_url("contact-detail", company))

    rows = response.context["page"].rows
    assert [e.entry_no for e in rows] == [
        canceled.entry_no,
        persons.entry_no,
        own.entry_no,
    ]
    html = response.content.decode()
    assert "timeline__item--canceled" in html
    assert "Elsewhere" not in html


def test_person_timeline_excludes_company_entries(staff_client, company, person):
    template = factories.TemplateFactory()
    make_entry(company, template, description="Company letter")
    mine = make_entry(person, template, description="Personal letter")
    response = staff_client.get(contact_url("contact-detail", person))
    assert [e.entry_no for e in response.context["page"].rows] == [mine.entry_no]


def test_timeline_hides_postponed_entries(staff_client, person):
    make_entry(person, postpone=True, description="Later")
    response = staff_client.get(contact_url("contact-detail", person))
    assert response.context["page"].rows == []


def test_timeline_load_more_pages_by_keyset(staff_client, person, monkeypatch):
    monkeypatch.setattr(card_views, "TIMELINE_PAGE_SIZE", 2)
    template = factories.TemplateFactory()
    # Same date for all: entry_no breaks the tie, nothing repeats or goes missing.
    entries = [make_entry(person, template, date=dt.date(2026, 3, 2)) for _ in range(5)]
    expected = [e.entry_no for e in reversed(entries)]

    seen = []
    response = staff_client.get(contact_url("contact-detail", person))
    page = response.context["page"]
    seen += [e.entry_no for e in page.rows]
    while page.has_next:
        response = staff_client.get(
            contact_url("contact-timeline", person),
            {"cursor": page.next_cursor},
            **HTMX,
        )
        assert "<html" not in response.content.decode()
        page = response.context["page"]
        seen += [e.entry_no for e in page.rows]
    assert seen == expected


def test_loaded_items_take_the_focus_on_their_first_link_only(
    staff_client, person, monkeypatch
):
    monkeypatch.setattr(card_views, "TIMELINE_PAGE_SIZE", 2)
    for _ in range(4):
        make_entry(person, date=dt.date(2026, 3, 2))
    card = staff_client.get(contact_url("contact-detail", person))
    assert "autofocus" not in card.content.decode().split('id="timeline"', 1)[1]

    more = staff_client.get(
        contact_url("contact-timeline", person),
        {"cursor": card.context["page"].next_cursor},
        **HTMX,
    ).content.decode()

    items = more.split('<li class="timeline__item')[1:]
    assert len(items) == 2
    assert " autofocus>" in items[0]
    assert "autofocus" not in items[1]


def test_timeline_without_htmx_renders_a_full_page(staff_client, person):
    make_entry(person)
    response = staff_client.get(contact_url("contact-timeline", person))
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_card_without_log_permission_hides_timeline(client, person, db):
    user = factories.UserFactory(username="viewer")
    grant(user, "contacts.view_contact")
    client.force_login(user)
    response = client.get(contact_url("contact-detail", person))
    assert response.status_code == 200
    assert "page" not in response.context
    assert "Make phone call" not in response.content.decode()


@pytest.mark.parametrize("entries", [2, 8])
def test_card_query_count_does_not_grow_with_entries(
    staff_client, company, entries, django_assert_num_queries
):
    template = factories.TemplateFactory()
    persons = [factories.PersonFactory(company=company) for _ in range(2)]
    for i in range(entries):
        make_entry(persons[i % 2], template, campaign=factories.CampaignFactory())
    # 1 session, 2 user, 3–4 permissions (user, group), 5 contact with company
    # and salesperson, 6 its classification (business relations, industry
    # groups, mailing groups: one UNION ALL), 7 persons, 8 statistics,
    # 9 timeline page (codes and names of its templates, groups, salespeople,
    # campaigns and persons as scalar subqueries). The open segments of "add
    # to segment" are read when its drop-down opens, not with the card.
    with django_assert_num_queries(9):
        response = staff_client.get(contact_url("contact-detail", company))
    assert len(response.context["page"].rows) == entries


@pytest.mark.parametrize("entries", [3, 9])
def test_timeline_page_query_count_does_not_grow_with_entries(
    staff_client, person, entries, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(card_views, "TIMELINE_PAGE_SIZE", 1)
    template = factories.TemplateFactory()
    for _ in range(entries):
        make_entry(person, template)
    cursor = card_views.timeline_page(person).next_cursor
    monkeypatch.setattr(card_views, "TIMELINE_PAGE_SIZE", 50)
    # 1 session, 2 user, 3–4 permissions, 5 contact, 6 timeline page (with the
    # codes and names it shows as scalar subqueries).
    with django_assert_num_queries(6):
        response = staff_client.get(
            contact_url("contact-timeline", person), {"cursor": cursor}, **HTMX
        )
    assert len(response.context["page"].rows) == entries - 1


# --------------------------------------------------------------------------
# Create and edit
# --------------------------------------------------------------------------


def contact_data(**overrides) -> dict:
    data = {
        "type": "person",
        "name": "Ola Nordmann",
        "company_no": "",
        "email": "ola@example.com",
        "city": "Bergen",
        "correspondence_type": "",
    }
    data.update(overrides)
    return data


def test_create_contact_takes_number_from_series(staff_client, company):
    factories.MailingGroupFactory(code="NEWS")
    factories.BusinessRelationFactory(code="PROS")
    response = staff_client.post(
        reverse("contacts:contact-create"),
        contact_data(
            company_no=company.no, mailing_groups=["NEWS"], business_relations=["PROS"]
        ),
        follow=True,
    )
    contact = Contact.objects.get(name="Ola Nordmann")
    assert contact.no.startswith("CT")
    assert contact.company == company
    assert [g.code for g in contact.mailing_groups.all()] == ["NEWS"]
    assert [r.business_relation.code for r in contact.business_relations.all()] == [
        "PROS"
    ]
    assert response.redirect_chain[-1][0] == contact.get_absolute_url()
    assert "was created" in response.content.decode()


def test_create_contact_with_unknown_company_shows_field_error(staff_client, db):
    response = staff_client.post(
        reverse("contacts:contact-create"), contact_data(company_no="NOPE")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["company_no"]
    assert not Contact.objects.filter(name="Ola Nordmann").exists()


def test_create_company_belonging_to_company_shows_service_error(staff_client, company):
    response = staff_client.post(
        reverse("contacts:contact-create"),
        contact_data(type="company", company_no=company.no),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["company_no"]
    assert not Contact.objects.filter(name="Ola Nordmann").exists()


def test_edit_contact_saves_and_keeps_business_relation_links(staff_client, person):
    factories.ContactBusinessRelationFactory(
        contact=person,
        business_relation__code="CUST",
        link_type="customer",
        link_no="10000",
    )
    factories.BusinessRelationFactory(code="PROS")
    url = contact_url("contact-update", person)
    form = staff_client.get(url).context["form"]
    assert form.initial["company_no"] == person.company.no

    response = staff_client.post(
        url,
        contact_data(
            name="Kari Nordmann-Hansen",
            company_no=person.company.no,
            business_relations=["CUST", "PROS"],
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Kari Nordmann-Hansen"
    links = {
        r.business_relation.code: (r.link_type, r.link_no)
        for r in person.business_relations.all()
    }
    assert links == {"CUST": ("customer", "10000"), "PROS": ("", "")}


def test_edit_person_on_open_segment_cannot_change_company(
    staff_client, staff_user, person
):
    segment = create_segment(actor=staff_user, description="Spring mailing")
    add_contact_to_segment(actor=staff_user, segment=segment, contact=person)
    other = factories.CompanyFactory()
    response = staff_client.post(
        contact_url("contact-update", person),
        contact_data(name=person.name, company_no=other.no),
    )
    assert response.status_code == 400
    assert segment.no in str(response.context["form"].errors["company_no"])
    person.refresh_from_db()
    assert person.company != other
