"""``manage.py seed_demo``: load the demo company once (see ``interactions.demo``)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interactions import demo


class Command(BaseCommand):
    help = (
        "Load demo data: a Norwegian wholesaler with ~200 contacts, templates, the "
        "template setup and a year of interactions, plus the superuser demo/demo. "
        "Idempotent: a database that already holds the demo data is left as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Add the demo data (and the demo/demo superuser) even though the "
                "database already holds other contacts. Never on a real database."
            ),
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if demo.has_other_data() and not force:
            raise CommandError(
                "This database already holds contacts that are not demo data. "
                "seed_demo only fills an empty database, because it creates the "
                "superuser demo/demo; use --force to add the demo data anyway."
            )
        result = demo.seed(log=lambda step: self.stdout.write(f"  seeding {step} …"))
        if result.created:
            self.stdout.write(self.style.SUCCESS("Demo data loaded:"))
        else:
            self.stdout.write("Demo data is already loaded; nothing was changed.")
        for name, count in result.counts.items():
            self.stdout.write(f"  {count:>5} {name}")
        self.stdout.write(
            f"Log in as {demo.DEMO_USERNAME} / {demo.DEMO_PASSWORD} "
            "(superuser, salesperson KH)."
        )
