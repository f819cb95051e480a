"""The seeding steps: each makes one kind of demo data through the services."""

import datetime as dt
import importlib.util
import random
import unicodedata
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from contacts.models import (
    BusinessRelation,
    Contact,
    ContactBusinessRelation,
    CorrespondenceType,
    IndustryGroup,
    JobResponsibility,
    MailingGroup,
    Salesperson,
)
from contacts.services import create_contact
from interactions.demo.data import (
    BUSINESS_RELATIONS,
    CANCEL_REASONS,
    CITIES,
    COMMENTS,
    COMPANIES,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    DOCUMENT_TEMPLATES,
    EVENT_TEMPLATES,
    FIRST_NAMES,
    FOREIGN_CITIES,
    FOREIGN_NAMES,
    INDUSTRY_GROUPS,
    INTERACTION_GROUPS,
    JOB_RESPONSIBILITIES,
    JOBS,
    LAST_NAMES,
    MAILING_GROUPS,
    SALESPEOPLE,
    STREETS,
    TEMPLATES,
    TemplateSpec,
)
from interactions.models import (
    Campaign,
    DocumentType,
    Evaluation,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    TemplateContent,
)
from interactions.services import (
    add_comment,
    cancel_entries,
    create_interaction,
    evaluate_entries,
    record_document,
)
from interactions.services.masterdata import create_campaign, save_master_record
from interactions.services.setup import set_document_template

# --- steps ------------------------------------------------------------------


def _demo_user() -> AbstractBaseUser:
    user_model = get_user_model()
    user = user_model.objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        user = user_model.objects.create_superuser(
            username=DEMO_USERNAME,
            email="demo@nordlys-kontor.no",
            password=DEMO_PASSWORD,
            first_name="Kari",
            last_name="Haugen",
        )
    return user


def _save[M: models.Model](instance: M) -> M:
    saved = save_master_record(
        actor=None, instance=instance, created=True, changed_fields=[]
    )
    assert isinstance(saved, type(instance))
    return saved


def _code_table(model: type[models.Model], rows: list[tuple[str, str]]) -> dict:
    """Rows of a code table by code, creating the missing ones."""
    existing: dict[str, Any] = {
        obj.code: obj  # type: ignore[attr-defined]  # every code table has a code
        for obj in model._default_manager.all()
    }
    for code, description in rows:
        if code not in existing:
            existing[code] = _save(model(code=code, description=description))
    return existing


def _master_data() -> dict[str, dict]:
    return {
        "relations": _code_table(BusinessRelation, BUSINESS_RELATIONS),
        "jobs": _code_table(JobResponsibility, JOB_RESPONSIBILITIES),
        "industries": _code_table(IndustryGroup, INDUSTRY_GROUPS),
        "mailing": _code_table(MailingGroup, MAILING_GROUPS),
    }


def _salespeople(demo: AbstractBaseUser) -> list[Salesperson]:
    salespeople = []
    for index, (code, name, title, phone) in enumerate(SALESPEOPLE):
        salesperson = Salesperson.objects.filter(code=code).first()
        if salesperson is None:
            first = name.split()[0].lower()
            salesperson = _save(
                Salesperson(
                    code=code,
                    name=name,
                    job_title=title,
                    phone=phone,
                    email=f"{first}@nordlys-kontor.no",
                    user=demo if index == 0 else None,  # type: ignore[misc]  # the user model
                )
            )
        salespeople.append(salesperson)
    return salespeople


def _campaigns(salespeople: list[Salesperson], today: dt.date) -> dict[str, Campaign]:
    specs = {
        "spring": (
            "Vårkampanje – hev/senk-pulter",
            today - dt.timedelta(days=60),
            today + dt.timedelta(days=30),
            Campaign.Status.ACTIVE,
        ),
        "fair": (
            "Messe: Kontor & Interiør, Lillestrøm",
            today - dt.timedelta(days=230),
            today - dt.timedelta(days=200),
            Campaign.Status.COMPLETED,
        ),
        "xmas": (
            "Julekort og julegaver til kunder",
            today + dt.timedelta(days=120),
            today + dt.timedelta(days=150),
            Campaign.Status.PLANNED,
        ),
    }
    campaigns = {}
    for index, (key, (description, start, end, status)) in enumerate(specs.items()):
        campaigns[key] = Campaign.objects.filter(
            description=description
        ).first() or create_campaign(
            actor=None,
            description=description,
            starting_date=start,
            ending_date=end,
            status=status,
            salesperson=salespeople[index],
        )
    return campaigns


