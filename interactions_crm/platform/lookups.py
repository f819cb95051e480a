"""Lookups instead of guesses: a typed value resolved to one row, or a message.

A record the user types (a contact, a template, a campaign, a salesperson) is
resolved by :func:`resolve`:

* its exact key (contact no., template code …, any case) → that row;
* else a name that matches exactly one row (the whole name, any case; else a
  part of it) → that row;
* several rows → ``ValidationError`` (code ``ambiguous``) naming up to
  :data:`CANDIDATES` of them and asking to choose;
* none → ``ValidationError`` (code ``not_found``).

Never a silent first match, never an empty result. :class:`LookupField` is the
form field that does this; :class:`LookupInput` its widget: a plain text input
(validated on the server without JavaScript) that ``static/js/lookup.js``
turns into a WAI-ARIA combobox fed by the JSON endpoint :func:`lookup_json`
answers (the first :data:`MAX_RESULTS` matches: key or name prefix first, then
the rest containing the text).

Each app describes its own rows with a :class:`LookupSource` (contacts in
``contacts.lookups``, templates and campaigns in ``interactions.web.lookups``);
this module imports neither app (the platform layer, DESIGN §2).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: How many rows a lookup endpoint answers with.
MAX_RESULTS = 20
#: How many candidates an "ambiguous" message names.
CANDIDATES = 5


@dataclass(frozen=True)
class LookupSource:
    """Where a lookup finds its rows and how it shows them.

    ``rows`` makes the queryset (called per lookup, so it is never cached);
    ``key`` is the business key (``no``, ``code``), ``name`` the field typed
    by name; ``detail`` an optional extra line (a contact's city) shown in
    the list and in an ambiguous message; ``url_name`` the JSON endpoint.
    """

    rows: Callable[[], QuerySet[Any]]
    key: str
    name: str
    url_name: str
    detail: Callable[[Any], str] | None = None

    def key_of(self, row: Model) -> str:
        return str(getattr(row, self.key))

    def name_of(self, row: Model) -> str:
        return str(getattr(row, self.name))

    def describe(self, row: Model) -> str:
        """``Name (KEY)`` — how a candidate is named in a message."""
        return f"{self.name_of(row)} ({self.key_of(row)})"


def matches(source: LookupSource, text: str, *, limit: int = MAX_RESULTS) -> list[Any]:
    """The first ``limit`` rows for ``text``: exact key, prefixes, then the rest.

    One query: rows whose key starts with the text or whose name contains it,
    ranked exact key → key or name prefix → name contains, then by name and key.
    """
    text = text.strip()
    rows = source.rows()
    if text:
        rows = rows.filter(
            Q(**{f"{source.key}__istartswith": text})
            | Q(**{f"{source.name}__icontains": text})
        ).annotate(
            lookup_rank=Case(
                When(**{f"{source.key}__iexact": text}, then=Value(0)),
                When(**{f"{source.key}__istartswith": text}, then=Value(1)),
                When(**{f"{source.name}__istartswith": text}, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        rows = rows.order_by("lookup_rank", source.name, source.key)
    else:
        rows = rows.order_by(source.name, source.key)
    return list(rows[:limit])


def resolve(
    source: LookupSource,
    text: str,
    *,
    ambiguous: "StrOrPromise",
    not_found: "StrOrPromise",
) -> Any:
    """The one row ``text`` names (see the module doc), else a ``ValidationError``.

    ``ambiguous`` is a message with ``%(value)s`` and ``%(candidates)s``;
    ``not_found`` one with ``%(value)s``.
    """
    text = text.strip()
    rows = source.rows()
    by_key = list(rows.filter(**{f"{source.key}__iexact": text})[:2])
    if len(by_key) == 1:
        return by_key[0]
    ordering = (source.name, source.key)
    candidates = list(
        rows.filter(**{f"{source.name}__iexact": text}).order_by(*ordering)[
            : CANDIDATES + 1
        ]
    )
    if not candidates:
        candidates = list(
            rows.filter(**{f"{source.name}__icontains": text}).order_by(*ordering)[
                : CANDIDATES + 1
            ]
        )
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise forms.ValidationError(not_found, code="not_found", params={"value": text})
    named = ", ".join(source.describe(row) for row in candidates[:CANDIDATES])
    if len(candidates) > CANDIDATES:
        named = str(format_lazy("{} {}", named, _("and more")))
    raise forms.ValidationError(
        ambiguous, code="ambiguous", params={"value": text, "candidates": named}
    )


class LookupInput(forms.TextInput):
    """A text input that ``lookup.js`` enhances into a combobox.

    Without JavaScript it is a plain text input; the server resolves what was
    typed. The list box it controls is rendered next to it, empty and hidden.
    """

    template_name = "platform/widgets/lookup.html"

    def __init__(self, url_name: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"autocomplete": "off", "spellcheck": "false", **(attrs or {})}
        )
        self.url_name = url_name

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-lookup-url": reverse(self.url_name),
                # What lookup.js announces in the status region.
                "data-lookup-count": gettext("%s suggestions; use the arrow keys."),
                "data-lookup-none": gettext("No matches."),
            }
        )
        return context


class LookupField(forms.CharField):
    """A row typed as its key or (part of) its name, resolved by :func:`resolve`.

    Cleans to the row, or with ``to_key=True`` to its key (for filters that
    compare keys). Subclasses set ``source`` and the ``ambiguous`` and
    ``not_found`` messages in ``default_error_messages``.
    """

    source: LookupSource
    default_error_messages = {
        "ambiguous": _(
            "“%(value)s” matches several: %(candidates)s. Choose one of them."
        ),
        "not_found": _("Nothing matches “%(value)s”."),
    }

    def __init__(
        self,
        *,
        to_key: bool = False,
        attrs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if "widget" in kwargs:
            raise TypeError(f"{type(self).__name__} has its own widget; pass attrs.")
        self.to_key = to_key
        kwargs.setdefault("max_length", 100)
        super().__init__(widget=LookupInput(self.source.url_name, attrs), **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Model):
            return self.source.key_of(value)
        if isinstance(value, int) and not isinstance(value, bool):
            # A model form's initial value of a foreign key is the row's pk
            # (what is typed or posted is always text).
            row = self.source.rows().filter(pk=value).first()
            return self.source.key_of(row) if row is not None else ""
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Changed when ``data`` names another row than ``initial`` (or none)."""
        before = str(self.prepare_value(initial) or "")
        text = str(data or "").strip()
        if not text:
            return bool(before)
        if text.casefold() == before.casefold():
            return False
        try:
            row = self.clean(text)
        except forms.ValidationError:
            return True
        after = row if self.to_key else self.source.key_of(row)
        return str(after) != before

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return "" if self.to_key else None
        row = resolve(
            self.source,
            text,
            ambiguous=self.error_messages["ambiguous"],
            not_found=self.error_messages["not_found"],
        )
        return self.source.key_of(row) if self.to_key else row


def instance_initial(form: forms.BaseForm, instance: Model) -> None:
    """A model form's lookups show ``instance``'s related rows, not their pks.

    ``model_to_dict`` gives a foreign key's pk; the row (cached by
    ``select_related`` when the caller loaded it) saves a query per field.
    """
    for name, field in form.fields.items():
        if isinstance(field, LookupField) and isinstance(form.initial.get(name), int):
            form.initial[name] = getattr(instance, name)


def lookup_json(request: HttpRequest, source: LookupSource) -> JsonResponse:
    """The endpoint's answer: ``{"results": [{"key", "name", "detail"}, …]}``."""
    text = request.GET.get("q", "")[:100]
    results = [
        {
            "key": source.key_of(row),
            "name": source.name_of(row),
            "detail": source.detail(row) if source.detail else "",
        }
        for row in matches(source, text)
    ]
    return JsonResponse({"results": results})
