"""Every state change of the interactions app goes through these functions.

Views, the API, the admin, management commands and tasks call them; none of
them writes domain rows directly (DESIGN.md §3). The implementation is split
by concept — ``defaults`` (DOMAIN §4.1), ``creation``, ``postponed``,
``documents``, ``comments``, ``ledger`` (cancel, evaluate),
``delete_canceled``, ``delivery``, ``masterdata``, ``setup``, ``jobs`` and the
``segments`` package; import from ``interactions.services``.
"""

from interactions.services.comments import add_comment
from interactions.services.creation import create_interaction
from interactions.services.defaults import (
    interaction_defaults,
    render_content,
    select_content,
)
from interactions.services.delete_canceled import (
    CanceledEntryFilter,
    canceled_entries_matching,
    delete_canceled_entries,
    deleted_message,
    resume_delete_canceled_job,
    start_delete_canceled_job,
)
from interactions.services.delivery import deliver_entries, resend_entries
from interactions.services.documents import (
    RecordResult,
    record_cover_sheet,
    record_document,
    record_email_sent,
    record_phone_call,
)
from interactions.services.ledger import (
    cancel_entries,
    evaluate_entries,
    switch_canceled,
    uncancel_entries,
)
from interactions.services.masterdata import (
    create_campaign,
    delete_master_record,
    save_master_record,
)
from interactions.services.merge import MERGE_FIELDS
from interactions.services.postponed import (
    delete_postponed_entries,
    resume_interaction,
)
from interactions.services.preferences import (
    choose_log_columns,
    delete_log_view,
    save_log_view,
)
from interactions.services.privacy import (
    ErasureResult,
    erase_contact,
    erasure_counts,
    export_contact_data,
    register_personal_data,
)
from interactions.services.segments import (
    add_contact_to_segment,
    add_contacts,
    cancel_logged_segments,
    create_segment,
    delete_canceled_logged_segments,
    delete_saved_criteria,
    delete_segment,
    go_back,
    lines_on_header_template,
    log_segment,
    logged_segments_with_counts,
    reduce_contacts,
    refine_contacts,
    remove_contact_from_segment,
    reuse_criteria,
    reuse_logged_segment,
    save_criteria,
    start_log_segment_job,
    switch_canceled_logged_segments,
    uncancel_logged_segments,
    update_segment_header,
    update_segment_line,
)
from interactions.services.setup import document_setup_rows, set_document_template
from interactions_crm.platform.audit import record_audit

__all__ = [
    "CanceledEntryFilter",
    "MERGE_FIELDS",
    "RecordResult",
    "add_comment",
    "cancel_entries",
    "canceled_entries_matching",
    "create_campaign",
    "create_interaction",
    "delete_canceled_entries",
    "delete_master_record",
    "delete_postponed_entries",
    "deleted_message",
    "deliver_entries",
    "document_setup_rows",
    "evaluate_entries",
    "interaction_defaults",
    "record_audit",
    "record_cover_sheet",
    "record_document",
    "record_email_sent",
    "record_phone_call",
    "render_content",
    "resend_entries",
    "resume_delete_canceled_job",
    "resume_interaction",
    "save_master_record",
    "select_content",
    "set_document_template",
    "start_delete_canceled_job",
    "switch_canceled",
    "uncancel_entries",
]

# Segments (DOMAIN §5, §6.5).
__all__ += [
    "add_contact_to_segment",
    "add_contacts",
    "cancel_logged_segments",
    "create_segment",
    "delete_canceled_logged_segments",
    "delete_saved_criteria",
    "delete_segment",
    "go_back",
    "lines_on_header_template",
    "log_segment",
    "start_log_segment_job",
    "logged_segments_with_counts",
    "reduce_contacts",
    "refine_contacts",
    "remove_contact_from_segment",
    "reuse_criteria",
    "reuse_logged_segment",
    "save_criteria",
    "switch_canceled_logged_segments",
    "uncancel_logged_segments",
    "update_segment_header",
    "update_segment_line",
]

# A person's data (issue #10 item 6).
__all__ += [
    "ErasureResult",
    "erase_contact",
    "erasure_counts",
    "export_contact_data",
    "register_personal_data",
]

# The log page's columns and saved views (issue #13 item 1).
__all__ += ["choose_log_columns", "delete_log_view", "save_log_view"]
