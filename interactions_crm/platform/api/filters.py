"""Query-parameter filters that accept exactly what the OpenAPI schema says.

django-filter's defaults are lenient: a boolean filter reads ``maybe`` as "no
filter" (so ``?privacy_blocked=maybe`` returned every contact), a number filter
accepts ``0.5`` and ``1e3``. The filters here refuse such values with 400 and a
message under the parameter's name, so a typo never silently widens a result:

* :class:`StrictBooleanFilter` — ``true`` or ``false`` (empty: no filter, what
  the staff pages' "All" sends);
* :class:`StrictIntegerFilter` — digits only, within the column's range (the
  schema gives ``minimum``/``maximum``);
* ``key_filters.KeyFilter`` — a row of a small code table by its key; a key
  that does not exist is refused (422 in the API, a message on the staff
  pages), never an empty result.

Both are used by the filter sets the staff pages and the API share.
"""

import copy
import re
from functools import cache
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from django_filters import utils as filter_utils
from django_filters.constants import EMPTY_VALUES
from django_filters.filters import QuerySetRequestMixin
from django_filters.filterset import BaseFilterSet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers

from interactions_crm.platform.api.key_filters import names_a_key

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
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        kwargs = self.get_filterset_kwargs(request, queryset, view)
        prepared = prepared_filters(filterset_class)
        if prepared is not None:
            filtered = prepared.filter(**kwargs)
            if filtered is not None:
                return filtered
        # Not preparable, or a value is invalid: the filter set answers (and
        # words the error) itself.
        filterset = filterset_class(**kwargs)
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


# --- Filter sets prepared once per class (issue #12) ------------------------------

_NO_FILES: MultiValueDict[str, Any] = MultiValueDict()


class PreparedFilters:
    """A filter set's form fields and filters, built once and shared by requests.

    django-filter builds a filter set per request: it deep-copies every filter,
    makes a form class with a new field per filter and deep-copies those fields
    again into the form — for ``EntryFilterSet``'s 22 filters about 5 ms of a
    list request that reads one or two parameters. Here the fields are built
    once; a request cleans only the parameters it gives, with the same fields
    and widgets the form would use, and filters with a shallow copy of each
    filter bound to a filter set of its own (what ``FilterSet.__init__``
    sets, without the deep copy). The answer is the filter set's:

    * a parameter left out reads as the form reads it, and :func:`prepare`
      admits only filter sets where that value cleans to empty and filtering
      by it returns the queryset unchanged — as django-filter's filters do;
    * an invalid value returns ``None``: the caller builds the filter set,
      which words the errors exactly as before.
    """

    def __init__(
        self,
        filterset_class: type[BaseFilterSet],
        fields: list[tuple[str, forms.Field, Any]],
    ) -> None:
        self.filterset_class = filterset_class
        self.fields = fields
        self.filters = {name: filter_ for name, _field, filter_ in fields}

    def filter(
        self, *, data: Any, queryset: QuerySet[Any], request: Any = None
    ) -> QuerySet[Any] | None:
        """``queryset`` filtered by ``data``; ``None`` when a value is invalid."""
        given = []
        for name, field, _filter in self.fields:
            widget = field.widget
            if widget.value_omitted_from_data(data, _NO_FILES, name):
                continue
            try:
                value = field.clean(widget.value_from_datadict(data, _NO_FILES, name))
            except ValidationError:
                return None
            given.append((name, value))
        filtered = queryset.all()
        if not given:
            return filtered
        filterset = self._bound_filterset(
            data, queryset, request, [name for name, _value in given]
        )
        for name, value in given:
            filtered = filterset.filters[name].filter(filtered, value)
        return filtered

    def _bound_filterset(
        self, data: Any, queryset: QuerySet[Any], request: Any, names: list[str]
    ) -> BaseFilterSet:
        """A filter set as ``FilterSet.__init__`` makes it, without its deep copy.

        The filters of ``names`` (the given parameters) are shallow copies
        with the request's ``model`` and ``parent`` (whose methods a
        ``method=`` filter calls); the others, which do not filter, are the
        prepared ones, for a method that reads a sibling's settings.
        """
        filterset = object.__new__(self.filterset_class)
        filterset.is_bound = True
        filterset.data = data
        filterset.queryset = queryset
        filterset.request = request
        filterset.form_prefix = None
        filterset.filters = dict(self.filters)
        for name in names:
            filter_ = copy.copy(self.filters[name])
            filter_.model = queryset.model
            filter_.parent = filterset
            if filter_.method is not None:
                filter_.method = filter_.method  # a FilterMethod of this copy
            filterset.filters[name] = filter_
        return filterset


_BASE_METHODS = ("__init__", "filter_queryset", "get_form_class", "form", "qs")
_FORM_METHODS = ("full_clean", "_clean_fields", "_clean_form", "clean", "_post_clean")


@cache
def prepared_filters(
    filterset_class: type[BaseFilterSet],
) -> PreparedFilters | None:
    """The prepared filters of ``filterset_class``; ``None`` when it customises
    what :class:`PreparedFilters` does not reproduce (then it is built per
    request as usual)."""
    if any(
        getattr(filterset_class, name) is not getattr(BaseFilterSet, name)
        for name in _BASE_METHODS
    ):
        return None
    model = filterset_class._meta.model
    probe = model._default_manager.none()
    template = filterset_class(queryset=probe)
    form_class = template.get_form_class()
    if any(
        getattr(form_class, name) is not getattr(forms.Form, name)
        for name in _FORM_METHODS
    ):
        return None
    fields = []
    for name, filter_ in template.filters.items():
        field = form_class.base_fields[name]
        if (
            isinstance(filter_, QuerySetRequestMixin)  # may depend on the request
            or field.disabled
            or hasattr(form_class, f"clean_{name}")
        ):
            return None
        try:
            left_out = field.clean(
                field.widget.value_from_datadict(QueryDict(), _NO_FILES, name)
            )
        except ValidationError:
            return None
        if left_out not in EMPTY_VALUES or filter_.filter(probe, left_out) is not probe:
            return None
        fields.append((name, field, filter_))
    return PreparedFilters(filterset_class, fields)
