"""Evaluate interactions (DOMAIN §6.3, NAV §9.3)."""

import pytest
from django.core.exceptions import ValidationError

from interactions.models import Evaluation, InteractionLogEntry
from interactions.services import evaluate_entries
from interactions_crm.platform.models import AuditEvent
from tests.factories import make_entry
from tests.interactions.ledger_support import make_entries

pytestmark = pytest.mark.django_db


def evaluations(entries) -> list[str]:
    return list(
        InteractionLogEntry.objects.filter(pk__in=[e.pk for e in entries])
        .order_by("entry_no")
        .values_list("evaluation", flat=True)
    )


def test_evaluate_sets_every_selected_entry_including_canceled(staff_user):
    active = make_entry()
    canceled = make_entry(canceled=True)

    count = evaluate_entries(
        actor=staff_user, entries=[active, canceled], evaluation=Evaluation.POSITIVE
    )

    assert count == 2
    assert evaluations([active, canceled]) == ["positive", "positive"]
    event = AuditEvent.objects.get(action="entry.evaluate")
    assert (event.count, event.changes["evaluation"]) == (2, "positive")


def test_evaluate_overwrites_an_earlier_evaluation(staff_user):
    entry = make_entry(evaluation=Evaluation.NEGATIVE)

    evaluate_entries(
        actor=staff_user, entries=[entry], evaluation=Evaluation.VERY_POSITIVE
    )

    assert evaluations([entry]) == ["very_positive"]


def test_evaluate_skips_postponed_entries(staff_user):
    postponed = make_entry(postpone=True)

    assert (
        evaluate_entries(
            actor=staff_user, entries=[postponed], evaluation=Evaluation.NEUTRAL
        )
        == 0
    )
    assert evaluations([postponed]) == [""]
    assert not AuditEvent.objects.filter(action="entry.evaluate").exists()


@pytest.mark.parametrize("value", ["", "great", "POSITIVE"])
def test_evaluate_refuses_values_outside_the_five_choices(staff_user, value):
    entry = make_entry()

    with pytest.raises(ValidationError) as exc:
        evaluate_entries(actor=staff_user, entries=[entry], evaluation=value)

    assert "evaluation" in exc.value.message_dict
    assert evaluations([entry]) == [""]


def test_evaluate_is_one_update_for_a_queryset(staff_user, django_assert_num_queries):
    make_entries(4)
    # SAVEPOINT, lock the rows, entry numbers for the audit event, UPDATE,
    # audit INSERT, RELEASE.
    with django_assert_num_queries(6):
        evaluate_entries(
            actor=staff_user,
            entries=InteractionLogEntry.objects.all(),
            evaluation=Evaluation.NEGATIVE,
        )
    assert set(InteractionLogEntry.objects.values_list("evaluation", flat=True)) == {
        "negative"
    }
