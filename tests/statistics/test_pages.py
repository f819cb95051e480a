"""Statistics staff pages: campaigns, templates, groups, salespeople (DOMAIN §7).

A list and a card per kind, over a date range, canceled and postponed left
out, the figures of a whole list page in one query; the view permission of the
kind's model; navigation entries.
"""

import re

import pytest
from django.urls import reverse

from interactions.models import InteractionLogEntry, LoggedSegment
from tests import factories
from tests.conftest import grant
from tests.statistics.conftest import ALL, FROM_FEB

pytestmark = pytest.mark.django_db

KINDS = {
    "campaign": ("CA", "interactions.view_campaign"),
    "template": ("TA", "interactions.view_interactiontemplate"),
    "group": ("GA", "interactions.view_interactiongroup"),
    "salesperson": ("SA", "contacts.view_salesperson"),
}


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def urls(kind):
    key, _perm = KINDS[kind]
    return [
        reverse(f"interactions:{kind}-list"),
        reverse(f"interactions:{kind}-detail", args=[key]),
    ]


def stat(html: str, label: str) -> str:
    """The value of the ``<dt>label</dt><dd>…</dd>`` figure on a card."""
    match = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]*)", html)
    assert match, f"no figure {label!r} on the page"
    return match.group(1).strip()


def row_cells(html: str, key: str) -> list[str]:
    """The cells of the list row whose first cell links ``key``."""
    match = re.search(
        rf'<tr>\s*<td class="nowrap"><a class="mono"[^>]*>{key}</a></td>(.*?)</tr>',
        html,
        re.S,
    )
    assert match, f"no row {key!r} on the page"
    return [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


# --- access --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_users_are_sent_to_the_login_page(client, kind):
    for url in urls(kind):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("kind", KINDS)
def test_users_without_the_view_permission_are_refused(
    client, staff_without_permission, log, kind
):
    client.force_login(staff_without_permission)
    for url in urls(kind):
        assert client.get(url).status_code == 403


@pytest.mark.parametrize("kind", KINDS)
def test_the_view_permission_of_the_model_opens_the_pages(client, log, kind):
    user = factories.UserFactory(username="reader")
    grant(user, KINDS[kind][1])
    client.force_login(user)
    for url in urls(kind):
        assert client.get(url).status_code == 200


def test_a_missing_row_is_404(staff_client, log):
    url = reverse("interactions:campaign-detail", args=["NOPE"])
    assert staff_client.get(url).status_code == 404


# --- figures -------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_card_shows_the_figures_without_canceled_and_postponed(
    staff_client, log, kind
):
    html = staff_client.get(urls(kind)[1]).content.decode()

    assert stat(html, "Interactions") == str(ALL["count"])
    assert stat(html, "Cost (LCY)") == "7.00"
    assert stat(html, "Duration") == "12"
    if kind == "campaign":
        assert stat(html, "Target contacts contacted") == "2"
        assert stat(html, "Contacts responded") == "1"


@pytest.mark.parametrize("kind", KINDS)
def test_the_list_shows_the_figures_of_the_date_range(staff_client, log, kind):
    html = staff_client.get(urls(kind)[0], {"date_from": "2026-02-01"}).content.decode()

    cells = row_cells(html, KINDS[kind][0])
    figures = [str(FROM_FEB["count"]), "3.00", "7"]
    if kind == "campaign":
        figures += [str(FROM_FEB["target_contacts_contacted"]), "1"]
    assert cells[-len(figures) :] == figures
    # Master "B" (its one entry is in March) is a row of its own.
    b_cells = row_cells(html, KINDS[kind][0].replace("A", "B"))
    assert b_cells[-len(figures) :][:3] == ["1", "50.00", "60"]


def test_the_card_filters_by_date_range(staff_client, log):
    url = reverse("interactions:campaign-detail", args=["CA"])
    html = staff_client.get(
        url, {"date_from": "2026-02-01", "date_to": "2026-02-28"}
    ).content.decode()
    assert stat(html, "Interactions") == "2"
    assert stat(html, "Target contacts contacted") == "1"


@pytest.mark.parametrize("page", [0, 1])
def test_an_inverted_date_range_is_refused_on_the_field(staff_client, log, page):
    url = urls("campaign")[page]
    response = staff_client.get(
        url, {"date_from": "2026-03-01", "date_to": "2026-02-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date_to": ["The end date must be on or after the start date."]
    }
    html = response.content.decode()
    assert "Correct the date range to see the figures." in html
    assert "<dt>Interactions</dt>" not in html


def test_the_campaign_card_lists_its_entries_and_logged_segments(staff_client, log):
    logged = LoggedSegment.objects.create(
        segment_no="LS1",
        description="Messe",
        date=log.A.campaign.starting_date or "2026-02-01",
    )
    InteractionLogEntry.objects.filter(
        campaign=log.A.campaign, canceled=False, postponed=False
    ).update(logged_segment=logged)
    other = LoggedSegment.objects.create(
        segment_no="LS2", description="Other", date="2026-02-01"
    )
    InteractionLogEntry.objects.filter(campaign=log.B.campaign).update(
        logged_segment=other
    )

    response = staff_client.get(reverse("interactions:campaign-detail", args=["CA"]))

    assert [s.segment_no for s in response.context["logged_segments"].rows] == ["LS1"]
    entries = response.context["entries"].rows
    # Its four entries in the log (the canceled one marked), not the postponed one.
    assert len(entries) == 4
    assert {e.campaign_id for e in entries} == {log.A.campaign.pk}
    assert sum(e.canceled for e in entries) == 1


def test_the_entries_need_the_log_permission(client, log):
    user = factories.UserFactory(username="reader")
    grant(user, "interactions.view_campaign")
    client.force_login(user)
    response = client.get(reverse("interactions:campaign-detail", args=["CA"]))
    assert response.context["entries"] is None
    assert response.context["logged_segments"] is None


@pytest.mark.parametrize("kind", KINDS)
def test_a_list_page_reads_its_figures_in_one_query(
    staff_client, log, kind, django_assert_num_queries
):
    url = urls(kind)[0]
    staff_client.get(url)  # warm the session and permission caches
    # Session, user, permissions (user + group), then the one page query.
    with django_assert_num_queries(5):
        response = staff_client.get(url)
    assert len(response.context["rows"]) >= 2


@pytest.mark.parametrize("kind", KINDS)
def test_a_card_reads_figures_and_entries_without_a_query_per_row(
    staff_client, log, kind, django_assert_num_queries
):
    url = urls(kind)[1]
    expected = {"campaign": 8, "template": 7, "group": 7, "salesperson": 7}[kind]
    # Session, user, permissions, the row, its figures, its entries (with
    # their contact in the same query); a campaign's logged segments.
    with django_assert_num_queries(expected):
        response = staff_client.get(url)
    assert len(response.context["entries"].rows) >= 2


def test_a_company_card_counts_its_persons_entries(staff_client, log):
    company = staff_client.get(
        reverse("contacts:contact-detail", args=[log.company.no])
    )
    person = staff_client.get(reverse("contacts:contact-detail", args=[log.person.no]))

    # The company: its own entries (A in Feb, B in March) and both persons'.
    assert company.context["statistics"]["count"] == 4
    assert person.context["statistics"]["count"] == 1


def test_the_navigation_names_campaigns_and_statistics(staff_client, log):
    html = staff_client.get(reverse("interactions:dashboard")).content.decode()
    assert f'href="{reverse("interactions:campaign-list")}"' in html
    assert f'href="{reverse("interactions:template-list")}"' in html
