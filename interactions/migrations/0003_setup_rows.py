"""Fill the template setup with one row per document type, and number series."""

from django.db import migrations

DOCUMENT_TYPES = [
    "sales_quote", "sales_blanket_order", "sales_order_confirmation", "sales_invoice",
    "sales_shipment_note", "sales_credit_memo", "sales_statement", "sales_reminder",
    "service_order_create", "service_order_post", "purchase_quote",
    "purchase_blanket_order", "purchase_order", "purchase_invoice", "purchase_receipt",
    "purchase_credit_memo", "cover_sheet", "sales_return_order",
    "sales_finance_charge_memo", "sales_return_receipt", "purchase_return_shipment",
    "purchase_return_order_confirmation", "service_contract", "service_contract_quote",
    "service_quote", "sales_draft_invoice", "email", "email_draft", "outgoing_call",
    "meeting_invitation",
]

SERIES = [
    ("CONTACT", "Contacts", "CT"),
    ("CAMPAIGN", "Campaigns", "CP"),
    ("SEGMENT", "Segments", "SM"),
]


def forward(apps, schema_editor):
    setup = apps.get_model("interactions", "DocumentTemplateSetup")
    for document_type in DOCUMENT_TYPES:
        setup.objects.get_or_create(document_type=document_type)
    series = apps.get_model("contacts", "NumberSeries")
    for code, description, prefix in SERIES:
        series.objects.get_or_create(
            code=code, defaults={"description": description, "prefix": prefix}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("interactions", "0002_entry_delete_guard"),
        ("contacts", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
