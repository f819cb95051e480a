"""An entry's dependents go with it in the database too (migration 0016).

On PostgreSQL the foreign keys of comments and outbox messages cascade, so a
deleted entry costs one lookup per dependent table at the end of the
statement instead of two deferred checks at commit (issue #12). Django's
``AlterField`` of either field would recreate the constraint without the
cascade: these tests notice.
"""

import pytest
from django.db import connection

from interactions.models import EntryComment, InteractionLogEntry, OutboxMessage
from interactions.services import add_comment
from tests.interactions.ledger_support import make_entries

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the cascade is PostgreSQL's"
)


def constraint(model) -> tuple[str, bool, bool]:
    """(delete action, deferrable, initially deferred) of ``model.entry``'s key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.confdeltype, c.condeferrable, c.condeferred "
            "FROM pg_constraint c JOIN pg_attribute a "
            "ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
            "WHERE c.contype = 'f' AND c.conrelid = %s::regclass "
            "AND c.confrelid = %s::regclass AND a.attname = 'entry_id'",
            [model._meta.db_table, InteractionLogEntry._meta.db_table],
        )
        return cursor.fetchone()


@needs_postgresql
@pytest.mark.parametrize("model", [EntryComment, OutboxMessage])
def test_the_entry_key_cascades_and_stays_deferred(model):
    # 'c' = ON DELETE CASCADE ('a', Django's own, is NO ACTION).
    assert constraint(model) == ("c", True, True)


@needs_postgresql
def test_an_entry_deleted_in_sql_takes_its_comments_with_it(staff_user):
    entry, kept = make_entries(2, canceled=True)
    add_comment(entry=entry, actor=staff_user, text="Called back")
    add_comment(entry=kept, actor=staff_user, text="Left a message")

    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {InteractionLogEntry._meta.db_table} WHERE entry_no = %s",
            [entry.pk],
        )

    assert list(EntryComment.objects.values_list("entry_id", flat=True)) == [kept.pk]
