"""Helpers for rows that staff pages show: choice labels.

A page of rows built from ``values()`` shows labels, not codes; this does
the per-page work once (one ``gettext`` per label) so that each row costs a
dictionary look-up (URLs by key: :class:`interactions_crm.platform.links.UrlPattern`).
"""

from collections.abc import Iterable
from typing import Any


def choice_labels(choices: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    """Value → translated label of a field's choices (the empty value left out)."""
    return {str(value): str(label) for value, label in choices if value}
