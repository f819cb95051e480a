"""Segments (DOMAIN §5, §6.2, §6.5): build contact lists, log them, manage them.

A segment is a worksheet: a header with the interaction settings shared by all
lines and one line per contact. The services are split by step:

* :mod:`.header` — create, change (and propagate to the lines), delete;
* :mod:`.criteria` — criteria actions (add, reduce, refine, one contact by
  hand, reuse a logged segment), recorded so :func:`go_back` undoes the last;
  saved criteria;
* :mod:`.lines` — the line values as SQL (DOMAIN §4.1 over contacts), the
  set-based inserts, personalising one line;
* :mod:`.logging` — :func:`log_segment`, all or nothing, and its background
  job;
* :mod:`.logged` — canceling, un-canceling and deleting logged segments.

Scale: everything proportional to the number of lines runs as set-based SQL,
so the number of statements does not depend on the number of lines. Every
name below stays importable from ``interactions.services.segments``.
"""

from interactions.models import (
    HEADER_FIELDS,
    HEADER_TO_LINE_FIELDS,
    LINE_FIELDS,
    LINE_TEMPLATE_FIELDS,
    TEMPLATE_HEADER_FIELDS,
)
from interactions.selectors.segments import (
    lines_on_header_template,
    logged_segments_with_counts,
)
from interactions.services.segments.criteria import (
    ADD_OPTIONS,
    add_contact_to_segment,
    add_contacts,
    go_back,
    reduce_contacts,
    refine_contacts,
    remove_contact_from_segment,
    reuse_logged_segment,
)
from interactions.services.segments.header import (
    SEGMENT_SERIES,
    create_segment,
    delete_segment,
    update_segment_header,
)
from interactions.services.segments.lines import (
    correspondence_override,
    update_segment_line,
)
from interactions.services.segments.logged import (
    cancel_logged_segments,
    delete_canceled_logged_segments,
    switch_canceled_logged_segments,
    uncancel_logged_segments,
)
from interactions.services.segments.logging import (
    NAMED_CONTACTS,
    log_segment,
    run_log_segment,
    start_log_segment_job,
)
from interactions.services.segments.saved_criteria import (
    delete_saved_criteria,
    reuse_criteria,
    save_criteria,
)
from interactions.services.sql import insert_from_select

# Former private name, used by tests of the line defaults.
_correspondence_override = correspondence_override

__all__ = [
    "ADD_OPTIONS",
    "HEADER_FIELDS",
    "HEADER_TO_LINE_FIELDS",
    "LINE_FIELDS",
    "LINE_TEMPLATE_FIELDS",
    "NAMED_CONTACTS",
    "SEGMENT_SERIES",
    "TEMPLATE_HEADER_FIELDS",
    "add_contact_to_segment",
    "add_contacts",
    "cancel_logged_segments",
    "correspondence_override",
    "create_segment",
    "delete_canceled_logged_segments",
    "delete_saved_criteria",
    "delete_segment",
    "go_back",
    "insert_from_select",
    "lines_on_header_template",
    "log_segment",
    "logged_segments_with_counts",
    "reduce_contacts",
    "refine_contacts",
    "remove_contact_from_segment",
    "reuse_criteria",
    "reuse_logged_segment",
    "run_log_segment",
    "save_criteria",
    "start_log_segment_job",
    "switch_canceled_logged_segments",
    "uncancel_logged_segments",
    "update_segment_header",
    "update_segment_line",
]
