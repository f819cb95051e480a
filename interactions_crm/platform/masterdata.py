"""Writing master data (code tables, templates, salespeople …), the generic part.

Both apps have master data. Saving one is the same everywhere: validate, save,
audit what changed (DOMAIN §9). Deleting one is refused while something still
uses it (DOMAIN §8): the app that owns a table says what "in use" means (for
instance "interaction log entries refer to this salesperson") by passing
``in_use``; rows protected by foreign keys are refused with a message naming
what still uses them. Each app composes its own :class:`MasterDataWrites` from
these, and the admin (``platform.admin.MasterDataAdmin``) and API
(``platform.api.masterdata.MasterDataViewSet``) write through it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _

from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.changes import field_values


class SaveRecord(Protocol):
    """Validate and save a master-data row, and audit the change."""

    def __call__(
        self,
        *,
        actor: Actor,
        instance: models.Model,
        created: bool,
        changed_fields: list[str],
    ) -> models.Model: ...


class DeleteRecord(Protocol):
    """Delete a master-data row; ``ValidationError`` while it is in use."""

    def __call__(self, *, actor: Actor, instance: models.Model) -> None: ...


@dataclass(frozen=True)
class MasterDataWrites:
    """The service functions a master-data admin page or endpoint writes through."""

    save: SaveRecord
    delete: DeleteRecord


def save_master_record(
    *,
    actor: Actor,
    instance: models.Model,
    created: bool,
    changed_fields: list[str],
) -> models.Model:
    """Validate and save a master-data row and write its audit event (§9).

    ``changed_fields`` names what the user changed (the admin's
    ``form.changed_data``); the event stores their new values, or all values
    when the row is created. Nothing is audited when nothing changed.
    """
    instance.full_clean()
    with transaction.atomic():
        instance.save()
        if created or changed_fields:
            record_audit(
                actor=actor,
                action=f"{instance._meta.model_name}."
                f"{'create' if created else 'change'}",
                obj=instance,
                changes=field_values(instance, None if created else changed_fields),
            )
    return instance


def _protected_message(
    instance: models.Model, key: str, exc: ProtectedError | RestrictedError
) -> str:
    """Name what still uses ``instance``, with counts."""
    counts: dict[type[models.Model], int] = {}
    objects = (
        exc.protected_objects
        if isinstance(exc, ProtectedError)
        else exc.restricted_objects
    )
    for obj in objects:
        counts[type(obj)] = counts.get(type(obj), 0) + 1
    used_by = ", ".join(
        f"{count} "
        f"{model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in sorted(counts.items(), key=lambda item: item[0].__name__)
    )
    return _("Cannot delete %(model)s %(key)s: it is still used by %(used_by)s.") % {
        "model": instance._meta.verbose_name,
        "key": key,
        "used_by": used_by,
    }


def delete_master_record(
    *,
    actor: Actor,
    instance: models.Model,
    in_use: Callable[[], str | None] | None = None,
    key: str = "",
) -> None:
    """Delete a master-data row unless it is in use (DOMAIN §8).

    ``in_use`` (run inside the transaction) returns the refusal message when
    the owning app's rule says the row is still used; rows that foreign keys
    protect are refused with a message naming what uses them and the row by
    ``key`` (its business key; ``str(instance)`` when not given).
    """
    with transaction.atomic():
        refusal = in_use() if in_use is not None else None
        if refusal:
            raise ValidationError({NON_FIELD_ERRORS: [refusal]})
        record_audit(
            actor=actor,
            action=f"{instance._meta.model_name}.delete",
            obj=instance,
            changes=field_values(instance),
        )
        try:
            instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            message = _protected_message(instance, key or str(instance), exc)
            raise ValidationError({NON_FIELD_ERRORS: [message]}) from exc
