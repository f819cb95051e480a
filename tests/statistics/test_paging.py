"""Statistics lists are keyset lists (issue #9 rule 6): a page of rows, then
the next one from its cursor, each row with its own figures; a tampered
cursor shows the first page rather than an error.
"""

import pytest
from django.urls import reverse

from interactions.web.statistics import views

pytestmark = pytest.mark.django_db

KEYS = {
    "campaign": ["CA", "CB"],
    "template": ["TA", "TB"],
    "group": ["GA", "GB"],
    "salesperson": ["SA", "SB"],
}


@pytest.mark.parametrize("kind", KEYS)
def test_a_list_pages_by_cursor(client, staff_user, log, kind, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(staff_user)
    url = reverse(f"interactions:{kind}-list")
    keys, figures, cursor, pages = [], {}, None, 0
    while True:
        response = client.get(url, {"cursor": cursor} if cursor else {})
        assert response.status_code == 200
        rows = response.context["rows"]
        assert len(rows) == 1
        keys += [row["key"] for row in rows]
        figures |= {row["key"]: row["figures"].interaction_count for row in rows}
        pages += 1
        page = response.context["page"]
        if not page.has_next:
            break
        cursor = page.next_cursor
    # Every row once, in key order, each with its own figures.
    assert keys == sorted(set(keys)) and pages == len(keys) >= 2
    assert set(KEYS[kind]) <= set(keys)
    assert (figures[KEYS[kind][0]], figures[KEYS[kind][1]]) == (3, 1)
    tampered = client.get(url, {"cursor": "not-a-cursor"})
    assert tampered.status_code == 200
    assert [row["key"] for row in tampered.context["rows"]] == keys[:1]
