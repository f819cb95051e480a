"""Managing recorded interactions: cancel, un-cancel, evaluate, delete canceled.

CONTRACT STUB — to be implemented. Signatures are the agreed interface.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from contacts.models import Contact, Salesperson
from interactions.models import Campaign, InteractionGroup, InteractionTemplate


def cancel_entries(*, actor: AbstractBaseUser | None, entries, reason: str = "") -> int:
    raise NotImplementedError


def uncancel_entries(*, actor: AbstractBaseUser | None, entries) -> int:
    raise NotImplementedError


def switch_canceled(
    *, actor: AbstractBaseUser | None, entries, reason: str = ""
) -> int:
    raise NotImplementedError


def evaluate_entries(
    *, actor: AbstractBaseUser | None, entries, evaluation: str
) -> int:
    raise NotImplementedError


@dataclass(frozen=True)
class CanceledEntryFilter:
    entry_no_from: int | None = None
    entry_no_to: int | None = None
    contact: Contact | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    campaign: Campaign | None = None
    group: InteractionGroup | None = None
    template: InteractionTemplate | None = None
    salesperson: Salesperson | None = None


def delete_canceled_entries(
    *,
    actor: AbstractBaseUser | None,
    filters: CanceledEntryFilter,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    raise NotImplementedError
