"""Sending interactions by e-mail: now the outbox (``interactions.services.outbox``).

Kept so the creation paths and callers import :func:`deliver_on_commit`,
:func:`resend_entries` and :func:`deliver_entries` from here as before.
"""

from interactions.services.outbox import (
    deliver_entries,
    deliver_on_commit,
    resend_entries,
)

__all__ = ["deliver_entries", "deliver_on_commit", "resend_entries"]
