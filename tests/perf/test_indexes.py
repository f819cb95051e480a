"""The entries table's indexes after issue #12 (both databases).

Seven single-column foreign-key indexes were dropped because a composite index
leads with the same column; this pins that each such column is still the first
column of an index, and that the dropped ones stay dropped.
"""

import pytest
from django.db import connection

from interactions.models import InteractionLogEntry

pytestmark = pytest.mark.django_db

TABLE = InteractionLogEntry._meta.db_table
SERVED_BY = {
    "contact_id": "entry_contact_date_idx",
    "contact_company_id": "entry_company_date_idx",
    "template_id": "entry_template_idx",
    "group_id": "entry_group_idx",
    "salesperson_id": "entry_salesperson_idx",
    "campaign_id": "entry_campaign_idx",
    "logged_segment_id": "entry_logged_segment_idx",
}


def indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    return {
        name: info["columns"]
        for name, info in constraints.items()
        if info["index"] and not info["primary_key"]
    }


@pytest.mark.parametrize(("column", "composite"), SERVED_BY.items())
def test_each_foreign_key_leads_exactly_one_index(column, composite):
    leading = [name for name, columns in indexes().items() if columns[:1] == [column]]

    # The composite one, and for contact / company the card's figures index.
    assert composite in leading
    singles = [name for name in leading if indexes()[name] == [column]]
    assert singles in ([], [composite])


def test_the_user_and_attachment_keys_keep_their_indexes():
    leading = {columns[0] for columns in indexes().values()}

    assert {"logged_by_id", "canceled_by_id", "attachment_id"} <= leading


def test_the_card_figures_have_covering_indexes():
    found = indexes()

    for name, first in (
        ("entry_contact_figures_idx", "contact_id"),
        ("entry_company_figures_idx", "contact_company_id"),
    ):
        assert found[name][0] == first
        assert {"date", "entry_no", "cost", "duration"} <= set(found[name])
