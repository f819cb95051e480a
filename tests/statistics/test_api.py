"""Statistics as API resources (DOMAIN §7): ``{resource}/{key}/statistics/``."""

import pytest

from tests import factories
from tests.api.conftest import token_client
from tests.conftest import grant
from tests.statistics.conftest import ALL, FROM_FEB

pytestmark = pytest.mark.django_db

URLS = {
    "campaign": ("/api/v1/campaigns/CA/statistics/", "interactions.view_campaign"),
    "template": (
        "/api/v1/interaction-templates/TA/statistics/",
        "interactions.view_interactiontemplate",
    ),
    "group": (
        "/api/v1/interaction-groups/GA/statistics/",
        "interactions.view_interactiongroup",
    ),
    "salesperson": (
        "/api/v1/salespeople/SA/statistics/",
        "contacts.view_salesperson",
    ),
}
FIGURES = ["count", "cost", "duration"]


def expected(figures, kind, **dates):
    names = FIGURES + (
        ["target_contacts_contacted", "contacts_responded"]
        if kind == "campaign"
        else []
    )
    data = {name: figures[name] for name in names}
    data["cost"] = f"{figures['cost']:.2f}"
    data["duration"] = f"{figures['duration']:.2f}"
    return {"date_from": None, "date_to": None, **dates, **data}


@pytest.mark.parametrize("kind", URLS)
def test_statistics_leave_out_canceled_and_postponed(admin_api, log, kind):
    response = admin_api.get(URLS[kind][0])
    assert response.status_code == 200
    assert response.json() == expected(ALL, kind)


@pytest.mark.parametrize("kind", URLS)
def test_statistics_over_a_date_range(admin_api, log, kind):
    response = admin_api.get(
        URLS[kind][0], {"date_from": "2026-02-01", "date_to": "2026-02-28"}
    )
    assert response.status_code == 200
    assert response.json() == expected(
        FROM_FEB, kind, date_from="2026-02-01", date_to="2026-02-28"
    )


@pytest.mark.parametrize("kind", URLS)
def test_an_inverted_date_range_is_422_naming_the_field(admin_api, log, kind):
    response = admin_api.get(
        URLS[kind][0], {"date_from": "2026-03-01", "date_to": "2026-02-01"}
    )
    assert response.status_code == 422  # across two parameters
    assert response.json() == {
        "date_to": ["The end date must be on or after the start date."]
    }


def test_a_date_that_is_no_date_is_400_naming_the_field(admin_api, log):
    response = admin_api.get(URLS["campaign"][0], {"date_from": "1st of May"})
    assert response.status_code == 400
    assert list(response.json()) == ["date_from"]


@pytest.mark.parametrize("kind", URLS)
def test_statistics_need_the_view_permission_of_the_model(
    anon_api, outsider_api, log, kind
):
    url, permission = URLS[kind]
    assert anon_api.get(url).status_code == 401
    assert outsider_api.get(url).status_code == 403
    reader = factories.UserFactory(username="reader")
    grant(reader, permission)
    assert token_client(reader).get(url).status_code == 200


@pytest.mark.parametrize("kind", URLS)
def test_statistics_of_a_missing_row_are_404(admin_api, log, kind):
    url = URLS[kind][0].replace("A/statistics", "X/statistics")
    assert admin_api.get(url).status_code == 404


@pytest.mark.parametrize("kind", URLS)
def test_statistics_are_one_query(admin_api, log, kind, django_assert_num_queries):
    admin_api.get(URLS[kind][0])
    # Token + user, the row, its figures.
    with django_assert_num_queries(3):
        assert admin_api.get(URLS[kind][0]).status_code == 200
