"""Old import path of the staff forms; they live in :mod:`interactions.web`.

Every staff form keeps its name and stays importable from here.
"""

from interactions.web.delete_canceled import DeleteCanceledForm
from interactions.web.entries.forms import BulkActionForm, CancelForm, CommentForm
from interactions.web.fields import (
    DATE_INPUT,
    MINUTES_FIELD,
    MONEY_FIELD,
    TIME_INPUT,
    ContactField,
    blank_as_dash,
    code_choice,
    find_contact,
)
from interactions.web.postponed import PostponedDeleteForm
from interactions.web.wizard.forms import (
    MAX_IMPORT_BYTES,
    ContactStepForm,
    ContentStepForm,
    RelatedStepForm,
    ResultStepForm,
    initial_from_raw,
    to_raw,
)

__all__ = [
    "DATE_INPUT",
    "MAX_IMPORT_BYTES",
    "MINUTES_FIELD",
    "MONEY_FIELD",
    "TIME_INPUT",
    "BulkActionForm",
    "CancelForm",
    "CommentForm",
    "ContactField",
    "ContactStepForm",
    "ContentStepForm",
    "DeleteCanceledForm",
    "PostponedDeleteForm",
    "RelatedStepForm",
    "ResultStepForm",
    "blank_as_dash",
    "code_choice",
    "find_contact",
    "initial_from_raw",
    "to_raw",
]
