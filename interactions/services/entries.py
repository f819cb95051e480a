"""Creating interactions: defaults, validation, postponing, recording documents.

CONTRACT STUB — to be implemented. Signatures are the agreed interface.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile

from contacts.models import Contact, Salesperson
from interactions.models import (
    Campaign,
    EntryComment,
    InteractionLogEntry,
    InteractionTemplate,
)


def interaction_defaults(
    *,
    contact: Contact,
    template: InteractionTemplate,
    actor: AbstractBaseUser | None = None,
    salesperson: Salesperson | None = None,
    campaign: Campaign | None = None,
    correspondence_type: str | None = None,
    send: bool = False,
) -> dict[str, Any]:
    """DOMAIN §4.1: the values a new entry gets from contact, template and context."""
    raise NotImplementedError


def render_content(
    *,
    template: InteractionTemplate,
    contact: Contact,
    language: str,
    salesperson=None,
    date: dt.date | None = None,
) -> tuple[str, str]:
    """Merge the template content (subject, body) with plain values only."""
    raise NotImplementedError


def create_interaction(
    *,
    actor: AbstractBaseUser | None,
    contact: Contact,
    template: InteractionTemplate,
    date: dt.date | None = None,
    time: dt.time | None = None,
    description: str = "",
    subject: str | None = None,
    salesperson: Salesperson | None = None,
    campaign: Campaign | None = None,
    campaign_target: bool | None = None,
    campaign_response: bool | None = None,
    cost: Decimal | None = None,
    duration: Decimal | None = None,
    information_flow: str | None = None,
    initiated_by: str | None = None,
    correspondence_type: str | None = None,
    language: str | None = None,
    evaluation: str = "",
    attempt_failed: bool = False,
    contact_via: str = "",
    opportunity_ref: str = "",
    body: str | None = None,
    attachment_file: UploadedFile | None = None,
    comments: Sequence[str] = (),
    send: bool = False,
    postpone: bool = False,
) -> InteractionLogEntry:
    raise NotImplementedError


def resume_interaction(
    *,
    actor: AbstractBaseUser | None,
    entry: InteractionLogEntry,
    postpone: bool = False,
    **values: Any,
) -> InteractionLogEntry:
    raise NotImplementedError


def delete_postponed_entries(*, actor: AbstractBaseUser | None, entries) -> int:
    raise NotImplementedError


@dataclass(frozen=True)
class RecordResult:
    recorded: bool
    entry: InteractionLogEntry | None = None
    created: bool = False
    reason: str = ""


def record_document(
    *,
    actor: AbstractBaseUser | None,
    document_type: str,
    document_no: str,
    contact: Contact | None = None,
    customer_no: str = "",
    vendor_no: str = "",
    salesperson: Salesperson | None = None,
    description: str = "",
    date: dt.date | None = None,
    version_no: int = 0,
    doc_occurrence: int = 0,
    campaign: Campaign | None = None,
) -> RecordResult:
    raise NotImplementedError


def add_comment(
    *,
    actor: AbstractBaseUser | None,
    entry: InteractionLogEntry,
    text: str,
    code: str = "",
    date: dt.date | None = None,
) -> EntryComment:
    raise NotImplementedError
