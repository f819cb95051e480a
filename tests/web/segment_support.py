"""Data for the segment page tests: classified contacts, a mailing template.

Segments are built and logged through the services, as a user would.
"""

from dataclasses import dataclass

from contacts.models import Contact
from interactions.models import InteractionTemplate, LoggedSegment, Segment
from interactions.services.segments import add_contacts, create_segment, log_segment
from tests import factories


@dataclass
class People:
    """Fjord (company) with kari (PURCHASE) and ola (SALES); bre with per
    (PURCHASE) and lise (PURCHASE, excluded from segments)."""

    fjord: Contact
    kari: Contact
    ola: Contact
    bre: Contact
    per: Contact
    lise: Contact
    template: InteractionTemplate


def make_people() -> People:
    template = factories.TemplateFactory(
        code="MAILING",
        description="Trade show mailing",
        correspondence_type="email",
    )
    factories.TemplateContentFactory(template=template, language="")
    purchase = factories.JobResponsibilityFactory(code="PURCHASE")
    sales = factories.JobResponsibilityFactory(code="SALES")
    fjord = factories.CompanyFactory(no="CT100", name="Fjord Handel AS")
    bre = factories.CompanyFactory(no="CT200", name="Bre Bygg AS")
    kari = factories.PersonFactory(no="CT101", name="Kari Nordmann", company=fjord)
    ola = factories.PersonFactory(no="CT102", name="Ola Hansen", company=fjord)
    per = factories.PersonFactory(no="CT201", name="Per Berg", company=bre)
    lise = factories.PersonFactory(
        no="CT202", name="Lise Lie", company=bre, exclude_from_segment=True
    )
    for person in (kari, per, lise):
        person.job_responsibilities.add(purchase)
    ola.job_responsibilities.add(sales)
    return People(
        fjord=fjord, kari=kari, ola=ola, bre=bre, per=per, lise=lise, template=template
    )


def make_segment(user, template, description="Trade show visitors", **criteria):
    """A segment on ``template`` with the persons matching ``criteria``."""
    segment = create_segment(actor=user, description=description, template=template)
    if criteria:
        add_contacts(segment=segment, actor=user, criteria=criteria)
    return segment


def make_logged(user, template, description="Logged mailing", **criteria):
    segment = make_segment(
        user, template, description, **(criteria or {"contact_type": "person"})
    )
    return log_segment(segment=segment, actor=user)


def segment_nos() -> set[str]:
    return set(Segment.objects.values_list("no", flat=True))


def logged(no: str) -> LoggedSegment:
    return LoggedSegment.objects.get(segment_no=no)
