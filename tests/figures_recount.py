"""The maintained contact figures (issue #12 item 3) checked against a recount.

Used by tests/figures and, after every test that used the database, by the
autouse check in tests/conftest.py: whatever flow a test runs, the figures it
leaves must equal a recount (a write path that forgets them fails there).

:func:`assert_figures_recounted` recounts every contact's figures in Python
over every entry (independently of the service's SQL) and compares them with
the stored rows and with ``contact_statistics`` of every contact.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from contacts.models import Contact
from interactions.models import ContactFigures, InitiatedBy, InteractionLogEntry
from interactions.selectors.statistics import contact_statistics


def _empty() -> dict[str, Any]:
    return {
        "count": 0,
        "cost": Decimal(0),
        "duration": Decimal(0),
        "last_interaction_date": None,
        "last_attempted_date": None,
    }


def _later(current, day):
    return day if current is None or day > current else current


def python_recount() -> dict[tuple[int, str], dict[str, Any]]:
    """Non-zero figures by (contact id, scope), from every entry in Python."""
    result: dict[tuple[int, str], dict[str, Any]] = defaultdict(_empty)
    for entry in InteractionLogEntry.objects.all():
        if entry.canceled or entry.postponed:
            continue
        keys = [(entry.contact_id, "contact")]
        if entry.contact_company_id is not None:
            keys.append((entry.contact_company_id, "company"))
        for key in keys:
            row = result[key]
            row["count"] += 1
            row["cost"] += entry.cost
            row["duration"] += entry.duration
            if not entry.attempt_failed:
                row["last_interaction_date"] = _later(
                    row["last_interaction_date"], entry.date
                )
            if entry.initiated_by == InitiatedBy.US:
                row["last_attempted_date"] = _later(
                    row["last_attempted_date"], entry.date
                )
    return dict(result)


def stored() -> dict[tuple[int, str], dict[str, Any]]:
    rows = {}
    names = list(_empty())
    for contact_id, scope, *values in ContactFigures.objects.values_list(
        "contact_id", "scope", *names
    ):
        figures = dict(zip(names, values, strict=True))
        if figures != _empty():
            rows[(contact_id, scope)] = figures
    return rows


def assert_figures_recounted() -> dict[tuple[int, str], dict[str, Any]]:
    """The maintained figures equal a full recount, for every contact."""
    expected = python_recount()
    assert stored() == expected
    for contact in Contact.objects.all():
        scope = "company" if contact.is_company else "contact"
        assert contact_statistics(contact) == expected.get(
            (contact.pk, scope), _empty()
        ), contact.no
    return expected


def refigure(entries: Any) -> None:
    """Recount the figures of the contacts ``entries`` (a queryset) name.

    For test set-ups that write entries directly (a state the services reach
    by a longer way): the figures then stay what the services would leave.
    """
    from interactions.services import figures

    figures.recount(figures.affected_by(entries))
