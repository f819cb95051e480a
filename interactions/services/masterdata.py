"""Writes to interaction master data: templates, groups, campaigns, salespeople.

The admin's ``save_model``/``delete_model`` and the API's ``perform_*`` hooks
call these, so that deletion rules (DOMAIN §8) and the audit of template and
setup changes (§9) hold on every path.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contacts.models import Contact, Salesperson
from contacts.services import next_number
from interactions.models import (
    Campaign,
    DocumentTemplateSetup,
    InteractionGroup,
    InteractionTemplate,
)
from interactions.services.setup import set_document_template
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.changes import field_values

CAMPAIGN_SERIES = "CAMPAIGN"

# Master model -> (business key field, reverse relation to its entries).
ENTRY_REFERENCES: dict[type[models.Model], tuple[str, str]] = {
    InteractionTemplate: ("code", "entries"),
    InteractionGroup: ("code", "entries"),
    Campaign: ("no", "interaction_entries"),
    Salesperson: ("code", "interaction_entries"),
}


def _label(instance: models.Model) -> dict[str, str]:
    reference = ENTRY_REFERENCES.get(type(instance))
    return {
        "model": str(instance._meta.verbose_name),
        "key": getattr(instance, reference[0]) if reference else str(instance),
    }


def _protected_message(
    instance: models.Model, exc: ProtectedError | RestrictedError
) -> str:
    """Name what still uses ``instance`` (other than entries), with counts."""
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
        **_label(instance),
        "used_by": used_by,
    }


def delete_master_record(*, actor: Actor, instance: models.Model) -> None:
    """Delete a master-data record (template, group, code table row …).

    Refused while interaction log entries refer to it, with a message naming
    how many (DOMAIN §8, an improvement over NAV), or while other records
    (templates of a group, segments, the template setup …) still use it.
    """
    if isinstance(instance, Contact):
        raise TypeError("Contacts are deleted by contacts.services.delete_contact")
    reference = ENTRY_REFERENCES.get(type(instance))
    with transaction.atomic():
        entries = getattr(instance, reference[1]).count() if reference else 0
        if entries:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: [
                        ngettext(
                            "Cannot delete %(model)s %(key)s: %(count)d interaction "
                            "log entry refers to it.",
                            "Cannot delete %(model)s %(key)s: %(count)d interaction "
                            "log entries refer to it.",
                            entries,
                        )
                        % {**_label(instance), "count": entries}
                    ]
                }
            )
        record_audit(
            actor=actor,
            action=f"{instance._meta.model_name}.delete",
            obj=instance,
            changes=field_values(instance),
        )
        try:
            instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise ValidationError(
                {NON_FIELD_ERRORS: [_protected_message(instance, exc)]}
            ) from exc


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
    if isinstance(instance, DocumentTemplateSetup):
        # The setup has its own service (content rule, old → new audit).
        return set_document_template(
            actor=actor,
            document_type=instance.document_type,
            template=instance.template,
        )
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


def create_campaign(*, actor: Actor, **fields: Any) -> Campaign:
    """Create a campaign; its number comes from the CAMPAIGN series unless given."""
    with transaction.atomic():
        if not fields.get("no"):
            fields["no"] = next_number(series_code=CAMPAIGN_SERIES)
        campaign = Campaign(**fields)
        campaign.full_clean()
        campaign.save()
        record_audit(
            actor=actor,
            action="campaign.create",
            obj=campaign,
            changes=field_values(campaign),
        )
    return campaign
