"""Signals of the contacts app.

``contact_changed`` is how contact changes reach the audit log (DOMAIN §9)
without the contacts app importing the interactions app, which owns
``AuditEvent`` (the dependency runs interactions → contacts, DESIGN.md §2).
``InteractionsConfig.ready()`` connects the receiver that writes the event.
The signal is sent inside the service's transaction, so the audit event commits
or rolls back with the change.

Arguments: ``actor`` (user or None), ``action`` (audit action, e.g.
``"contact.update"``), ``contact`` (the instance, still with its pk when
deleted), ``changes`` (plain JSON dict of what changed).
"""

from django.dispatch import Signal

contact_changed = Signal()
