"""Signal receivers connected in ``InteractionsConfig.ready()``."""

from typing import Any

DEFAULT_NUMBER_SERIES = [
    ("CONTACT", "Contacts", "CT"),
    ("CAMPAIGN", "Campaigns", "CP"),
    ("SEGMENT", "Segments", "SM"),
]


def ensure_default_rows(sender: Any, *, using: str = "default", **kwargs: Any) -> None:
    """Keep the rows the application cannot work without (after every migrate).

    Migration 0003 creates them on a new database; this ``post_migrate``
    receiver restores them after ``flush`` (which Django follows with
    ``post_migrate``, like content types and permissions), so the number
    series and one template-setup row per document type always exist.
    """
    from contacts.models import NumberSeries
    from interactions.models import DocumentTemplateSetup, DocumentType

    for code, description, prefix in DEFAULT_NUMBER_SERIES:
        NumberSeries.objects.using(using).get_or_create(
            code=code, defaults={"description": description, "prefix": prefix}
        )
    existing = set(
        DocumentTemplateSetup.objects.using(using).values_list(
            "document_type", flat=True
        )
    )
    DocumentTemplateSetup.objects.using(using).bulk_create(
        DocumentTemplateSetup(document_type=value)
        for value in DocumentType.values
        if value not in existing
    )