def _groups() -> dict[str, InteractionGroup]:
    return _code_table(InteractionGroup, INTERACTION_GROUPS)


def _template(spec: TemplateSpec, groups: dict, campaigns: dict) -> InteractionTemplate:
    template = InteractionTemplate.objects.filter(code=spec.code).first()
    if template is not None:
        return template
    template = _save(
        InteractionTemplate(
            code=spec.code,
            group=groups[spec.group],
            description=spec.description,
            unit_cost=Decimal(spec.unit_cost),
            unit_duration=Decimal(spec.unit_duration),
            information_flow=spec.information_flow,
            initiated_by=spec.initiated_by,
            correspondence_type=spec.correspondence_type,
            wizard_action=spec.wizard_action,
            campaign=campaigns.get(spec.campaign),
            campaign_target=spec.campaign_target,
            language="nb" if spec.contents else "",
        )
    )
    for language, (subject, body) in spec.contents.items():
        _save(
            TemplateContent(
                template=template,
                language=language,
                description=spec.description,
                subject=subject,
                body=body,
            )
        )
    return template


def _templates(groups: dict, campaigns: dict) -> dict[str, InteractionTemplate]:
    templates = {spec.code: _template(spec, groups, campaigns) for spec in TEMPLATES}
    for code, group, description, flow, initiated in DOCUMENT_TEMPLATES.values():
        spec = TemplateSpec(code, group, description, "0", "0", flow, initiated)
        templates[code] = _template(spec, groups, campaigns)
    return templates


def _template_setup(templates: dict) -> None:
    mapping = {
        **{doc: spec[0] for doc, spec in DOCUMENT_TEMPLATES.items()},
        **EVENT_TEMPLATES,
    }
    for document_type, code in mapping.items():
        set_document_template(
            actor=None, document_type=document_type, template=templates[code]
        )


def _ascii(text: str) -> str:
    text = text.lower().replace("ø", "o").replace("æ", "ae").replace("å", "a")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isascii() and (c.isalnum() or c in ".-"))


def _phone(rng: random.Random, area: str) -> str:
    if area.startswith("+"):
        return f"{area} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
    pairs = " ".join(str(rng.randint(10, 99)) for _ in range(3))
    return f"+47 {area} {pairs}"


def _mobile(rng: random.Random) -> str:
    first = f"{rng.choice('49')}{rng.randint(10, 99)}"
    return f"+47 {first} {rng.randint(10, 99)} {rng.randint(100, 999)}"


def _relations(spec: str, counters: dict[str, int]) -> list[tuple]:
    """Business relations of a company; customer/vendor/bank ones get a link."""
    relations = []
    for letter, code, link_type, start in (
        ("C", "CUST", ContactBusinessRelation.LinkType.CUSTOMER, 10000),
        ("V", "VEND", ContactBusinessRelation.LinkType.VENDOR, 40000),
        ("B", "BANK", ContactBusinessRelation.LinkType.BANK_ACCOUNT, 1),
        ("P", "PROS", "", 0),
        ("X", "PARTNER", "", 0),
    ):
        if letter not in spec:
            continue
        if link_type == ContactBusinessRelation.LinkType.BANK_ACCOUNT:
            relations.append((code, link_type, f"BANK{counters['B'] + start}"))
            counters["B"] += 1
        elif link_type:
            relations.append((code, link_type, str(start + counters[letter] * 10)))
            counters[letter] += 1
        else:
            relations.append((code, "", ""))
    return relations


