"""Demo data: a Norwegian office-supplies wholesaler and a year of interactions.

``seed_demo`` (the management command) calls :func:`seed`. Everything is made
through the services — contacts through ``contacts.services``, master data
through ``save_master_record``/``create_campaign``, the template setup through
``set_document_template``, entries through ``create_interaction`` and
``record_document``, then canceled, evaluated and commented through the ledger
services — so the demo database looks exactly like one used for a year,
audit trail included.

The run is one transaction and uses a fixed random seed. It is idempotent: a
database that already holds the demo data is left untouched, and a database
holding other contacts is refused (the demo superuser ``demo``/``demo`` must
only ever exist in a demo database).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from contacts.models import Contact, Salesperson
from interactions.demo.data import DEMO_PASSWORD, DEMO_USERNAME, MARKER_EMAIL, SEED
from interactions.demo.steps import (
    _campaigns,
    _contacts,
    _demo_user,
    _documents,
    _groups,
    _interactions,
    _ledger_actions,
    _master_data,
    _postponed,
    _salespeople,
    _seed_segments,
    _template_setup,
    _templates,
)
from interactions.models import (
    Campaign,
    EntryComment,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    Segment,
)


@dataclass
class Seeded:
    """What a run created, for the command's summary."""

    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    segments: Any = None


def is_seeded() -> bool:
    """Does this database hold the demo data already?"""
    return Contact.objects.filter(email=MARKER_EMAIL).exists()


def has_other_data() -> bool:
    """Contacts that are not the demo's: never add a demo superuser there."""
    return Contact.objects.exists() and not is_seeded()


def seed(*, log: Callable[[str], None] = lambda message: None) -> Seeded:
    """Load the demo data once; return what exists afterwards.

    Call only when :func:`has_other_data` is False (the command checks). The
    whole run is one transaction: an interrupted run leaves nothing behind.
    """
    if is_seeded():
        # Segments may have joined the application after the first run; their
        # seeding is idempotent, so a database seeded earlier gets them too.
        with transaction.atomic():
            segments = _seed_segments(_demo_user(), lambda message: None)
        return Seeded(created=False, counts=counts(), segments=segments)
    rng = random.Random(SEED)
    today = timezone.localdate()
    with transaction.atomic():
        demo = _demo_user()
        log("master data")
        codes = _master_data()
        salespeople = _salespeople(demo)
        campaigns = _campaigns(salespeople, today)
        groups = _groups()
        templates = _templates(groups, campaigns)
        _template_setup(templates)
        log("contacts")
        contacts = _contacts(rng, codes, salespeople)
        log("interactions")
        entries = _interactions(rng, demo, contacts, templates, campaigns, today)
        _documents(rng, contacts, today)
        _ledger_actions(rng, demo, entries)
        _postponed(rng, demo, contacts, templates, salespeople)
        segments = _seed_segments(demo, log)
    return Seeded(created=True, counts=counts(), segments=segments)


def counts() -> dict[str, int]:
    entries = InteractionLogEntry.objects
    return {
        "companies": Contact.objects.companies().count(),
        "persons": Contact.objects.persons().count(),
        "salespeople": Salesperson.objects.count(),
        "campaigns": Campaign.objects.count(),
        "interaction templates": InteractionTemplate.objects.count(),
        "interaction log entries": entries.visible().count(),
        "canceled entries": entries.canceled().count(),
        "postponed entries": entries.postponed().count(),
        "comments": EntryComment.objects.count(),
        "segments": Segment.objects.count(),
        "logged segments": LoggedSegment.objects.count(),
    }


__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "MARKER_EMAIL",
    "SEED",
    "Seeded",
    "counts",
    "has_other_data",
    "is_seeded",
    "seed",
]
