"""The interactions app's models, by concept (DESIGN.md §2).

``choices`` (shared choices and number formats), ``masterdata`` (groups,
templates, content, campaigns, attachments, template setup), ``segments``
(segments, lines, criteria actions, saved criteria, logged segments),
``ledger`` (the interaction log and comments) and ``values`` (the one
registry of interaction values that entry, segment header and line share).
Everything is importable from ``interactions.models`` as before.
"""

from interactions.models.choices import (
    MINUTES,
    MONEY,
    DeliveryStatus,
    DocumentType,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    TemplatePurpose,
    WizardAction,
)
from interactions.models.figures import ContactFigures, FiguresScope
from interactions.models.ledger import (
    EntryComment,
    InteractionLogEntry,
    InteractionLogEntryQuerySet,
)
from interactions.models.masterdata import (
    Attachment,
    Campaign,
    DocumentTemplateSetup,
    InteractionGroup,
    InteractionTemplate,
    TemplateContent,
)
from interactions.models.outbox import (
    EmailOptOutEvent,
    OptOutMethod,
    OutboxMessage,
    OutboxStatus,
    Suppression,
    SuppressionReason,
)
from interactions.models.preferences import (
    DEFAULT_LOG_COLUMNS,
    LogColumn,
    LogViewPreference,
    SavedLogView,
)
from interactions.models.segments import (
    LoggedSegment,
    SavedCriteria,
    Segment,
    SegmentContent,
    SegmentCriteriaAction,
    SegmentLine,
)
from interactions.models.values import (
    CONTACT_DERIVED_FIELDS,
    ENTRY_FIELDS,
    ENTRY_TEMPLATE_FIELDS,
    HEADER_FIELDS,
    HEADER_TO_LINE_FIELDS,
    INTERACTION_VALUES,
    LINE_FIELDS,
    LINE_TEMPLATE_FIELDS,
    LINE_TO_ENTRY_FIELDS,
    TEMPLATE_DERIVED_FIELDS,
    TEMPLATE_FALLBACK_FIELDS,
    TEMPLATE_HEADER_FALLBACK_FIELDS,
    TEMPLATE_HEADER_FIELDS,
    InteractionValue,
)

__all__ = [
    "ContactFigures",
    "FiguresScope",
    "CONTACT_DERIVED_FIELDS",
    "ENTRY_FIELDS",
    "ENTRY_TEMPLATE_FIELDS",
    "HEADER_FIELDS",
    "HEADER_TO_LINE_FIELDS",
    "INTERACTION_VALUES",
    "LINE_FIELDS",
    "LINE_TEMPLATE_FIELDS",
    "LINE_TO_ENTRY_FIELDS",
    "TEMPLATE_DERIVED_FIELDS",
    "TEMPLATE_FALLBACK_FIELDS",
    "TEMPLATE_HEADER_FALLBACK_FIELDS",
    "TEMPLATE_HEADER_FIELDS",
    "MINUTES",
    "MONEY",
    "Attachment",
    "Campaign",
    "DeliveryStatus",
    "DocumentTemplateSetup",
    "DocumentType",
    "EntryComment",
    "Evaluation",
    "InteractionValue",
    "InformationFlow",
    "InitiatedBy",
    "InteractionGroup",
    "InteractionLogEntry",
    "InteractionLogEntryQuerySet",
    "InteractionTemplate",
    "LoggedSegment",
    "SavedCriteria",
    "Segment",
    "SegmentContent",
    "SegmentCriteriaAction",
    "SegmentLine",
    "TemplateContent",
    "WizardAction",
    "EmailOptOutEvent",
    "OptOutMethod",
    "OutboxMessage",
    "OutboxStatus",
    "Suppression",
    "SuppressionReason",
    "TemplatePurpose",
    "DEFAULT_LOG_COLUMNS",
    "LogColumn",
    "LogViewPreference",
    "SavedLogView",
]
