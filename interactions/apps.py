from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "interactions"
    verbose_name = _("Interactions")

    def ready(self) -> None:
        from interactions import guard

        connection_created.connect(guard.register_sqlite_function)
