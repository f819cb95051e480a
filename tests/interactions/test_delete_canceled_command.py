"""``manage.py delete_canceled_interactions`` (DESIGN §4.4)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from interactions.models import InteractionLogEntry
from interactions_crm.platform.models import AuditEvent
from tests import factories
from tests.factories import make_entry
from tests.interactions.ledger_support import make_entries

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("delete_canceled_interactions", *args, stdout=out)
    return out.getvalue()


def remaining() -> set[int]:
    return set(InteractionLogEntry.objects.values_list("pk", flat=True))


def test_deletes_only_canceled_entries_with_progress_and_result(settings):
    settings.CRM_DELETE_BATCH_SIZE = 2
    make_entries(3, canceled=True)
    active = make_entry()

    output = run("--no-input")

    assert output.splitlines() == [
        "3 canceled interaction log entries match the filters.",
        "Deleted 2 of 3 …",
        "Deleted 3 of 3 …",
        "3 interaction log entries have been deleted.",
    ]
    assert remaining() == {active.pk}
    assert AuditEvent.objects.get(action="entry.delete_canceled").count == 3


def test_dry_run_only_counts():
    entries = make_entries(2, canceled=True)

    output = run("--dry-run")

    assert output == "2 canceled interaction log entries match the filters.\n"
    assert remaining() == {e.pk for e in entries}
    assert not AuditEvent.objects.filter(action="entry.delete_canceled").exists()


def test_filters_by_business_keys():
    salesperson = factories.SalespersonFactory(code="JO")
    campaign = factories.CampaignFactory(no="CP-7")
    template = factories.TemplateFactory(code="LETTER", group__code="POST")
    company = factories.CompanyFactory(no="CT000100")
    match = make_entry(
        company,
        template,
        salesperson=salesperson,
        campaign=campaign,
        date=dt.date(2026, 2, 10),
        canceled=True,
    )
    other = make_entry(date=dt.date(2026, 2, 10), canceled=True)

    output = run(
        "--no-input",
        f"--from-entry={match.pk}",
        f"--to-entry={match.pk}",
        "--contact=CT000100",
        "--date-from=2026-02-01",
        "--date-to=2026-02-28",
        "--campaign=CP-7",
        "--group=POST",
        "--template=LETTER",
        "--salesperson=JO",
    )

    assert "1 interaction log entry has been deleted." in output
    assert remaining() == {other.pk}
    event = AuditEvent.objects.get(action="entry.delete_canceled")
    assert event.changes["filters"]["template"] == "LETTER"


def test_unknown_codes_are_a_clear_error_and_nothing_is_written():
    make_entry(canceled=True)

    with pytest.raises(CommandError) as exc:
        run("--no-input", "--template=NOPE", "--contact=CT999")

    message = str(exc.value)
    assert "template: Interaction template “NOPE” does not exist." in message
    assert "contact: Contact “CT999” does not exist." in message
    assert len(remaining()) == 1


def test_reversed_range_is_an_error():
    with pytest.raises(CommandError, match="entry_no_to"):
        run("--no-input", "--from-entry=9", "--to-entry=2")


def test_bad_date_is_an_argument_error():
    with pytest.raises(CommandError, match="not a date"):
        run("--date-from=01.02.2026")


def test_asks_for_confirmation_and_stops_unless_yes(monkeypatch):
    entries = make_entries(2, canceled=True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Nothing was deleted"):
        run()
    assert remaining() == {e.pk for e in entries}

    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert "2 interaction log entries have been deleted." in run()
    assert remaining() == set()


def test_nothing_to_delete_asks_nothing(monkeypatch):
    make_entry()

    def refuse(prompt: str) -> str:
        raise AssertionError("asked for confirmation")

    monkeypatch.setattr("builtins.input", refuse)
    assert run() == "0 canceled interaction log entries match the filters.\n"
