"""Confirmations carry intent: what the user saw travels with what they confirm.

Every confirm step (staff page, admin page, API ``dry_run`` → run) shows the
user a preview — the state a switch will set, the selection, how many entries
a run will delete — and the service must do exactly that or refuse (DOMAIN
§6.2, §6.4, §6.5, §11 "confirmations hold"). The preview's facts are sealed
into one signed token (:func:`seal`) that the confirm form or the API answer
carries; the confirming request hands it back, :func:`unseal` checks its
signature, purpose and age, and the service compares the facts with the world
now. When they differ the service refuses with :func:`changed_meanwhile` — a
``ValidationError`` whose code the API answers with 409 and the pages show as
a message — and changes nothing.

The token is signed with ``SECRET_KEY`` (``django.core.signing``), so a page
cannot be made to claim another preview than the one it was shown; it holds
only plain JSON values (entry numbers, states, a timestamp), no secrets.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SALT = "interactions_crm.platform.intent"
#: How long a confirmation stays valid unless ``CRM_INTENT_MAX_AGE`` says so.
DEFAULT_MAX_AGE = 24 * 60 * 60
#: The field a refused confirmation's message is filed under.
INTENT_FIELD = "intent"


@dataclass(frozen=True)
class Intent:
    """The facts a confirmation showed (``facts``) and when it showed them."""

    purpose: str
    facts: Mapping[str, Any]
    shown_at: dt.datetime


def seal(
    *, purpose: str, facts: Mapping[str, Any], shown_at: dt.datetime | None = None
) -> str:
    """A signed token of what a confirmation for ``purpose`` shows now.

    ``facts`` must be JSON values. ``shown_at`` (default: now) is the preview's
    time, which runs bound by it (deleting canceled entries) compare with.
    """
    when = shown_at or timezone.now()
    return signing.dumps(
        {"p": purpose, "f": dict(facts), "t": when.isoformat()},
        salt=SALT,
        compress=True,
    )


def max_age() -> int:
    """Seconds a confirmation stays valid (setting ``CRM_INTENT_MAX_AGE``)."""
    return int(getattr(settings, "CRM_INTENT_MAX_AGE", DEFAULT_MAX_AGE))


def unseal(token: str, *, purpose: str) -> Intent:
    """The facts sealed in ``token`` for ``purpose``.

    A token that was altered, made for another purpose or is older than
    :func:`max_age` is refused (``ValidationError`` on ``intent``): the user
    must preview again, never have something else done than what was shown.
    """
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired as exc:
        raise _refusal(
            _("The confirmation has expired. Preview again and confirm."), "expired"
        ) from exc
    except signing.BadSignature as exc:
        raise _invalid() from exc
    if not isinstance(data, dict) or data.get("p") != purpose:
        raise _invalid()
    try:
        shown_at = dt.datetime.fromisoformat(data["t"])
        facts = dict(data["f"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _invalid() from exc
    return Intent(purpose=purpose, facts=facts, shown_at=shown_at)


def _refusal(message: "StrOrPromise", code: str) -> ValidationError:
    """A refusal filed under ``intent`` whose ``code`` survives (the API reads it)."""
    return ValidationError({INTENT_FIELD: [ValidationError(message, code=code)]})


def _invalid() -> ValidationError:
    return _refusal(
        _("The confirmation is not valid for this action. Preview again and confirm."),
        "invalid",
    )


def changed_meanwhile(message: "StrOrPromise") -> ValidationError:
    """The refusal when the world changed after the confirmation was shown.

    Its code makes the API answer 409; nothing may have been written.
    """
    return _refusal(message, "conflict")


@dataclass(frozen=True)
class SwitchIntent:
    """What a "switch checkmark" confirmation showed: target and states seen.

    ``target`` is the state every selected row gets; ``seen`` is each row's
    state as shown, by key (entry number, logged segment id) — ``None`` when
    the caller only states the target (an API request without a preview).
    Subclasses name their ``PURPOSE``, so one kind's token is refused by
    another kind's confirm step.
    """

    target: bool
    seen: Mapping[int, bool] | None = None

    PURPOSE: ClassVar[str] = "switch"

    @classmethod
    def of_states(cls, states: Mapping[int, bool]) -> Self:
        """The intent of a confirmation showing ``states``; the lowest key
        is the first row, whose opposite is the target (NAV)."""
        ordered = dict(sorted(states.items()))
        first = next(iter(ordered.values()))
        return cls(target=not first, seen=ordered)

    def seal(self) -> str:
        """The signed token the confirmation form carries."""
        seen = None if self.seen is None else [[k, v] for k, v in self.seen.items()]
        return seal(purpose=self.PURPOSE, facts={"target": self.target, "seen": seen})

    @classmethod
    def unseal(cls, token: str) -> Self:
        """The intent sealed by :meth:`seal`; refused when altered or expired."""
        facts = unseal(token, purpose=cls.PURPOSE).facts
        seen = facts.get("seen")
        try:
            return cls(
                target=bool(facts["target"]),
                seen=None if seen is None else {int(k): bool(v) for k, v in seen},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _invalid() from exc

    @property
    def keys(self) -> list[int]:
        """The selection the confirmation showed (empty when it named none)."""
        return sorted(self.seen or ())

    def differences(self, current: Mapping[int, bool]) -> "SwitchDifferences":
        """How ``current`` (key → state, read under lock) differs from the intent."""
        if self.seen is None:
            first = min(current, default=None)
            already = (
                first if first is not None and current[first] == self.target else None
            )
            return SwitchDifferences(gone=[], changed=[], already=already)
        return SwitchDifferences(
            gone=sorted(set(self.seen) - set(current)),
            changed=[k for k, v in sorted(current.items()) if self.seen.get(k) != v],
            already=None,
        )


@dataclass(frozen=True)
class SwitchDifferences:
    """Rows that vanished, rows whose state changed, or the first row when it
    already has the target (only checked when no states were seen)."""

    gone: list[int]
    changed: list[int]
    already: int | None
