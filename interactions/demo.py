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

import datetime as dt
import importlib.util
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone

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
from interactions.models import (
    Campaign,
    DocumentType,
    EntryComment,
    Evaluation,
    InformationFlow,
    InitiatedBy,
    InteractionGroup,
    InteractionLogEntry,
    InteractionTemplate,
    LoggedSegment,
    Segment,
    TemplateContent,
    WizardAction,
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

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"
# The first demo company's e-mail marks a database that holds the demo data.
MARKER_EMAIL = "post@fjellheim-bygg.no"
SEED = 5050  # NAV's Relationship Management lives in the 5050 object range.

# --- master data -------------------------------------------------------------

BUSINESS_RELATIONS = [
    ("CUST", "Kunde / customer"),
    ("VEND", "Leverandør / vendor"),
    ("PROS", "Prospekt / prospect"),
    ("BANK", "Bank"),
    ("PARTNER", "Partner"),
]
JOB_RESPONSIBILITIES = [
    ("PURCHASE", "Innkjøp / purchasing"),
    ("SALES", "Salg / sales"),
    ("IT", "IT"),
    ("MANAGEMENT", "Ledelse / management"),
]
INDUSTRY_GROUPS = [
    ("RETAIL", "Detaljhandel / retail"),
    ("WHOLESALE", "Engroshandel / wholesale"),
    ("MANUFACTURING", "Produksjon / manufacturing"),
]
MAILING_GROUPS = [
    ("NEWSLETTER", "Nyhetsbrev / newsletter"),
    ("CHRISTMAS-CARD", "Julekort / Christmas card"),
]
SALESPEOPLE = [
    ("KH", "Kari Haugen", "Salgssjef", "+47 934 12 001"),
    ("OL", "Ola Lie", "Key account manager", "+47 934 12 002"),
    ("IB", "Ingrid Berg", "Selger", "+47 934 12 003"),
    ("MS", "Magnus Strand", "Selger", "+47 934 12 004"),
    ("SD", "Silje Dahl", "Innkjøpsansvarlig", "+47 934 12 005"),
]
INTERACTION_GROUPS = [
    ("LETTER", "Brev / letters"),
    ("MEETING", "Møter / meetings"),
    ("PHONE", "Telefonsamtaler / phone calls"),
    ("EMAIL", "E-post / e-mails"),
    ("SALES", "Salgsdokumenter / sales documents"),
    ("PURCHASE", "Innkjøpsdokumenter / purchase documents"),
    ("SERVICE", "Service"),
]

# (city, post code, country, area code for phone numbers)
CITIES = [
    ("Oslo", "0150", "NO", "22"),
    ("Bergen", "5003", "NO", "55"),
    ("Trondheim", "7010", "NO", "73"),
    ("Stavanger", "4006", "NO", "51"),
    ("Kristiansand", "4610", "NO", "38"),
    ("Tromsø", "9008", "NO", "77"),
    ("Drammen", "3015", "NO", "32"),
    ("Fredrikstad", "1606", "NO", "69"),
    ("Bodø", "8006", "NO", "75"),
    ("Ålesund", "6002", "NO", "70"),
    ("Hamar", "2317", "NO", "62"),
    ("Lillehammer", "2609", "NO", "61"),
    ("Tønsberg", "3110", "NO", "33"),
    ("Haugesund", "5527", "NO", "52"),
    ("Molde", "6413", "NO", "71"),
    ("Arendal", "4836", "NO", "37"),
]
FOREIGN_CITIES = {
    "SE": ("Göteborg", "411 06", "SE", "+46 31"),
    "DK": ("København", "1050", "DK", "+45 33"),
    "GB": ("Aberdeen", "AB10 1AB", "GB", "+44 1224"),
    "DE": ("Hamburg", "20095", "DE", "+49 40"),
}

# (name, e-mail domain, industry group, relations, city index or foreign code)
# Relations: C = customer, V = vendor, P = prospect, B = bank, X = partner.
COMPANIES: list[tuple[str, str, str, str, int | str]] = [
    ("Fjellheim Bygg AS", "fjellheim-bygg.no", "MANUFACTURING", "C", 0),
    ("Bryggen Kaffebrenneri AS", "bryggenkaffe.no", "MANUFACTURING", "C", 1),
    ("Nidaros Kontorsenter AS", "nidaroskontor.no", "RETAIL", "C", 2),
    ("Sandnes Sjømat AS", "sandnes-sjomat.no", "MANUFACTURING", "C", 3),
    ("Sørlandsmøbler AS", "sorlandsmobler.no", "RETAIL", "CV", 4),
    ("Ishavsfrakt AS", "ishavsfrakt.no", "WHOLESALE", "C", 5),
    ("Drammen Elektro AS", "drammen-elektro.no", "WHOLESALE", "C", 6),
    ("Glomma Papir AS", "glommapapir.no", "MANUFACTURING", "V", 7),
    ("Saltstraumen Marine AS", "saltstraumen.no", "MANUFACTURING", "C", 8),
    ("Sunnmøre Tekstil AS", "sunnmore-tekstil.no", "MANUFACTURING", "C", 9),
    ("Mjøsa Regnskap AS", "mjosaregnskap.no", "RETAIL", "P", 10),
    ("Gudbrandsdal Turisthytter AS", "gdal-hytter.no", "RETAIL", "C", 11),
    ("Vestfold Kontormaskiner AS", "vkm.no", "WHOLESALE", "V", 12),
    ("Karmsund Verft AS", "karmsundverft.no", "MANUFACTURING", "C", 13),
    ("Romsdal Trykkeri AS", "romsdaltrykk.no", "MANUFACTURING", "CV", 14),
    ("Agder Lys og Lampe AS", "agderlys.no", "RETAIL", "C", 15),
    ("Holmenkollen Eiendom AS", "hkeiendom.no", "RETAIL", "P", 0),
    ("Fana Sparebank", "fanasparebank.no", "RETAIL", "B", 1),
    ("Trøndelag IT-Drift AS", "tit-drift.no", "WHOLESALE", "CX", 2),
    ("Ryfylke Laks AS", "ryfylkelaks.no", "MANUFACTURING", "C", 3),
    ("Kvadraturen Interiør AS", "kvadraturen.no", "RETAIL", "C", 4),
    ("Polarlys Reiser AS", "polarlys-reiser.no", "RETAIL", "P", 5),
    ("Papirgrossisten AS", "papirgrossisten.no", "WHOLESALE", "V", 6),
    ("Hvaler Båtservice AS", "hvalerbat.no", "RETAIL", "C", 7),
    ("Nordland Entreprenør AS", "nordland-ent.no", "MANUFACTURING", "C", 8),
    ("Atlanterhavsvegen Hotell AS", "ahv-hotell.no", "RETAIL", "P", 14),
    ("Hedmark Landbruk SA", "hedmarklandbruk.no", "WHOLESALE", "C", 10),
    ("Olympiaparken Sport AS", "olympiasport.no", "RETAIL", "C", 11),
    ("Slottsfjell Data AS", "slottsfjelldata.no", "WHOLESALE", "X", 12),
    ("Smedasundet Mekaniske AS", "smedamek.no", "MANUFACTURING", "CV", 13),
    ("Oslofjord Kontormøbler AS", "ofkm.no", "WHOLESALE", "V", 0),
    ("Bergen Skipsrederi AS", "bergenrederi.no", "WHOLESALE", "C", 1),
    ("Lade Bilsenter AS", "ladebil.no", "RETAIL", "P", 2),
    ("Kystbanken ASA", "kystbanken.no", "RETAIL", "B", 3),
    ("Nordic Office Supply AB", "nordicoffice.se", "WHOLESALE", "V", "SE"),
    ("Øresund Design ApS", "oresund-design.dk", "RETAIL", "C", "DK"),
    ("Granite City Energy Ltd", "granitecity.co.uk", "MANUFACTURING", "CX", "GB"),
    ("Hanse Logistik GmbH", "hanse-logistik.de", "WHOLESALE", "P", "DE"),
    ("Tromsø Arktisk Akvakultur AS", "arktisk-akva.no", "MANUFACTURING", "P", 5),
    ("Arendal Skipsutstyr AS", "arendal-skip.no", "WHOLESALE", "C", 15),
]

FIRST_NAMES = [
    "Kari", "Ola", "Ingrid", "Lars", "Sofie", "Henrik", "Nora", "Magnus",
    "Emma", "Jonas", "Ida", "Sindre", "Marte", "Eirik", "Silje", "Anders",
    "Hanne", "Bjørn", "Tone", "Knut", "Ragnhild", "Håkon", "Astrid", "Even",
    "Live", "Torstein", "Maren", "Øystein", "Sigrid", "Vegard", "Åse", "Geir",
]  # fmt: skip
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
    "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen",
    "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl",
    "Jørgensen", "Halvorsen", "Henriksen", "Lund", "Sørensen", "Moen",
    "Strand", "Solberg", "Bakken", "Lie", "Aasen", "Økland",
]  # fmt: skip
FOREIGN_NAMES = [
    "Anna Lindqvist", "Erik Johansson", "Mette Kjær", "Søren Holm",
    "Fiona MacLeod", "James Murray", "Katrin Schulz", "Jan Becker",
]  # fmt: skip
STREETS = ["Storgata", "Kirkegata", "Industriveien", "Havnegata", "Sjøgata"]
# (Norwegian title, English title, job responsibility)
JOBS = [
    ("Daglig leder", "Managing Director", "MANAGEMENT"),
    ("Økonomisjef", "Chief Financial Officer", "MANAGEMENT"),
    ("Innkjøpssjef", "Purchasing Manager", "PURCHASE"),
    ("Innkjøper", "Buyer", "PURCHASE"),
    ("Salgssjef", "Sales Manager", "SALES"),
    ("Selger", "Sales Representative", "SALES"),
    ("IT-sjef", "IT Manager", "IT"),
    ("IT-konsulent", "IT Consultant", "IT"),
]

