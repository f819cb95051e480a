"""Statements compiled once, a key put in per use (issue #12).

A page that runs the same query for every record — the contact card's
contact, its persons, its classification, its first timeline page — spends
more Python on Django resolving and compiling the queryset (1–3 ms each) than
PostgreSQL spends running it. :class:`CompiledQuery` compiles the queryset
once, built around a *stand-in* key no row has, remembers where the stand-in
sits among the statement's parameters, and runs the statement with the real
key put there. Rows come back as Django gives them: with the columns'
converters applied, as ``values()`` dicts, or as model instances with their
``select_related`` relations filled in (:meth:`CompiledQuery.instances`, the
same steps as Django's ``ModelIterable``).

Only for querysets whose SQL depends on nothing but the key: no ``now()``, no
language, no user. ``tests/perf/test_compiled_once.py`` compares each use with
the ORM query it replaces.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler

#: An integer key no row has.
STAND_IN_ID = -7_390_451_263
#: A text key no row has (a business key holds no control characters).
STAND_IN_TEXT = "\x1fcompiled-once stand-in\x1f"


@dataclass(frozen=True)
class CompiledQuery:
    """A queryset's statement and where its key goes (:meth:`compile`)."""

    sql: str
    params: tuple[Any, ...]
    key_at: tuple[int, ...]
    alias: str
    compiler: SQLCompiler
    converters: dict[int, tuple[list[Any], Any]]
    names: tuple[str, ...]
    fetch_mode: Any

    @classmethod
    def compile(
        cls, queryset: QuerySet[Any], stand_in: Any, *, places: int = 1
    ) -> "CompiledQuery":
        """Compile ``queryset``, filtered by ``stand_in`` in ``places`` places."""
        alias = queryset.db
        query = queryset.query
        compiler = query.get_compiler(alias)
        sql, params = compiler.as_sql()
        key_at = tuple(i for i, param in enumerate(params) if param == stand_in)
        if len(key_at) != places:
            raise ImproperlyConfigured(
                f"The stand-in key is {len(key_at)} of the statement's parameters, "
                f"not {places}: {sql}"
            )
        converters = compiler.get_converters(
            [column for column, _, _ in compiler.select]
        )
        # The names values() gives the columns (Django's ValuesIterable).
        names = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        return cls(
            sql=sql,
            params=tuple(params),
            key_at=key_at,
            alias=alias,
            compiler=compiler,
            converters=converters,
            names=tuple(names),
            fetch_mode=getattr(queryset, "_fetch_mode", None),
        )

    def rows(self, key: Any) -> list[Any]:
        """The statement's rows for ``key``, its columns converted."""
        params = list(self.params)
        for index in self.key_at:
            params[index] = key
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows: list[Any] = cursor.fetchall()
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        return rows

    def values(self, key: Any) -> list[dict[str, Any]]:
        """The rows for ``key`` as ``values()`` gives them."""
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.rows(key)]

    def instances(self, key: Any) -> list[Model]:
        """The rows for ``key`` as model instances, ``select_related`` filled in."""
        klass_info = self.compiler.klass_info
        select = self.compiler.select
        if klass_info is None:
            raise ImproperlyConfigured("instances() needs a queryset of models.")
        model = klass_info["model"]
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(
            klass_info, select, self.alias, self.fetch_mode
        )
        instances = []
        for row in self.rows(key):
            instance = model.from_db(
                self.alias, init_list, row[start:end], fetch_mode=self.fetch_mode
            )
            for populator in populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances
