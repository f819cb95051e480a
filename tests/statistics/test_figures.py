"""Each figure of DOMAIN §7 leaves out canceled and postponed entries.

The ``log`` fixture gives master "A" of every kind a canceled and a postponed
entry whose cost, duration and contacts would change every figure; so each
test below fails if either is counted — in the selector, the API, the staff
page and admin alike.
"""

import pytest

from interactions.selectors.statistics import annotate_statistics, statistics_of
from tests.statistics.conftest import ALL, FEB, FROM_FEB

pytestmark = pytest.mark.django_db

KINDS = ["template", "group", "salesperson", "campaign"]
FIGURES = ["count", "cost", "duration"]
CAMPAIGN_FIGURES = ["target_contacts_contacted", "contacts_responded"]
CASES = [(kind, figure) for kind in KINDS for figure in FIGURES] + [
    ("campaign", figure) for figure in CAMPAIGN_FIGURES
]
ANNOTATION = {
    "count": "interaction_count",
    "cost": "interaction_cost",
    "duration": "interaction_duration",
}


@pytest.mark.parametrize(("kind", "figure"), CASES)
def test_figure_of_one_row_leaves_out_canceled_and_postponed(log, kind, figure):
    obj = getattr(log.A, kind)
    assert statistics_of(obj)[figure] == ALL[figure]
    assert statistics_of(obj, date_from=FEB)[figure] == FROM_FEB[figure]


@pytest.mark.parametrize(("kind", "figure"), CASES)
def test_figure_of_a_list_leaves_out_canceled_and_postponed(log, kind, figure):
    obj = getattr(log.A, kind)
    rows = annotate_statistics(type(obj).objects.all(), date_from=FEB)
    row = rows.get(pk=obj.pk)
    assert getattr(row, ANNOTATION.get(figure, figure)) == FROM_FEB[figure]


def test_campaign_counts_a_company_and_its_person_as_two_contacts(log):
    # The company's own target entry and its person's response are two
    # contacts; the other person's January target a third target contact.
    figures = statistics_of(log.A.campaign)
    assert figures["target_contacts_contacted"] == 2
    assert figures["contacts_responded"] == 1
