"""Interaction template setup: which template records each document type (DOMAIN §2).

One row per :class:`~interactions.models.DocumentType` (created by migration
0003; :func:`document_setup_rows` adds rows for types introduced later). A
blank template means "do not record that kind of document".
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from interactions.models import DocumentTemplateSetup, DocumentType, InteractionTemplate
from interactions.services.documents import template_may_record_documents
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit


def _ensure_rows() -> None:
    """Create the setup rows of document types that have none yet."""
    present = set(DocumentTemplateSetup.objects.values_list("document_type", flat=True))
    missing = [value for value in DocumentType.values if value not in present]
    if missing:
        DocumentTemplateSetup.objects.bulk_create(
            [DocumentTemplateSetup(document_type=value) for value in missing],
            ignore_conflicts=True,
        )


def document_setup_rows() -> list[DocumentTemplateSetup]:
    """Every document type's setup row, in :class:`DocumentType` order."""
    rows = list(DocumentTemplateSetup.objects.select_related("template"))
    if len(rows) < len(DocumentType.values):
        _ensure_rows()
        rows = list(DocumentTemplateSetup.objects.select_related("template"))
    order = {value: index for index, value in enumerate(DocumentType.values)}
    # Rows of a type that no longer exists go last rather than disappearing.
    return sorted(rows, key=lambda row: order.get(row.document_type, len(order)))


def set_document_template(
    *,
    actor: Actor,
    document_type: str,
    template: InteractionTemplate | None,
) -> DocumentTemplateSetup:
    """Choose the template that records ``document_type`` (None: do not record).

    Refuses a template with content of its own (language content or a file):
    for documents, the document is the content (NAV rule; meeting invitations
    excepted). Writes an audit event with the old and the new template.
    """
    if document_type not in DocumentType.values:
        raise ValidationError(
            {
                "document_type": [
                    _("“%(value)s” is not a document type.") % {"value": document_type}
                ]
            }
        )
    if template is not None and not template_may_record_documents(
        template, document_type
    ):
        raise ValidationError(
            {
                "template": [
                    ValidationError(
                        _(
                            "Interaction template %(code)s has content of its own. "
                            "Templates that record documents must have no content: "
                            "the document is the content."
                        )
                        % {"code": template.code},
                        # The referenced key's content: the API answers 422.
                        code="unprocessable",
                    )
                ]
            }
        )
    with transaction.atomic():
        row, _created = DocumentTemplateSetup.objects.select_for_update().get_or_create(
            document_type=document_type
        )
        old = row.template.code if row.template is not None else ""
        new = template.code if template is not None else ""
        if row.template_id != (template.pk if template is not None else None):
            row.template = template
            row.save(update_fields=["template"])
            record_audit(
                actor=actor,
                action="template_setup.change",
                obj=row,
                changes={
                    "document_type": document_type,
                    "template": {"old": old, "new": new},
                },
            )
    return row
