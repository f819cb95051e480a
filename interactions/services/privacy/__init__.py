"""A person's data (issue #10 item 6): export everything we hold, and erase it.

:func:`export_contact_data` builds a ZIP of every *personal data section* for
one contact; :func:`erase_contact` pseudonymises the contact and scrubs the
free text that is about it while the figures stay, so statistics do not
change. Both write one audit event.

**The hook.** What a section holds is told by the module that owns it:
``register_personal_data(name, exporter=..., eraser=...)``. The exporter
returns the section's archive members (path → ``bytes`` written as is, or
JSON data written as ``<path>``); the eraser gets an :class:`ErasureScope`
and ``apply`` (``False``: only count what it would scrub, for the
confirmation page and dry runs) and returns its counts by label. This module
registers its own sections the same way (contact, entries, attachments,
segment lines, audit events, admin log, idempotency replies); another module
(the outbox's consent history, say) registers its section when its app is
imported, and both the export and the erasure pick it up.

**The ledger exception.** DOMAIN §3 lets only cancel/evaluation/comments/
delivery status change after creation; erasure is the one documented
exception (docs/operations.md, "A person's request"): it blanks the entries'
free text and comments and detaches their attachments, never their figures.
"""

from interactions.services.privacy import sections  # registers this app's sections
from interactions.services.privacy.erasure import (
    ErasureResult,
    describe_counts,
    erase_contact,
    erasure_counts,
    labelled_counts,
)
from interactions.services.privacy.export import archive_name, export_contact_data
from interactions.services.privacy.registry import (
    ERASE_PERMISSIONS,
    ERASE_REFUSED,
    EXPORT_PERMISSIONS,
    EXPORT_REFUSED,
    ErasureScope,
    may_erase_personal_data,
    may_export_personal_data,
    pseudonym,
    register_personal_data,
)

__all__ = [
    "archive_name",
    "ERASE_PERMISSIONS",
    "ERASE_REFUSED",
    "EXPORT_PERMISSIONS",
    "EXPORT_REFUSED",
    "ErasureResult",
    "ErasureScope",
    "describe_counts",
    "erase_contact",
    "erasure_counts",
    "export_contact_data",
    "labelled_counts",
    "may_erase_personal_data",
    "may_export_personal_data",
    "pseudonym",
    "register_personal_data",
    "sections",
]
