"""The export: one ZIP of every personal data section of a contact."""

import io
import json
import zipfile
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from contacts.models import Contact
from interactions.services.privacy.registry import EXPORT_ACTION, registered
from interactions_crm.platform.actors import Actor
from interactions_crm.platform.audit import record_audit


def archive_name(contact: Contact) -> str:
    """The download's file name: ``personal-data-<no>.zip``."""
    return f"personal-data-{contact.no}.zip"


def _json_bytes(data: Any) -> bytes:
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    ).encode()


def export_contact_data(*, actor: Actor, contact: Contact) -> bytes:
    """A ZIP of every personal data section of ``contact``; one audit event.

    Each section adds its members: ``contact.json``, ``entries.json``,
    ``attachments/<id>/…``, ``segments.json``, ``audit.json`` and whatever
    other modules registered (``consent.json``).
    """
    buffer = io.BytesIO()
    names = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for section in registered():
            if section.exporter is None:
                continue
            names.append(section.name)
            for path, content in section.exporter(contact).items():
                data = content if isinstance(content, bytes) else _json_bytes(content)
                archive.writestr(path, data)
    record_audit(
        actor=actor,
        action=EXPORT_ACTION,
        obj=contact,
        changes={"no": contact.no, "sections": names},
    )
    return buffer.getvalue()
