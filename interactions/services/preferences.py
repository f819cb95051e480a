"""A user's log page preferences: chosen columns and saved views (issue #13).

Each belongs to the user who made it; only that user changes or deletes it.
Column keys are :class:`~interactions.models.LogColumn` values and sort keys
those of :data:`interactions.selectors.log_page.PAGE_SORTS`; anything else is
refused with a message naming it, nothing written.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from interactions.models import LogColumn, LogViewPreference, SavedLogView
from interactions.selectors.log_page import PAGE_SORTS
from interactions_crm.platform.actors import Actor, user_or_none
from interactions_crm.platform.audit import record_audit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Query parameters a saved view does not keep: paging, and its own keys.
_NOT_FILTERS = {"cursor", "sort", "view"}


def _signed_in(actor: Actor, field: str) -> "User":
    user = user_or_none(actor)
    if user is None:
        raise ValidationError({field: [_("Only a signed-in user has log views.")]})
    return user


def _clean_columns(columns: Sequence[str]) -> list[str]:
    """``columns`` without repeats, in the order given; unknown keys refused."""
    known = set(LogColumn.values)
    unknown = [key for key in columns if key not in known]
    if unknown:
        raise ValidationError(
            {
                "columns": [
                    _("Unknown column: %(columns)s.") % {"columns": ", ".join(unknown)}
                ]
            }
        )
    cleaned = list(dict.fromkeys(columns))
    if not cleaned:
        raise ValidationError({"columns": [_("Choose at least one column.")]})
    return cleaned


def choose_log_columns(*, actor: Actor, columns: Sequence[str]) -> LogViewPreference:
    """Remember the log columns ``actor`` shows from now on."""
    user = _signed_in(actor, "columns")
    cleaned = _clean_columns(columns)
    with transaction.atomic():
        preference, _created = LogViewPreference.objects.update_or_create(
            user=user, defaults={"columns": cleaned}
        )
        record_audit(
            actor=actor,
            action="log.choose_columns",
            obj=preference,
            changes={"columns": cleaned},
        )
    return preference


def filter_query(query: str) -> str:
    """The filters of a log query string: empty values, paging and sort left out."""
    pairs = [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=False)
        if name not in _NOT_FILTERS
    ]
    return urlencode(pairs)


def save_log_view(
    *,
    actor: Actor,
    name: str,
    query: str,
    columns: Sequence[str],
    sort: str = "",
) -> SavedLogView:
    """Save the page's filters (a query string), columns and sort under ``name``.

    A name the user already has is refused (delete the old view first).
    """
    user = _signed_in(actor, "name")
    errors: dict[str, list[str]] = {}
    try:
        cleaned = _clean_columns(columns)
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned = []
    if sort and sort not in PAGE_SORTS:
        errors["sort"] = [_("Unknown sort order: %(sort)s.") % {"sort": sort}]
    if errors:
        raise ValidationError(errors)
    view = SavedLogView(
        user=user,
        name=name.strip(),
        query=filter_query(query),
        columns=cleaned,
        sort=sort,
    )
    view.full_clean()
    with transaction.atomic():
        try:
            with transaction.atomic():
                view.save()
        except IntegrityError:
            # Saved under the same name by another tab since full_clean() ran.
            raise ValidationError(
                {"name": [_("You already have a view with this name.")]}
            ) from None
        record_audit(
            actor=actor,
            action="log.save_view",
            obj=view,
            changes={"name": view.name, "query": view.query, "sort": view.sort},
        )
    return view


def delete_log_view(*, actor: Actor, view: SavedLogView) -> None:
    """Delete one of ``actor``'s saved views; another user's is refused."""
    user = _signed_in(actor, "view")
    if view.user_id != user.pk:
        raise ValidationError({"view": [_("This saved view is not yours.")]})
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="log.delete_view",
            obj=view,
            changes={"name": view.name},
        )
        view.delete()
