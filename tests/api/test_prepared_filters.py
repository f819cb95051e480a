"""Filter sets prepared once per class filter exactly as the filter set does.

The API's filter backend cleans the given parameters with fields built once
(``PreparedFilters``, issue #12) instead of building django-filter's filter
set per request; the queryset, and every refusal, must be the same.
"""

import pytest
from django.core.exceptions import EmptyResultSet
from django.http import QueryDict

from contacts.filters import ContactFilterSet
from interactions.api import entries
from interactions.filters import EntryFilterSet
from interactions_crm.platform.api.filters import prepared_filters
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes(salesperson):
    template = factories.TemplateFactory(code="LETTER", group__code="MAIL")
    factories.CampaignFactory(no="CP0042")
    return template


@pytest.mark.parametrize(
    "query",
    [
        "",
        "group=mail",
        "group=MAIL&template=letter&salesperson=jo&campaign=cp0042",
        "contact=CT0001&company=CT0002",
        "date_from=2026-01-01&date_to=2026-12-31",
        "canceled=true&attempt_failed=false",
        "entry_no_from=5&entry_no_to=7&logged_segment=3",
        "evaluation=positive&information_flow=outbound&initiated_by=us",
        "document_type=sales_invoice&document_no=A-1&segment_no=SM1",
        "correspondence_type=email&delivery_status=sent",
        "q=ring",
        "q=",
        "q=one&q=two",  # the form reads the last value
        "group=mail&unknown=1",
    ],
)
def test_the_prepared_filters_filter_as_the_filter_set(codes, query):
    data = QueryDict(query)
    queryset = entries()

    prepared = prepared_filters(EntryFilterSet).filter(data=data, queryset=queryset)
    filterset = EntryFilterSet(data=data, queryset=queryset)

    assert filterset.is_valid(), filterset.errors
    assert _sql(prepared) == _sql(filterset.qs)


@pytest.mark.parametrize(
    "query",
    [
        "canceled=yes",
        "date_from=yesterday",
        "entry_no_to=0.5",
        "evaluation=great",
        "template=nothing",  # a code no row has: refused, never "no entries"
    ],
)
def test_an_invalid_value_leaves_the_answer_to_the_filter_set(query):
    prepared = prepared_filters(EntryFilterSet)

    assert prepared.filter(data=QueryDict(query), queryset=entries()) is None


def test_a_filter_set_whose_filters_read_the_request_is_not_prepared():
    """Its code filters choose from a queryset: built per request as before."""
    assert prepared_filters(ContactFilterSet) is None


def _sql(queryset) -> str:
    try:
        return str(queryset.query)
    except EmptyResultSet:  # a code that names no row: nothing matches
        return "nothing"


@pytest.mark.parametrize(
    ("code", "found"),
    [("mail", True), ("MAIL", True), ("m_il", False), ("%", False), ("ma\\", False)],
)
def test_a_code_filter_matches_its_key_ignoring_case_only(
    integrator_api, person, codes, code, found
):
    """The key's lookup (compiled once) treats LIKE wildcards as text."""
    entry = factories.make_entry(person, codes)

    response = integrator_api.get("/api/v1/interactions/", {"group": code})

    if found:
        assert response.status_code == 200
        listed = [row["entry_no"] for row in response.json()["results"]]
        assert listed == [entry.entry_no]
    else:  # the wildcard is text: no group has that code
        assert response.status_code == 422
        assert list(response.json()) == ["group"]