def _contacts(rng: random.Random, codes: dict, salespeople: list) -> dict[str, list]:
    """~40 companies and ~160 persons, with classification and relations."""
    companies: list[Contact] = []
    persons: list[Contact] = []
    counters = {"C": 0, "V": 0, "B": 0}
    foreign_names = iter(FOREIGN_NAMES)
    for index, (name, domain, industry, relation_spec, place) in enumerate(COMPANIES):
        foreign = isinstance(place, str)
        city, post_code, country, area = (
            FOREIGN_CITIES[place] if isinstance(place, str) else CITIES[place]
        )
        language = "en" if foreign or index % 9 == 4 else "nb"
        salesperson = salespeople[index % 4]
        mailing = [codes["mailing"]["CHRISTMAS-CARD"]] if "C" in relation_spec else []
        company = create_contact(
            actor=None,
            type=Contact.Type.COMPANY,
            name=name,
            email=f"post@{domain}",
            phone=_phone(rng, area),
            address=f"{rng.choice(STREETS)} {rng.randint(1, 80)}",
            post_code=post_code,
            city=city,
            country=country,
            language=language,
            salesperson=salesperson,
            correspondence_type=rng.choice(
                [CorrespondenceType.EMAIL, CorrespondenceType.HARD_COPY, ""]
            ),
            industry_groups=[codes["industries"][industry]],
            mailing_groups=mailing,
            business_relations=_relations(relation_spec, counters),
        )
        companies.append(company)
        size = 2 if foreign else rng.randint(2, 6)
        for position in range(size):
            if foreign:
                full_name = next(foreign_names)
            else:
                full_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            nb_title, en_title, responsibility = JOBS[
                position if position < 3 else rng.randrange(len(JOBS))
            ]
            mailing_groups = [
                codes["mailing"][code]
                for code in ("NEWSLETTER", "CHRISTMAS-CARD")
                if rng.random() < 0.4
            ]
            local = ".".join(_ascii(part) for part in full_name.split())
            persons.append(
                create_contact(
                    actor=None,
                    type=Contact.Type.PERSON,
                    name=full_name,
                    company=company,
                    job_title=en_title if language == "en" else nb_title,
                    email=f"{local}@{domain}",
                    phone=company.phone,
                    mobile_phone="" if foreign else _mobile(rng),
                    address=company.address,
                    post_code=post_code,
                    city=city,
                    country=country,
                    language=language,
                    salesperson=salesperson,
                    correspondence_type=rng.choice(
                        [CorrespondenceType.EMAIL, CorrespondenceType.EMAIL, ""]
                    ),
                    exclude_from_segment=len(persons) % 47 == 5,
                    privacy_blocked=len(persons) % 71 == 9,
                    job_responsibilities=[codes["jobs"][responsibility]],
                    mailing_groups=mailing_groups,
                )
            )
    return {"companies": companies, "persons": persons}


def _moment(rng: random.Random, today: dt.date, max_days: int = 365) -> tuple:
    day = today - dt.timedelta(days=rng.randint(1, max_days))
    while day.weekday() >= 5:  # people meet and call on working days
        day -= dt.timedelta(days=1)
    return day, dt.time(rng.randint(8, 15), rng.choice([0, 15, 30, 45]))


def _interactions(rng, demo, contacts, templates, campaigns, today) -> list:
    """~200 manual interactions: letters, e-mails, calls and meetings."""
    reachable = [c for c in contacts["persons"] if not c.privacy_blocked]
    choices = [
        ("LETTER-INTRO", 4),
        ("LETTER-THANKS", 3),
        ("EMAIL-OFFER", 4),
        ("CALL-IN", 5),
        ("MEETING", 4),
    ]
    codes = [code for code, weight in choices for _ in range(weight)]
    entries = []
    for _ in range(200):
        contact = rng.choice(reachable)
        code = rng.choice(codes)
        date, time = _moment(rng, today)
        campaign = None
        spring = campaigns["spring"]
        if spring.starting_date <= date <= today and rng.random() < 0.5:
            campaign = spring
        entries.append(
            create_interaction(
                actor=demo,
                contact=contact,
                template=templates[code],
                date=date,
                time=time,
                salesperson=contact.salesperson,
                campaign=campaign,
                attempt_failed=code == "CALL-IN" and rng.random() < 0.1,
                comments=[rng.choice(COMMENTS)] if rng.random() < 0.1 else [],
            )
        )
    return entries


