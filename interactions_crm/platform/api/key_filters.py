"""Code filters: a row of a small code table named by its key.

:class:`KeyFilter` (``?group=BG1``) filters by the row's id, looked up while
the filter set is validated: an unknown key is refused (422 in the API —
:func:`names_a_key` — and a message on the staff pages), never an empty
result. The lookup's statement is compiled once per table and database.
"""

from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES


class KeyLookup(NamedTuple):
    """The statement of ``pk``s ``WHERE key ILIKE value`` and its parameters."""

    sql: str
    params: Callable[[str], list[Any]]


_PROBE = "Probe%_\\"  # with what a LIKE pattern must escape


@cache
def _key_lookup(table: type[Model], key: str, alias: str) -> KeyLookup | None:
    """Django's statement of ``table``'s keys by ``key__iexact``, compiled once.

    A value becomes its parameter as ``iexact`` makes it
    (``prep_for_iexact_query``); checked against Django's own parameter for a
    value with LIKE wildcards. ``None`` (the ORM then runs the query) when the
    check fails or the keys would need converting.
    """
    query = (
        table._default_manager.using(alias)
        .filter(**{f"{key}__iexact": _PROBE})
        .values_list("pk", flat=True)
        .query
    )
    compiler = query.get_compiler(alias)
    sql, params = compiler.as_sql()
    ops = connections[alias].ops

    def params_of(value: str) -> list[Any]:
        return [ops.prep_for_iexact_query(value)]

    pk = table._meta.pk
    assert pk is not None
    if list(params) != params_of(_PROBE) or compiler.get_converters(
        [pk.get_col(table._meta.db_table)]
    ):
        return None
    return KeyLookup(sql, params_of)


class KeyField(forms.CharField):
    """The ids of the code-table rows a key names (case-insensitive).

    Empty: no filter. A key no row has is refused with ``invalid_choice``
    (the code of ``ModelChoiceField``'s refusal): a typo or a deleted code
    never reads as "no entries".
    """

    default_error_messages = {
        "invalid_choice": _("There is no %(model)s “%(value)s”."),
    }

    def __init__(self, *, table: Any, key: str, **kwargs: Any) -> None:
        self.table, self.key = table, key
        super().__init__(**kwargs)

    def ids(self, text: str) -> list[Any]:
        """The ``pk``s of the rows whose key is ``text`` (case-insensitive)."""
        alias = router.db_for_read(self.table)
        lookup = _key_lookup(self.table, self.key, alias)
        if lookup is None:
            rows = self.table._default_manager.using(alias).filter(
                **{f"{self.key}__iexact": text}
            )
            return list(rows.values_list("pk", flat=True))
        with connections[alias].cursor() as cursor:
            cursor.execute(lookup.sql, lookup.params(text))
            return [pk for (pk,) in cursor.fetchall()]

    def clean(self, value: Any) -> list[Any] | None:
        text = super().clean(value)
        if text in self.empty_values:
            return None
        ids = self.ids(text)
        if not ids:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"model": self.table._meta.verbose_name, "value": text},
            )
        return ids


class KeyFilter(django_filters.CharFilter):  # type: ignore[misc]
    """A row of a small code table by its key (``field_name="group__code"``).

    The key is looked up in its table while the filter set is validated (one
    tiny query) and the rows are filtered by the foreign key's value. With a
    constant, PostgreSQL plans from the column's statistics — a group holding
    a quarter of the log walks the date index and stops after one page —
    where a join makes it guess the share and sort every row of the group
    (issue #12: ~1 s at 1M entries). A form may put its own field in place
    (the staff pages' lookups, which clean to the key they checked): the key
    is then looked up here.
    """

    @property
    def field(self) -> KeyField:
        if not hasattr(self, "_field"):
            relation, key = self.field_name.split("__")
            table = self.model._meta.get_field(relation).related_model
            self._field = KeyField(table=table, key=key, label=self.label, **self.extra)
        return self._field

    def filter(self, qs: Any, value: Any) -> Any:
        if value in EMPTY_VALUES:
            return qs
        ids = value if isinstance(value, list) else self.field.ids(str(value))
        relation = self.field_name.split("__")[0]
        return qs.filter(**{f"{relation}__in": ids})


def names_a_key(filter_: Any) -> bool:
    """Whether ``filter_`` names a row by its key (an unknown one is 422)."""
    return isinstance(filter_, django_filters.ModelChoiceFilter | KeyFilter)
