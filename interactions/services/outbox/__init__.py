"""The outbox (DOMAIN §12): queueing, sending, consent, suppression, bounces.

``enqueue`` (what each entry sends, decided in the creating transaction),
``worker`` (claim, send, retry with backoff, throttle), ``consent`` (opt-out,
suppression list, signed unsubscribe link), ``bounces`` (RFC 3464 delivery
status notifications) and ``tasks`` (the Django task that runs a worker).
"""

# Registers the outbox's personal data sections (export and erasure).
from interactions.services.outbox import privacy as _privacy  # noqa: F401
from interactions.services.outbox.consent import (
    record_opt_out,
    suppress_address,
    withdraw_opt_out,
)
from interactions.services.outbox.enqueue import (
    deliver_on_commit,
    enqueue_entries,
    resend_entries,
)
from interactions.services.outbox.worker import deliver_entries, run_worker

__all__ = [
    "deliver_entries",
    "deliver_on_commit",
    "enqueue_entries",
    "record_opt_out",
    "resend_entries",
    "run_worker",
    "suppress_address",
    "withdraw_opt_out",
]
