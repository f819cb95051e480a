"""Demo segments: two ready to log and one logged (called by ``seed_demo``).

Built like a user would build them — criteria actions through the segment
services, privacy-blocked contacts removed by hand, one segment logged — on
top of the demo contacts, templates and campaigns of :mod:`interactions.demo`.
Idempotent: a segment whose description exists already (as a segment or a
logged segment) is not made again.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from interactions.models import (
    Campaign,
    InteractionTemplate,
    LoggedSegment,
    Segment,
)
from interactions.services.segments import (
    add_contacts,
    create_segment,
    log_segment,
    reduce_contacts,
    refine_contacts,
    remove_contact_from_segment,
)


@dataclass(frozen=True)
class DemoSegment:
    description: str
    template: str
    campaign_status: str | None
    # (service, keyword arguments) in the order a user would apply them.
    steps: list[tuple[Callable[..., object], dict[str, Any]]] = field(
        default_factory=list
    )
    log: bool = False


DEMO_SEGMENTS = [
    DemoSegment(
        description="Vårkampanje – tilbud til innkjøpere",
        template="EMAIL-OFFER",
        campaign_status=Campaign.Status.ACTIVE,
        steps=[
            (
                add_contacts,
                {
                    "criteria": {
                        "contact_type": "person",
                        "job_responsibility": "PURCHASE",
                    }
                },
            ),
            (
                reduce_contacts,
                {"criteria": {"business_relation": "VEND"}, "entire_companies": True},
            ),
        ],
    ),
    DemoSegment(
        description="Julekort til kunder",
        template="LETTER-XMAS",
        campaign_status=None,  # the template's campaign
        steps=[
            (add_contacts, {"criteria": {"mailing_group": "CHRISTMAS-CARD"}}),
            (
                refine_contacts,
                {"criteria": {"business_relation": "CUST"}, "entire_companies": True},
            ),
        ],
    ),
    DemoSegment(
        description="Messe Lillestrøm – takk for besøket",
        template="LETTER-THANKS",
        campaign_status=Campaign.Status.COMPLETED,
        steps=[
            (
                add_contacts,
                {"criteria": {"industry_group": "RETAIL"}, "expand_companies": True},
            ),
            (refine_contacts, {"criteria": {"contact_type": "person"}}),
        ],
        log=True,
    ),
]


def _exists(description: str) -> bool:
    return (
        Segment.objects.filter(description=description).exists()
        or LoggedSegment.objects.filter(description=description).exists()
    )


def _remove_privacy_blocked(segment: Segment, actor: AbstractBaseUser) -> None:
    """What a user does when "log" names privacy-blocked contacts."""
    blocked = {
        line.contact
        for line in segment.lines.filter(contact__privacy_blocked=True).select_related(
            "contact"
        )
    }
    for contact in blocked:
        remove_contact_from_segment(segment=segment, actor=actor, contact=contact)


def _build(spec: DemoSegment, actor: AbstractBaseUser) -> None:
    template = InteractionTemplate.objects.filter(code=spec.template).first()
    if template is None:
        return  # not the demo database's templates
    header: dict[str, Any] = {"description": spec.description, "template": template}
    if spec.campaign_status is not None:
        campaign = (
            Campaign.objects.filter(status=spec.campaign_status).order_by("no").first()
        )
        if campaign is not None:
            header |= {"campaign": campaign, "campaign_target": True}
    segment = create_segment(actor=actor, **header)
    for service, arguments in spec.steps:
        service(segment=segment, actor=actor, **arguments)
    _remove_privacy_blocked(segment, actor)
    if spec.log:
        log_segment(segment=segment, actor=actor)


def seed_segments(*, actor: AbstractBaseUser) -> None:
    """Create the demo segments that do not exist yet (one transaction)."""
    with transaction.atomic():
        for spec in DEMO_SEGMENTS:
            if not _exists(spec.description):
                _build(spec, actor)