# --- templates ------------------------------------------------------------


@dataclass(frozen=True)
class TemplateSpec:
    code: str
    group: str
    description: str
    unit_cost: str = "0"
    unit_duration: str = "0"
    information_flow: str = InformationFlow.BLANK
    initiated_by: str = InitiatedBy.BLANK
    correspondence_type: str = CorrespondenceType.BLANK
    wizard_action: str = WizardAction.BLANK
    campaign: str = ""
    campaign_target: bool = False
    # language -> (subject, body)
    contents: dict[str, tuple[str, str]] = field(default_factory=dict)


OUT, IN = InformationFlow.OUTBOUND, InformationFlow.INBOUND
US, THEM = InitiatedBy.US, InitiatedBy.THEM

INTRO_NB = (
    "Kontorløsninger fra Nordlys Kontor",
    "Hei {{ contact.name }},\n\n"
    "takk for en hyggelig prat. Vedlagt finner du vår katalog over kontormøbler "
    "og rekvisita for {{ contact.company_name }}.\n\n"
    "Ta gjerne kontakt om du har spørsmål.\n\n"
    "Med vennlig hilsen\n{{ salesperson.name }}\n{{ salesperson.phone }}\n"
    "Oslo, {{ date }}",
)
INTRO_EN = (
    "Office solutions from Nordlys Kontor",
    "Dear {{ contact.name }},\n\n"
    "thank you for a pleasant conversation. Please find our catalogue of office "
    "furniture and supplies for {{ contact.company_name }} enclosed.\n\n"
    "Do not hesitate to contact me with any questions.\n\n"
    "Kind regards\n{{ salesperson.name }}\n{{ salesperson.phone }}\n"
    "Oslo, {{ date }}",
)
THANKS_NB = (
    "Takk for møtet",
    "Hei {{ contact.name }},\n\ntakk for et godt møte. Som avtalt sender vi et "
    "tilbud til {{ contact.company_name }} innen en uke.\n\n"
    "Med vennlig hilsen\n{{ salesperson.name }}",
)
THANKS_EN = (
    "Thank you for the meeting",
    "Dear {{ contact.name }},\n\nthank you for a good meeting. As agreed we will "
    "send {{ contact.company_name }} an offer within a week.\n\n"
    "Kind regards\n{{ salesperson.name }}",
)
XMAS_NB = (
    "God jul fra Nordlys Kontor",
    "Kjære {{ contact.name }},\n\ntakk for samarbeidet i året som gikk. Vi ønsker "
    "deg og alle i {{ contact.company_name }} en god jul og et godt nytt år!\n\n"
    "{{ salesperson.name }}",
)
XMAS_EN = (
    "Season's greetings from Nordlys Kontor",
    "Dear {{ contact.name }},\n\nthank you for working with us this year. Merry "
    "Christmas and a happy New Year to everyone at {{ contact.company_name }}!\n\n"
    "{{ salesperson.name }}",
)
OFFER_NB = (
    "Tilbud på kontormøbler",
    "Hei {{ contact.name }},\n\nher er tilbudet vi snakket om. Prisene gjelder i "
    "30 dager fra {{ date }}.\n\nHilsen {{ salesperson.name }}",
)
OFFER_EN = (
    "Offer for office furniture",
    "Dear {{ contact.name }},\n\nplease find the offer we discussed. Prices are "
    "valid for 30 days from {{ date }}.\n\nRegards, {{ salesperson.name }}",
)
INVITE_NB = (
    "Invitasjon til møte",
    "Hei {{ contact.name }},\n\nvelkommen til møte hos Nordlys Kontor i "
    "Oslo.\n\nHilsen {{ salesperson.name }}",
)
INVITE_EN = (
    "Meeting invitation",
    "Dear {{ contact.name }},\n\nyou are welcome to a meeting at Nordlys Kontor "
    "in Oslo.\n\nRegards, {{ salesperson.name }}",
)

