"""A second benchmark database, put in place of the default one per request.

The growth case (6) compares pages on the full log with the same pages on a
log of 10,000 entries. Both logs exist at once, each in its own PostgreSQL
database — the small one is ``<bench database>_small`` under the alias
:data:`SMALL` — so that the two sides can be timed in turns: a request to the
small log runs inside :func:`on_database`, which makes ``connections["default"]``
the small database's connection for that block and puts the main one back
after it. Everything that asks Django for the default connection follows:
``django.db.connection``, ``transaction.atomic()``, querysets (the router
answers ``default``) and the statements compiled once per alias
(:mod:`interactions_crm.platform.compiled`), which run on ``connections[alias]``.
"""

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

SMALL = "small"
SMALL_SUFFIX = "_small"


def small_database_url(url: str) -> str:
    """``url`` with ``_small`` after its database name."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + SMALL_SUFFIX))


def add_alias(alias: str, name: str) -> None:
    """Add the connection ``alias``: the default's settings with ``name``.

    At run time, in this process only (``settings.DATABASES`` is the dict
    Django's connection handler reads).
    """
    if settings.CRM_READ_REPLICA:
        # Reads would go to the replica alias, the main database's copy.
        raise RuntimeError("The benchmark's second database needs no read replica.")
    databases = connections.settings
    if alias in databases:
        raise RuntimeError(f"The database alias {alias!r} exists already.")
    entry = copy.deepcopy(databases[DEFAULT_DB_ALIAS])
    entry["NAME"] = name
    databases[alias] = entry


def remove_alias(alias: str) -> None:
    """Close ``alias``'s connection and forget the alias."""
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


@contextmanager
def on_database(alias: str) -> Iterator[None]:
    """Run the block with ``alias``'s connection as Django's default one.

    With ``alias="default"`` it does the same (no-op) steps, so both sides of
    a comparison pay for them alike. Open transactions stay with their own
    connection: an atomic block opened inside ends inside.
    """
    replaced = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = connections[alias]
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = replaced
