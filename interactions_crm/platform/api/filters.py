"""Query-parameter filters that accept exactly what the OpenAPI schema says.

django-filter's defaults are lenient: a boolean filter reads ``maybe`` as "no
filter" (so ``?privacy_blocked=maybe`` returned every contact), a number filter
accepts ``0.5`` and ``1e3``. The filters here refuse such values with 400 and a
message under the parameter's name, so a typo never silently widens a result:

* :class:`StrictBooleanFilter` — ``true`` or ``false`` (empty: no filter, what
  the staff pages' "All" sends);
* :class:`StrictIntegerFilter` — digits only, within the column's range (the
  schema gives ``minimum``/``maximum``);
* :class:`KeyFilter` — a row of a small code table by its key; a key that
  does not exist is refused (422 in the API, a message on the staff pages),
  never an empty result.

Both are used by the filter sets the staff pages and the API share.
"""

import re
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import utils as filter_utils
from django_filters.constants import EMPTY_VALUES
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers

# The range of the database's integer column (PostgreSQL ``integer``).
INT_MAX = 2_147_483_647
SCHEMA_RANGE = {"minimum": 0, "maximum": INT_MAX}
_INTEGER = re.compile(r"^-?\d+$")


class YesNoAllSelect(forms.Select):
    """ "All" / "Yes" / "No" sending ``""`` / ``true`` / ``false`` unchanged.

    Unlike django-filter's ``BooleanWidget`` it does not turn an unknown value
    into "no filter": the field sees the raw text and can refuse it.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs, choices=(("", _("All")), ("true", _("Yes")), ("false", _("No")))
        )

    def format_value(self, value: Any) -> list[str]:
        if value is True or value is False:
            return ["true" if value else "false"]
        return super().format_value(value)


class StrictBooleanField(forms.Field):
    """``true`` → True, ``false`` → False, empty → None; anything else refused."""

    widget = YesNoAllSelect
    default_error_messages = {
        "invalid": _("Enter true or false."),
    }

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return bool(value == "true")
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value: Any) -> None:
        """Empty is allowed: it means "no filter"."""


class StrictIntegerField(forms.IntegerField):
    """A whole number written as digits (no ``0.5``, ``1.0``, ``1e3``)."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.strip()
            if value and not _INTEGER.match(value):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        result: int | None = super().to_python(value)
        return result


# django-filter ships no type stubs.
class StrictBooleanFilter(django_filters.BooleanFilter):  # type: ignore[misc]
    """A boolean filter refusing anything but ``true``/``false`` (400)."""

    field_class = StrictBooleanField


class StrictIntegerFilter(django_filters.NumberFilter):  # type: ignore[misc]
    """A filter on a key or number column: 0 … :data:`INT_MAX`, digits only.

    The schema gives the range (:data:`SCHEMA_RANGE`, added by the API's
    ``CrmAutoSchema``).
    """

    field_class = StrictIntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=0, max_value=INT_MAX, **kwargs)


# django-filter ships no type stubs.
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
        return list(
            self.table._default_manager.filter(
                **{f"{self.key}__iexact": text}
            ).values_list("pk", flat=True)
        )

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

    field_class = KeyField

    @property
    def field(self) -> KeyField:
        if not hasattr(self, "_field"):
            relation, key = self.field_name.split("__")
            table = self.model._meta.get_field(relation).related_model
            self._field = KeyField(table=table, key=key, label=self.label, **self.extra)
        return self._field  # type: ignore[no-any-return]

    def filter(self, qs: Any, value: Any) -> Any:
        if value in EMPTY_VALUES:
            return qs
        ids = value if isinstance(value, list) else self.field.ids(str(value))
        relation = self.field_name.split("__")[0]
        return qs.filter(**{f"{relation}__in": ids})


def names_a_key(filter_: Any) -> bool:
    """Whether ``filter_`` names a row by its key (an unknown one is 422)."""
    return isinstance(filter_, django_filters.ModelChoiceFilter | KeyFilter)


class StrictFilterBackend(DjangoFilterBackend):  # type: ignore[misc]
    """The API's filter backend: a filter given empty is refused, not ignored.

    On the staff pages an empty value means "All" (the form sends every
    field); in the API a parameter is left out to not filter, and ``?canceled=``
    or ``?delivery_status=`` is not a value the schema allows (not a boolean,
    not in the enum). Only text filters (``q``, ``city`` …) accept ``""``.
    """

    def get_filterset_kwargs(
        self, request: Any, queryset: Any, view: Any
    ) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_filterset_kwargs(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        filters = getattr(filterset_class, "base_filters", {})
        blank = {
            name: [_("Leave the parameter out to not filter by it.")]
            for name, filter_ in filters.items()
            if request.query_params.get(name) == ""
            and type(filter_) is not django_filters.CharFilter
        }
        if blank:
            raise serializers.ValidationError(blank)
        return kwargs

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        """Filter, refusing invalid values; a code that does not exist is 422.

        A code filter (``?mailing_group=XMAS``) names a row by its key. The
        schema served at /api/v1/schema/ enumerates today's keys, but a row
        can be deleted after a client read it, and large tables are not
        enumerated: like a key in a body that does not exist, an unknown code
        is 422 naming the parameter. Every other invalid value stays 400.
        """
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            error = filter_utils.translate_validation(filterset.errors)
            unknown_keys = all(
                names_a_key(filterset.filters.get(name))
                and {str(code) for code in codes} == {"invalid_choice"}
                for name, codes in error.get_codes().items()
            )
            if unknown_keys:
                raise serializers.ValidationError(
                    {
                        name: [str(m) for m in messages]
                        for name, messages in error.detail.items()
                    },
                    code="does_not_exist",
                )
            raise error
        return filterset.qs
