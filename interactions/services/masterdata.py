"""Writes to interaction master data: templates, groups, campaigns, salespeople.

The admin's ``save_model``/``delete_model`` and the API's ``perform_*`` hooks
call these, so that deletion rules (DOMAIN §8) and the audit of template and
setup changes (§9) hold on every path.
"""

from typing import Any

from django.db import models, transaction

from contacts import services as contacts_services
from contacts.models import Contact
from contacts.services import next_number
from interactions.models import (
    Campaign,
    DocumentTemplateSetup,
    InteractionGroup,
    InteractionTemplate,
)
from interactions.services.setup import set_document_template
from interactions_crm.platform import masterdata as platform_masterdata
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit
from interactions_crm.platform.changes import field_values

CAMPAIGN_SERIES = "CAMPAIGN"

#: Master data entries refer to (DOMAIN §8): contacts' own (salespeople) and
#: this app's tables — model -> (business key, reverse relation to entries).
ENTRY_REFERENCES: dict[type[models.Model], tuple[str, str]] = {
    **contacts_services.ENTRY_REFERENCES,
    InteractionTemplate: ("code", "entries"),
    InteractionGroup: ("code", "entries"),
    Campaign: ("no", "interaction_entries"),
}


def delete_master_record(*, actor: Actor, instance: models.Model) -> None:
    """Delete a master-data record (template, group, code table row …).

    Refused while interaction log entries refer to it, with a message naming
    how many (DOMAIN §8, an improvement over NAV), or while other records
    (templates of a group, segments, the template setup …) still use it.
    """
    if isinstance(instance, Contact):
        raise TypeError("Contacts are deleted by contacts.services.delete_contact")
    platform_masterdata.delete_master_record(
        actor=actor,
        instance=instance,
        in_use=contacts_services.entries_refusal(instance, ENTRY_REFERENCES),
        key=contacts_services.master_key(instance, ENTRY_REFERENCES),
    )


def save_master_record(
    *,
    actor: Actor,
    instance: models.Model,
    created: bool,
    changed_fields: list[str],
) -> models.Model:
    """Validate and save a master-data row and write its audit event (§9).

    The template setup has its own service (content rule, old → new audit).
    """
    if isinstance(instance, DocumentTemplateSetup):
        return set_document_template(
            actor=actor,
            document_type=instance.document_type,
            template=instance.template,
        )
    return platform_masterdata.save_master_record(
        actor=actor,
        instance=instance,
        created=created,
        changed_fields=changed_fields,
    )


#: How this app's admin pages and API endpoints write master data.
MASTER_DATA_WRITES = platform_masterdata.MasterDataWrites(
    save=save_master_record, delete=delete_master_record
)


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
