"""Races: several connections writing at once (PostgreSQL only)."""

import pytest
from django.db import connection

#: The marks of a race test module: its own transactions, PostgreSQL only.
CONCURRENT_WRITERS = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers need PostgreSQL (SQLite serialises them)",
    ),
]
