from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "interactions"
    verbose_name = _("Interactions")

    def ready(self) -> None:
        from interactions import guard, receivers
        from interactions.services.jobs import register_job_kinds

        connection_created.connect(guard.register_sqlite_function)
        register_job_kinds()
        # The API's Integrator group, kept at exactly its permissions.
        from interactions_crm.platform.api.permissions import sync_integrator_group

        post_migrate.connect(
            sync_integrator_group, sender=self, dispatch_uid="sync_integrator_group"
        )
        post_migrate.connect(
            receivers.ensure_default_rows,
            sender=self,
            dispatch_uid="ensure_default_rows",
        )
