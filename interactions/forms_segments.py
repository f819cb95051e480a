"""Old import path of the segment pages' forms; they live in
:mod:`interactions.web.segments.forms` and :mod:`interactions.web.logged_segments`.

Every form keeps its name and stays importable from here.
"""

from interactions.web.logged_segments import LoggedSegmentBulkForm
from interactions.web.segments.forms import (
    CLASSIFICATION_CRITERIA,
    CODE_CRITERIA,
    CREATE_FIELDS,
    CRITERIA_OPTIONS,
    HEADER_FORM_FIELDS,
    AddContactForm,
    CriteriaForm,
    LoggedSegmentField,
    LogSegmentForm,
    ReuseCriteriaForm,
    ReuseLoggedSegmentForm,
    SaveCriteriaForm,
    SegmentHeaderForm,
    SegmentLineForm,
)

__all__ = [
    "CLASSIFICATION_CRITERIA",
    "CODE_CRITERIA",
    "CREATE_FIELDS",
    "CRITERIA_OPTIONS",
    "HEADER_FORM_FIELDS",
    "AddContactForm",
    "CriteriaForm",
    "LogSegmentForm",
    "LoggedSegmentBulkForm",
    "LoggedSegmentField",
    "ReuseCriteriaForm",
    "ReuseLoggedSegmentForm",
    "SaveCriteriaForm",
    "SegmentHeaderForm",
    "SegmentLineForm",
]