TEMPLATES = [
    TemplateSpec(
        "LETTER-INTRO", "LETTER", "Introduksjonsbrev", "25", "10", OUT, US,
        CorrespondenceType.HARD_COPY, WizardAction.MERGE,
        contents={"nb": INTRO_NB, "en": INTRO_EN},
    ),
    TemplateSpec(
        "LETTER-THANKS", "LETTER", "Takkebrev etter møte", "25", "10", OUT, US,
        CorrespondenceType.HARD_COPY, WizardAction.MERGE,
        contents={"nb": THANKS_NB, "en": THANKS_EN},
    ),
    TemplateSpec(
        "LETTER-XMAS", "LETTER", "Julebrev", "35", "5", OUT, US,
        CorrespondenceType.HARD_COPY, WizardAction.MERGE, campaign="xmas",
        campaign_target=True, contents={"nb": XMAS_NB, "en": XMAS_EN},
    ),
    TemplateSpec("COVERSH", "LETTER", "Følgebrev", "10", "2", OUT, US),
    TemplateSpec(
        "EMAIL-OFFER", "EMAIL", "Tilbud på e-post", "0", "15", OUT, US,
        CorrespondenceType.EMAIL, WizardAction.MERGE,
        contents={"nb": OFFER_NB, "en": OFFER_EN},
    ),
    TemplateSpec("EMAIL", "EMAIL", "E-post", "0", "5", OUT, US),
    TemplateSpec("CALL-OUT", "PHONE", "Utgående telefonsamtale", "2", "10", OUT, US),
    TemplateSpec("CALL-IN", "PHONE", "Innkommende telefonsamtale", "0", "10", IN, THEM),
    TemplateSpec("MEETING", "MEETING", "Kundemøte", "450", "60", "", US),
    TemplateSpec(
        "MEETINV", "MEETING", "Møteinvitasjon", "0", "5", OUT, US,
        CorrespondenceType.EMAIL, contents={"nb": INVITE_NB, "en": INVITE_EN},
    ),
]  # fmt: skip

