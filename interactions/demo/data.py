"""The demo company: master data, people, places and template texts."""

from dataclasses import dataclass, field

from contacts.models import (
    CorrespondenceType,
)
from interactions.models import (
    DocumentType,
    InformationFlow,
    InitiatedBy,
    WizardAction,
)

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