def _documents(rng: random.Random, contacts: dict, today: dt.date) -> None:
    """Sales and purchase documents, calls and e-mails as an ERP records them."""
    customers = list(
        ContactBusinessRelation.objects.filter(link_type="customer").select_related(
            "contact__salesperson"
        )
    )
    vendors = list(
        ContactBusinessRelation.objects.filter(link_type="vendor").select_related(
            "contact__salesperson"
        )
    )
    number = 1000
    for _ in range(45):
        link = rng.choice(customers)
        date, _time = _moment(rng, today, 330)
        number += 1
        chain = [
            (DocumentType.SALES_QUOTE, f"S-TIL{number}"),
            (DocumentType.SALES_ORDER_CONFIRMATION, f"S-ORD{number}"),
            (DocumentType.SALES_SHIPMENT_NOTE, f"S-FS{number}"),
            (DocumentType.SALES_INVOICE, f"S-FAK{number}"),
        ]
        steps = chain[: rng.choice([1, 2, 4, 4])]
        if len(steps) == 4 and rng.random() < 0.15:
            steps.append((DocumentType.SALES_CREDIT_MEMO, f"S-KN{number}"))
        if len(steps) == 4 and rng.random() < 0.2:
            steps.append((DocumentType.SALES_REMINDER, f"S-PUR{number}"))
        for offset, (document_type, document_no) in enumerate(steps):
            record_document(
                actor=None,
                document_type=document_type,
                document_no=document_no,
                customer_no=link.link_no,
                date=min(date + dt.timedelta(days=offset * 3), today),
                salesperson=link.contact.salesperson,
            )
    for _ in range(15):
        link = rng.choice(vendors)
        date, _time = _moment(rng, today, 330)
        number += 1
        for offset, (document_type, document_no) in enumerate(
            [
                (DocumentType.PURCHASE_ORDER, f"P-ORD{number}"),
                (DocumentType.PURCHASE_RECEIPT, f"P-MOT{number}"),
                (DocumentType.PURCHASE_INVOICE, f"P-FAK{number}"),
            ]
        ):
            record_document(
                actor=None,
                document_type=document_type,
                document_no=document_no,
                vendor_no=link.link_no,
                date=min(date + dt.timedelta(days=offset * 5), today),
            )
    reachable = [c for c in contacts["persons"] if not c.privacy_blocked]
    for call in range(40):
        contact = rng.choice(reachable)
        date, _time = _moment(rng, today)
        record_document(
            actor=None,
            document_type=DocumentType.OUTGOING_CALL,
            document_no=f"CALL-{call + 1:05d}",
            contact=contact,
            date=date,
            salesperson=contact.salesperson,
            attempt_failed=rng.random() < 0.25,
            contact_via=contact.mobile_phone or contact.phone,
        )
    for mail in range(20):
        contact = rng.choice(reachable)
        date, _time = _moment(rng, today)
        record_document(
            actor=None,
            document_type=DocumentType.EMAIL,
            document_no=f"EMAIL-{mail + 1:05d}",
            contact=contact,
            date=date,
            salesperson=contact.salesperson,
            subject="Oppfølging av tilbud",
            body=f"Hei {contact.name}, har du sett på tilbudet vårt?",
        )


def _ledger_actions(rng, demo, entries) -> None:
    """Some entries canceled, many evaluated, some commented (as users do)."""
    pool = list(InteractionLogEntry.objects.visible().order_by("entry_no"))
    for reason in CANCEL_REASONS:
        picked = rng.sample(pool, 5)
        cancel_entries(actor=demo, entries=picked, reason=reason)
    by_evaluation: dict[str, list] = {}
    for entry in rng.sample(entries, 90):
        value = rng.choices(
            [e for e in Evaluation.values if e],
            weights=[2, 5, 3, 2, 1],
        )[0]
        by_evaluation.setdefault(value, []).append(entry)
    for value, selected in by_evaluation.items():
        evaluate_entries(actor=demo, entries=selected, evaluation=value)
    for entry in rng.sample(pool, 30):
        add_comment(actor=demo, entry=entry, text=rng.choice(COMMENTS))


def _postponed(rng, demo, contacts, templates, salespeople) -> None:
    """A few interactions the demo user started and will finish later."""
    reachable = [c for c in contacts["persons"] if not c.privacy_blocked]
    for code in ("LETTER-INTRO", "MEETING", "EMAIL-OFFER", "LETTER-THANKS"):
        create_interaction(
            actor=demo,
            contact=rng.choice(reachable),
            template=templates[code],
            salesperson=salespeople[0],
            postpone=True,
        )


def _seed_segments(demo, log) -> Any:
    """The segments' demo data, when that part of the application exists."""
    if importlib.util.find_spec("interactions.demo_segments") is None:
        return None
    from interactions import demo_segments

    log("segments")
    return demo_segments.seed_segments(actor=demo)
