"""Signal receivers connected in ``InteractionsConfig.ready()``."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from contacts.models import Contact
from interactions.services.audit import record_audit


def audit_contact_change(
    sender: type,
    *,
    actor: AbstractBaseUser | None,
    action: str,
    contact: Contact,
    changes: dict[str, Any],
    **kwargs: Any,
) -> None:
    """Write the audit event for a change made by ``contacts.services`` (§9).

    The contacts app cannot import ``AuditEvent`` (dependencies run
    interactions → contacts), so it sends ``contact_changed`` inside its
    transaction and this receiver records the event in that same transaction.
    """
    record_audit(
        actor=actor,
        action=action,
        obj=contact,
        changes={"no": contact.no, **changes},
    )
