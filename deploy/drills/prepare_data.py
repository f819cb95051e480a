"""Fill the drill's database and print what the load needs, as JSON.

Runs with the drill's environment (DATABASE_URL …). The contacts, the log
(half of it canceled, for the delete-canceled job) and a segment with a line
per contact (for the segment-log job) come from the benchmark's set-based
builder; here only the users and their API tokens are added.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interactions_crm.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.dataset import DatasetSpec, build_dataset  # noqa: E402
from contacts.models import Contact  # noqa: E402
from interactions.models import InteractionLogEntry, InteractionTemplate  # noqa: E402


def main() -> None:
    contacts, entries = int(sys.argv[1]), int(sys.argv[2])
    admin_password = sys.argv[3]
    dataset = build_dataset(DatasetSpec.sized(contacts=contacts, entries=entries))
    users = get_user_model().objects
    admin = users.create_superuser("drill-admin", password=admin_password)
    integrators = Group.objects.get(name="Integrator")
    tokens = []
    for number in range(1, 4):
        user = users.create_user(f"drill-erp-{number}")
        user.groups.add(integrators)
        tokens.append(Token.objects.create(user=user).key)
    print(
        json.dumps(
            {
                "admin_token": Token.objects.create(user=admin).key,
                "integrator_tokens": tokens,
                "contact_nos": list(
                    Contact.objects.filter(type=Contact.Type.PERSON)
                    .order_by("?")
                    .values_list("no", flat=True)[:200]
                ),
                "template": InteractionTemplate.objects.order_by("code")[0].code,
                "max_entry_no": InteractionLogEntry.objects.order_by("-entry_no")[
                    0
                ].entry_no,
                "canceled": dataset.canceled,
                "entries": dataset.entries,
                "segment_no": dataset.segment_no,
                "segment_lines": dataset.segment_lines,
            }
        )
    )


if __name__ == "__main__":
    main()
