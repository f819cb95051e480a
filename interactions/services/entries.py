"""The former home of the entry services, kept as an import path.

The services it held now live by concept: :mod:`~interactions.services.defaults`
(DOMAIN §4.1), :mod:`~interactions.services.creation` (the one write path),
:mod:`~interactions.services.postponed`, :mod:`~interactions.services.documents`
and :mod:`~interactions.services.comments`. Import from
``interactions.services`` or from those modules; the names below stay
importable from here for existing callers.
"""

from interactions.services.comments import add_comment
from interactions.services.creation import create_interaction
from interactions.services.defaults import (
    actor_salesperson,
    default_correspondence_type,
    default_language,
    interaction_defaults,
    render_content,
    round_up_to_minute,
    select_content,
    usable_salesperson,
)
from interactions.services.documents import (
    RecordResult,
    document_template,
    record_cover_sheet,
    record_document,
    record_email_sent,
    record_phone_call,
    template_may_record_documents,
)
from interactions.services.postponed import (
    delete_postponed_entries,
    resume_interaction,
)

# Former private names, used by the segment services before the split.
_actor_salesperson = actor_salesperson
_usable = usable_salesperson

__all__ = [
    "RecordResult",
    "add_comment",
    "create_interaction",
    "default_correspondence_type",
    "default_language",
    "delete_postponed_entries",
    "document_template",
    "interaction_defaults",
    "record_cover_sheet",
    "record_document",
    "record_email_sent",
    "record_phone_call",
    "render_content",
    "resume_interaction",
    "round_up_to_minute",
    "select_content",
    "template_may_record_documents",
]
