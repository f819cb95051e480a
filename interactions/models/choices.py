"""Choices and number formats shared by templates, the ledger and segments."""

import enum
from typing import TypedDict

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecimalSize(TypedDict):
    """``max_digits``/``decimal_places`` of a ``DecimalField`` (``**MONEY``)."""

    max_digits: int
    decimal_places: int


MONEY: DecimalSize = {"max_digits": 14, "decimal_places": 2}
MINUTES: DecimalSize = {"max_digits": 10, "decimal_places": 2}


class InformationFlow(models.TextChoices):
    BLANK = "", _("(blank)")
    OUTBOUND = "outbound", _("Outbound")
    INBOUND = "inbound", _("Inbound")


class InitiatedBy(models.TextChoices):
    BLANK = "", _("(blank)")
    US = "us", _("Us")
    THEM = "them", _("Them")


class Evaluation(models.TextChoices):
    BLANK = "", _("(blank)")
    VERY_POSITIVE = "very_positive", _("Very positive")
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    VERY_NEGATIVE = "very_negative", _("Very negative")


class DeliveryStatus(models.TextChoices):
    """An entry's e-mail: nothing to deliver, or queued → sent | failed | suppressed.

    ``IN_PROGRESS`` is an alias of ``QUEUED`` (the name the creation paths
    used before the outbox, DOMAIN §12); it is not a choice of its own.
    """

    BLANK = "", _("(blank)")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Suppressed")
    IN_PROGRESS = enum.nonmember("queued")


class TemplatePurpose(models.TextChoices):
    """Marketing e-mail respects opt-outs and suppression; service e-mail goes out."""

    MARKETING = "marketing", _("Marketing")
    SERVICE = "service", _("Service")


class WizardAction(models.TextChoices):
    BLANK = "", _("(blank)")
    OPEN = "open", _("Open")
    IMPORT = "import", _("Import")
    MERGE = "merge", _("Merge")


class DocumentType(models.TextChoices):
    """Document kinds that can be recorded automatically (NAV enum 5099 + events)."""

    SALES_QUOTE = "sales_quote", _("Sales quote")
    SALES_BLANKET_ORDER = "sales_blanket_order", _("Sales blanket order")
    SALES_ORDER_CONFIRMATION = "sales_order_confirmation", _("Sales order confirmation")
    SALES_INVOICE = "sales_invoice", _("Sales invoice")
    SALES_SHIPMENT_NOTE = "sales_shipment_note", _("Sales shipment note")
    SALES_CREDIT_MEMO = "sales_credit_memo", _("Sales credit memo")
    SALES_STATEMENT = "sales_statement", _("Sales statement")
    SALES_REMINDER = "sales_reminder", _("Sales reminder")
    SERVICE_ORDER_CREATE = "service_order_create", _("Service order create")
    SERVICE_ORDER_POST = "service_order_post", _("Service order post")
    PURCHASE_QUOTE = "purchase_quote", _("Purchase quote")
    PURCHASE_BLANKET_ORDER = "purchase_blanket_order", _("Purchase blanket order")
    PURCHASE_ORDER = "purchase_order", _("Purchase order")
    PURCHASE_INVOICE = "purchase_invoice", _("Purchase invoice")
    PURCHASE_RECEIPT = "purchase_receipt", _("Purchase receipt")
    PURCHASE_CREDIT_MEMO = "purchase_credit_memo", _("Purchase credit memo")
    COVER_SHEET = "cover_sheet", _("Cover sheet")
    SALES_RETURN_ORDER = "sales_return_order", _("Sales return order")
    SALES_FINANCE_CHARGE_MEMO = (
        "sales_finance_charge_memo",
        _("Sales finance charge memo"),
    )
    SALES_RETURN_RECEIPT = "sales_return_receipt", _("Sales return receipt")
    PURCHASE_RETURN_SHIPMENT = "purchase_return_shipment", _("Purchase return shipment")
    PURCHASE_RETURN_ORDER_CONFIRMATION = (
        "purchase_return_order_confirmation",
        _("Purchase return order confirmation"),
    )
    SERVICE_CONTRACT = "service_contract", _("Service contract")
    SERVICE_CONTRACT_QUOTE = "service_contract_quote", _("Service contract quote")
    SERVICE_QUOTE = "service_quote", _("Service quote")
    SALES_DRAFT_INVOICE = "sales_draft_invoice", _("Sales draft invoice")
    EMAIL = "email", _("E-mail")
    EMAIL_DRAFT = "email_draft", _("E-mail draft")
    OUTGOING_CALL = "outgoing_call", _("Outgoing call")
    MEETING_INVITATION = "meeting_invitation", _("Meeting invitation")
