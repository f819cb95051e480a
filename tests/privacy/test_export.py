"""The export: every section, the attachment content, one audit event."""

import io
import json
import zipfile

import pytest

from interactions.services import export_contact_data
from interactions.services.privacy import register_personal_data, registry
from interactions_crm.platform.models import AuditEvent

pytestmark = pytest.mark.django_db


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_export_holds_every_section_and_the_attachment_content(
    marked_person, admin_user
):
    members = read_zip(export_contact_data(actor=admin_user, contact=marked_person))

    contact = json.loads(members["contact.json"])
    assert contact["name"] == "Qzxname Nordmann"
    assert contact["email"] == "qzxmail@example.org"
    assert contact["company"]["no"] == marked_person.company.no
    assert contact["persons"] == []
    entries = json.loads(members["entries.json"])
    assert len(entries) == 5
    wizard = next(e for e in entries if e["description"] == "Qzxdescription")
    assert sorted(c["text"] for c in wizard["comments"]) == [
        "Qzxcomment about the call",
        "Qzxwizardcomment",
    ]
    folder = f"attachments/{wizard['attachment']}/"
    assert b"Qzxbody" in members[folder + "content.txt"]
    assert members[folder + "Qzxfilename.txt"] == (
        b"Qzxfilecontent for qzxmail@example.org"
    )
    assert any(
        m.endswith("content.txt") and b"Qzxmailbody" in v for m, v in members.items()
    )
    segments = json.loads(members["segments.json"])
    assert [line["contact_via"] for line in segments] == ["Qzxlinevia"]
    audit = json.loads(members["audit.json"])
    assert {"contact.create", "contact.update", "entry.create", "entry.comment"} <= {
        event["action"] for event in audit
    }


def test_one_audit_event_per_export(marked_person, admin_user):
    export_contact_data(actor=admin_user, contact=marked_person)
    export_contact_data(actor=admin_user, contact=marked_person)

    events = AuditEvent.objects.filter(action="contact.export_personal_data")
    assert events.count() == 2
    assert events.first().changes["no"] == marked_person.no
    assert events.first().actor == admin_user


def test_a_section_registered_elsewhere_is_exported_and_erased(
    marked_person, admin_user, monkeypatch
):
    """The hook other modules (the outbox, the consent history) use."""
    monkeypatch.setattr(registry, "_SECTIONS", dict(registry._SECTIONS))
    erased = []
    register_personal_data(
        "elsewhere",
        exporter=lambda contact: {
            "elsewhere.json": [{"no": contact.no, "opt_out": True}]
        },
        eraser=lambda scope, apply: erased.append(apply) or {"consent_rows": 1},
    )

    members = read_zip(export_contact_data(actor=admin_user, contact=marked_person))
    from interactions.services import erase_contact

    result = erase_contact(actor=admin_user, contact=marked_person)

    assert json.loads(members["elsewhere.json"]) == [
        {"no": marked_person.no, "opt_out": True}
    ]
    assert result.counts["consent_rows"] == 1
    assert erased == [False, True]  # counted, then applied


def test_a_section_name_is_registered_once(monkeypatch):
    monkeypatch.setattr(registry, "_SECTIONS", dict(registry._SECTIONS))

    with pytest.raises(ValueError, match="registered twice"):
        register_personal_data("entries")
