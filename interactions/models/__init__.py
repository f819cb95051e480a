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
    WizardAction,
)
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
from interactions.models.segments import (
    LoggedSegment,
    SavedCriteria,
    Segment,
    SegmentCriteriaAction,
    SegmentLine,
)

__all__ = [
    "MINUTES",
    "MONEY",
    "Attachment",
    "Campaign",
    "DeliveryStatus",
    "DocumentTemplateSetup",
    "DocumentType",
    "EntryComment",
    "Evaluation",
    "InformationFlow",
    "InitiatedBy",
    "InteractionGroup",
    "InteractionLogEntry",
    "InteractionLogEntryQuerySet",
    "InteractionTemplate",
    "LoggedSegment",
    "SavedCriteria",
    "Segment",
    "SegmentCriteriaAction",
    "SegmentLine",
    "TemplateContent",
    "WizardAction",
]
