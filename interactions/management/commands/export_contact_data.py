"""``manage.py export_contact_data NO PATH`` — a person's data as a ZIP file.

The same archive as the staff page and the API (issue #10 item 6); one audit
event, with the system (or ``--actor``) as the actor. An existing file is not
overwritten unless ``--force``.
"""

import argparse
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from contacts.models import Contact
from interactions.services.privacy import export_contact_data


def contact_by_no(no: str) -> Contact:
    """The contact numbered ``no``, or a CommandError saying there is none."""
    contact = Contact.objects.filter(no=no).first()
    if contact is None:
        raise CommandError(_("No contact has the number %(no)s.") % {"no": no})
    return contact


def actor_by_username(username: str | None) -> AbstractBaseUser | None:
    """The user named by ``--actor`` (``None``: the system)."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("No user is named %(name)s.") % {"name": username})
    return user


class Command(BaseCommand):
    help = "Write everything held about one contact to a ZIP file."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("no", help="Contact no.")
        parser.add_argument("path", type=Path, help="The ZIP file to write.")
        parser.add_argument("--actor", help="Username recorded as the exporter.")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite an existing file."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        contact = contact_by_no(options["no"])
        path: Path = options["path"]
        if path.exists() and not options["force"]:
            raise CommandError(
                _("%(path)s exists; use --force to overwrite it.") % {"path": path}
            )
        actor = actor_by_username(options["actor"])
        data = export_contact_data(actor=actor, contact=contact)
        path.write_bytes(data)
        self.stdout.write(
            _("The personal data of %(no)s was written to %(path)s (%(size)d bytes).")
            % {"no": contact.no, "path": path, "size": len(data)}
        )
