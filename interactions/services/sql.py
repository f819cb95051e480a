"""SQL building blocks the services share: typed constants and INSERT … SELECT.

Used where work proportional to the number of rows must stay one statement
(segment lines from contacts, log entries from segment lines).
"""

from typing import Any

from django.db import connection, models
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import BaseExpression


def concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """``model``'s concrete field ``name`` (a column, not a reverse relation)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return field


def _column(field: models.Field[Any, Any]) -> str:
    if field.column is None:
        raise TypeError(f"{field} has no database column")
    return field.column


def typed_value(value: Any, field: models.Field[Any, Any]) -> Value:
    """A constant typed like ``field`` (so SQL gets a properly adapted literal)."""
    return Value(value, output_field=field)


def with_model_defaults(
    model: type[models.Model], columns: dict[str, Any]
) -> dict[str, Any]:
    """``columns`` plus every other column of ``model`` at its model default.

    So an insert that spells out only the values its rule derives keeps
    working when a field with a default is added to the model.
    """
    filled = dict(columns)
    for field in model._meta.concrete_fields:
        if not field.primary_key and field.name not in filled:
            filled[field.name] = field.get_default()
    return filled


def insert_from_select(
    model: type[models.Model], columns: dict[str, Any], queryset: QuerySet[Any]
) -> int:
    """``INSERT INTO model (columns) SELECT …`` — one statement, no Python rows.

    ``columns`` maps field names of ``model`` to expressions evaluated on
    ``queryset``'s rows (plain values become typed constants). The SELECT is
    compiled by the ORM, so it is portable between SQLite and PostgreSQL; it
    selects only these annotations, in the order given, which is the order of
    the target columns. Returns the number of rows inserted.
    """
    fields = [concrete_field(model, name) for name in columns]
    aliases = {}
    for index, (field, expression) in enumerate(
        zip(fields, columns.values(), strict=True)
    ):
        if not isinstance(expression, BaseExpression | F):
            expression = typed_value(expression, field)
        aliases[f"ins_{index}"] = expression
    select = queryset.annotate(**aliases).values_list(*aliases)
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    target = ", ".join(quote(_column(field)) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({target}) {sql}", params
        )
        inserted: int = cursor.rowcount
    return inserted
