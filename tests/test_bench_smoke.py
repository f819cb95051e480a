"""The benchmark harness (``make bench``) runs: a tiny dataset and its report.

The timings themselves are never asserted (DESIGN §8: budgets are measured by
``make bench``, not by timed tests). What CI proves here is that the dataset
builder makes exactly the rows the cases rely on, that the segment it builds
can be logged, and that budgets are judged and reported correctly.
"""

import copy

import pytest
from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from bench.databases import add_alias, on_database, remove_alias, small_database_url
from bench.dataset import DatasetSpec, build_dataset, contact_no
from bench.harness import (
    END_MARKER,
    START_MARKER,
    Check,
    sample_round_robin,
    write_report,
)
from contacts.models import Contact
from interactions.models import EntryComment, InteractionLogEntry, Segment
from interactions.services import log_segment

TINY = DatasetSpec.sized(contacts=20, entries=200)


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "The benchmark dataset is built with PostgreSQL SQL (generate_series, "
            "arrays); run with DATABASE_URL=postgresql://… (CI does)."
        )


@pytest.mark.postgres
def test_tiny_dataset_has_the_rows_the_cases_rely_on(postgres):
    data = build_dataset(TINY)

    assert (data.contacts, data.entries) == (20, 200)
    assert data.canceled == 100  # every odd entry number
    assert data.comments == 4  # two in a hundred
    assert data.heavy_contact_no == contact_no(TINY.heavy_contact_id)
    assert data.heavy_entries == TINY.heavy_entries == 50
    assert data.probe_entries == TINY.probe_entries == 20
    assert data.company_entries >= data.heavy_entries  # the company roll-up
    assert data.segment_lines == 20  # a line for every contact
    assert 0 < data.filter_matches < data.entries
    entries = InteractionLogEntry.objects.all()
    assert not entries.filter(postponed=True).exists()
    # Entry numbers rise with the date: the keyset ordering has ties to break.
    newest = list(entries.order_by("-date", "-entry_no").values_list("entry_no"))
    assert newest == sorted(newest, reverse=True)


@pytest.mark.postgres
def test_generated_rows_point_at_existing_rows(postgres):
    """The builder skips the foreign-key checks, so it must get them right."""
    build_dataset(TINY)

    for model in (Contact, InteractionLogEntry, EntryComment):
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            targets = field.related_model._base_manager.values("pk")
            orphans = model.objects.exclude(**{f"{field.attname}__isnull": True})
            orphans = orphans.exclude(**{f"{field.attname}__in": targets})
            assert not orphans.exists(), f"{model.__name__}.{field.name}"


@pytest.mark.postgres
def test_rebuilding_replaces_the_dataset(postgres):
    build_dataset(TINY)

    data = build_dataset(DatasetSpec.sized(contacts=30, entries=150))

    assert (data.contacts, data.entries, data.canceled) == (30, 150, 75)
    assert Segment.objects.count() == 1


@pytest.mark.postgres
def test_bench_segment_can_be_logged(postgres, admin_user):
    data = build_dataset(TINY)
    segment = Segment.objects.get(no=data.segment_no)

    logged = log_segment(segment=segment, actor=admin_user)

    assert logged.entries.count() == data.segment_lines


def test_small_database_is_named_after_the_bench_database():
    assert (
        small_database_url("postgresql://postgres@127.0.0.1:5432/crm_bench?x=1")
        == "postgresql://postgres@127.0.0.1:5432/crm_bench_small?x=1"
    )


def test_small_alias_is_the_default_database_under_another_name():
    add_alias("second", "crm_bench_other")
    try:
        added = connections.settings["second"]
        default = connections.settings[DEFAULT_DB_ALIAS]
        assert added == {**default, "NAME": "crm_bench_other"}
        assert added is not default and added["OPTIONS"] is not default["OPTIONS"]
    finally:
        remove_alias("second")
    assert "second" not in connections.settings


@pytest.mark.postgres
def test_requests_on_the_small_database_use_its_connection(postgres):
    """Case 6 times the small log with its database in place of the default.

    The second connection here goes to the test database too, but outside
    the test's transaction: it does not see the row the default connection
    wrote, so what runs in the block — querysets, ``connection``,
    ``transaction.atomic()`` — provably went through it, and the main
    connection is back after the block. (Made directly rather than by
    :func:`add_alias`: a test may only open connections of aliases it names.)
    """
    main = connections[DEFAULT_DB_ALIAS]
    second = type(main)(copy.deepcopy(main.settings_dict), "second")
    connections["second"] = second
    User.objects.create(username="only-on-the-main-connection")
    try:
        with on_database("second"):
            assert connection.alias == "second"
            assert not User.objects.filter(username="only-on-the-main-connection")
            with transaction.atomic():
                assert second.in_atomic_block
                blocks = len(main.atomic_blocks)
            assert not second.in_atomic_block
        assert len(main.atomic_blocks) == blocks  # the test's own, untouched
        assert connections[DEFAULT_DB_ALIAS] is main
        assert connection.alias == DEFAULT_DB_ALIAS
        assert User.objects.filter(username="only-on-the-main-connection").exists()
    finally:
        second.close()
        del connections["second"]


def test_ratio_budget_is_judged_against_the_baseline():
    within = Check(
        "c", "x", value=15, unit="ms", kind="max_ratio", limit=1.5, baseline=10
    )
    over = Check(
        "c", "x", value=16, unit="ms", kind="max_ratio", limit=1.5, baseline=10
    )
    faster = Check(
        "c", "x", value=10, unit="ms", kind="min_ratio", limit=10, baseline=100
    )

    assert within.passed and within.ratio == 1.5
    assert not over.passed
    assert faster.passed and faster.ratio == 10


def test_rounds_run_every_call_once_in_orders_of_their_own():
    """No call always follows the same neighbour; the orders repeat run to run."""

    def recorded() -> list[str]:
        calls, log = {}, []
        for name in "abcd":
            calls[name] = lambda name=name: log.append(name)
        results = sample_round_robin(calls, runs=30, warmup=1)
        assert all(len(wall) == 30 == len(cpu) for wall, cpu in results.values())
        return log

    log = recorded()
    rounds = [tuple(log[i : i + 4]) for i in range(4, len(log), 4)]  # after warm-up
    assert all(sorted(order) == list("abcd") for order in rounds)
    assert len(set(rounds)) > 5
    followers = {rnd[rnd.index("a") + 1] for rnd in rounds if rnd[-1] != "a"}
    assert len(followers) == 3
    assert recorded() == log


def test_absolute_and_equality_budgets():
    assert Check("c", "x", value=30, unit="ms", kind="max_value", limit=30).passed
    assert not Check("c", "x", value=31, unit="ms", kind="max_value", limit=30).passed
    assert Check(
        "c", "q", value=9, unit="queries", kind="equal", limit=0, baseline=9
    ).passed
    assert not Check(
        "c", "q", value=10, unit="queries", kind="equal", limit=0, baseline=9
    ).passed


def test_report_replaces_only_the_generated_section(tmp_path):
    report = tmp_path / "benchmarks.md"
    report.write_text(
        f"# Benchmarks\n\nMethod.\n\n{START_MARKER}\nold\n{END_MARKER}\n\nAfter.\n"
    )

    write_report(report, f"{START_MARKER}\nnew\n{END_MARKER}")

    assert report.read_text() == (
        f"# Benchmarks\n\nMethod.\n\n{START_MARKER}\nnew\n{END_MARKER}\n\nAfter.\n"
    )
