"""Helpers for rows that staff pages show: choice labels and URLs by key.

A page of rows built from ``values()`` shows labels, not codes, and links
each row; these helpers do the per-page work once (one ``gettext`` per label,
one ``reverse()`` per URL name) so that each row costs a dictionary look-up
and a string operation.
"""

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS


def choice_labels(choices: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    """Value → translated label of a field's choices (the empty value left out)."""
    return {str(value): str(label) for value, label in choices if value}


class UrlPattern:
    """``reverse(name, kwargs={argument: key})`` for many keys, one ``reverse()``.

    The key is quoted as ``reverse`` quotes it.
    """

    _KEY = "0"

    def __init__(self, name: str, argument: str) -> None:
        url = reverse(name, kwargs={argument: self._KEY})
        self._before, _key, self._after = url.rpartition(f"/{self._KEY}/")

    def __call__(self, key: Any) -> str:
        quoted = quote(str(key), safe=RFC3986_SUBDELIMS + "/~:@")
        return f"{self._before}/{quoted}/{self._after}"
