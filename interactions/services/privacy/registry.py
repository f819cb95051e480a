"""Who may, what a section is, and the registry of personal data sections.

A module that holds personal data calls :func:`register_personal_data` when it
is imported; :mod:`~interactions.services.privacy.export` and
:mod:`~interactions.services.privacy.erasure` run every registered section.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AbstractUser, AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from interactions.models import InteractionLogEntry

# another helper changes at the same time; instead both need staff status
# (admin access) plus model permissions that only administrators hold.
EXPORT_PERMISSIONS = ("contacts.view_contact", "interactions.view_interactionlogentry")
ERASE_PERMISSIONS = (
    "contacts.change_contact",
    "contacts.delete_contact",
    "interactions.change_interactionlogentry",
)

EXPORT_ACTION = "contact.export_personal_data"
ERASE_ACTION = "contact.erase"
ENTRY_TYPE = InteractionLogEntry._meta.label_lower
CONTACT_TYPE = Contact._meta.label_lower
# The contact's fields that are personal data: blanked on erasure.
PERSONAL_FIELDS = (
    "job_title",
    "email",
    "phone",
    "mobile_phone",
    "address",
    "post_code",
    "city",
    "country",
    "language",
    "correspondence_type",
)
# The contact's values searched for (and replaced) in stored JSON.
IDENTIFYING_FIELDS = ("name", "email", "phone", "mobile_phone", "address")
# An entry's free text: blanked on erasure. Figures (dates, cost, duration,
# template, campaign, evaluation, canceled …) stay.
ENTRY_TEXT_FIELDS = (
    "description",
    "subject",
    "contact_via",
    "opportunity_ref",
    "cancel_reason",
)
# Shorter values would match unrelated text ("AS", "22").
MIN_NEEDLE_LENGTH = 4


EXPORT_REFUSED = _(
    "Exporting personal data needs staff status and the permissions to view "
    "contacts and interaction log entries."
)
ERASE_REFUSED = _(
    "Erasing personal data needs staff status and the permissions to change and "
    "delete contacts and change interaction log entries."
)


def _staff_holding(
    user: AbstractBaseUser | AnonymousUser, permissions: Iterable[str]
) -> bool:
    return (
        isinstance(user, AbstractUser)
        and user.is_active
        and user.is_staff
        and user.has_perms(permissions)
    )


def may_export_personal_data(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff status (admin access) and :data:`EXPORT_PERMISSIONS`."""
    return _staff_holding(user, EXPORT_PERMISSIONS)


def may_erase_personal_data(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff status (admin access) and :data:`ERASE_PERMISSIONS`."""
    return _staff_holding(user, ERASE_PERMISSIONS)


def pseudonym(contact: Contact) -> str:
    """The name an erased contact keeps: "Erased contact <no>"."""
    return f"Erased contact {contact.no}"


@dataclass(frozen=True)
class ErasureScope:
    """What an eraser works on: the contact and its values before erasure.

    ``values`` are the contact's personal fields as they were when the erasure
    started (the contact itself is pseudonymised after every other section),
    ``texts`` the free text of its entries and comments then; ``needles`` the
    identifying values worth searching stored text for.
    """

    contact: Contact
    values: Mapping[str, str]
    texts: tuple[str, ...] = ()

    @property
    def entries(self) -> QuerySet[InteractionLogEntry]:
        return InteractionLogEntry.objects.filter(contact=self.contact)

    @property
    def needles(self) -> list[str]:
        return needles(self.values[name] for name in IDENTIFYING_FIELDS)


Exporter = Callable[[Contact], Mapping[str, Any]]
Eraser = Callable[[ErasureScope, bool], Mapping[str, int]]


@dataclass(frozen=True)
class Section:
    name: str
    exporter: Exporter | None
    eraser: Eraser | None


_SECTIONS: dict[str, Section] = {}


def register_personal_data(
    name: str, *, exporter: Exporter | None = None, eraser: Eraser | None = None
) -> None:
    """Add a personal data section (see the module docstring); names are unique."""
    if name in _SECTIONS:
        raise ValueError(f"Personal data section {name!r} is registered twice.")
    _SECTIONS[name] = Section(name, exporter, eraser)


def registered() -> list[Section]:
    """Every section, in registration order (the export's order)."""
    return list(_SECTIONS.values())


def erasure_order() -> list[Section]:
    """Registration order, the contact's own fields last (erasers use ``values``)."""
    return sorted(_SECTIONS.values(), key=lambda section: section.name == "contact")


def needles(values: Iterable[str]) -> list[str]:
    """The values worth searching stored text for (long enough), longest first."""
    return sorted(
        {value for value in values if value and len(value) >= MIN_NEEDLE_LENGTH},
        key=len,
        reverse=True,
    )