# Document type -> (template code, group, description, flow, initiated by)
DOCUMENT_TEMPLATES = {
    DocumentType.SALES_QUOTE: ("S-QUOTE", "SALES", "Salgstilbud", OUT, US),
    DocumentType.SALES_BLANKET_ORDER: ("S-BLANKET", "SALES", "Rammeordre", OUT, US),
    DocumentType.SALES_ORDER_CONFIRMATION: (
        "S-ORDCONF", "SALES", "Ordrebekreftelse", OUT, US,
    ),
    DocumentType.SALES_INVOICE: ("S-INVOICE", "SALES", "Salgsfaktura", OUT, US),
    DocumentType.SALES_SHIPMENT_NOTE: ("S-SHIPMENT", "SALES", "Følgeseddel", OUT, US),
    DocumentType.SALES_CREDIT_MEMO: ("S-CRMEMO", "SALES", "Kreditnota", OUT, US),
    DocumentType.SALES_STATEMENT: ("S-STATEMENT", "SALES", "Kontoutdrag", OUT, US),
    DocumentType.SALES_REMINDER: ("S-REMINDER", "SALES", "Purring", OUT, US),
    DocumentType.SALES_RETURN_ORDER: ("S-RETORDER", "SALES", "Returordre", IN, THEM),
    DocumentType.SALES_FINANCE_CHARGE_MEMO: (
        "S-FINCHARGE", "SALES", "Rentenota", OUT, US,
    ),
    DocumentType.SALES_RETURN_RECEIPT: (
        "S-RETRCPT", "SALES", "Returmottak", IN, THEM,
    ),
    DocumentType.SALES_DRAFT_INVOICE: (
        "S-DRAFTINV", "SALES", "Fakturautkast", OUT, US,
    ),
    DocumentType.PURCHASE_QUOTE: (
        "P-QUOTE", "PURCHASE", "Forespørsel om tilbud", OUT, US,
    ),
    DocumentType.PURCHASE_BLANKET_ORDER: (
        "P-BLANKET", "PURCHASE", "Rammebestilling", OUT, US,
    ),
    DocumentType.PURCHASE_ORDER: ("P-ORDER", "PURCHASE", "Innkjøpsordre", OUT, US),
    DocumentType.PURCHASE_INVOICE: (
        "P-INVOICE", "PURCHASE", "Innkjøpsfaktura", IN, THEM,
    ),
    DocumentType.PURCHASE_RECEIPT: ("P-RECEIPT", "PURCHASE", "Varemottak", IN, THEM),
    DocumentType.PURCHASE_CREDIT_MEMO: (
        "P-CRMEMO", "PURCHASE", "Innkjøpskreditnota", IN, THEM,
    ),
    DocumentType.PURCHASE_RETURN_SHIPMENT: (
        "P-RETSHIP", "PURCHASE", "Returforsendelse", OUT, US,
    ),
    DocumentType.PURCHASE_RETURN_ORDER_CONFIRMATION: (
        "P-RETORDCONF", "PURCHASE", "Returordrebekreftelse", OUT, US,
    ),
    DocumentType.SERVICE_ORDER_CREATE: (
        "SV-ORDER", "SERVICE", "Serviceordre opprettet", OUT, US,
    ),
    DocumentType.SERVICE_ORDER_POST: (
        "SV-POSTED", "SERVICE", "Serviceordre bokført", OUT, US,
    ),
    DocumentType.SERVICE_CONTRACT: (
        "SV-CONTRACT", "SERVICE", "Servicekontrakt", OUT, US,
    ),
    DocumentType.SERVICE_CONTRACT_QUOTE: (
        "SV-CONTRQUOTE", "SERVICE", "Servicekontrakttilbud", OUT, US,
    ),
    DocumentType.SERVICE_QUOTE: ("SV-QUOTE", "SERVICE", "Servicetilbud", OUT, US),
}  # fmt: skip
# In-app events mapped to the templates above (e-mail draft stays blank:
# "do not record").
EVENT_TEMPLATES = {
    DocumentType.EMAIL: "EMAIL",
    DocumentType.OUTGOING_CALL: "CALL-OUT",
    DocumentType.COVER_SHEET: "COVERSH",
    DocumentType.MEETING_INVITATION: "MEETINV",
}

COMMENTS = [
    "Kunden ønsker ny kontakt etter sommerferien.",
    "Sendt prisliste for 2026 på e-post.",
    "Avtalt befaring av nye lokaler.",
    "Ønsker tilbud på 40 hev/senk-pulter.",
    "Ring tilbake neste uke – beslutningstaker på ferie.",
    "Fornøyd med leveransen, vurderer rammeavtale.",
    "Klage på forsinket levering; kreditnota sendt.",
    "Customer asked for an English price list.",
]
CANCEL_REASONS = [
    "Registrert på feil kontakt.",
    "Dobbeltregistrert.",
    "Møtet ble avlyst.",
]


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
