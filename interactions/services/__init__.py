"""Every state change of the interactions app goes through these functions.

Views, the API, the admin, management commands and tasks call them; none of
them writes domain rows directly (DESIGN.md §3). The implementation is split
into modules by subject; import from ``interactions.services``.
"""

from interactions.services.audit import record_audit
from interactions.services.entries import (
    RecordResult,
    add_comment,
    create_interaction,
    delete_postponed_entries,
    interaction_defaults,
    record_document,
    render_content,
    resume_interaction,
)
from interactions.services.ledger import (
    CanceledEntryFilter,
    cancel_entries,
    delete_canceled_entries,
    evaluate_entries,
    switch_canceled,
    uncancel_entries,
)

__all__ = [
    "CanceledEntryFilter",
    "RecordResult",
    "add_comment",
    "cancel_entries",
    "create_interaction",
    "delete_canceled_entries",
    "delete_postponed_entries",
    "evaluate_entries",
    "interaction_defaults",
    "record_audit",
    "record_document",
    "render_content",
    "resume_interaction",
    "switch_canceled",
    "uncancel_entries",
]
