from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    name = "interactions"
    verbose_name = _("Interactions")

    def ready(self) -> None:
        from contacts.signals import contact_changed
        from interactions import guard, receivers

        connection_created.connect(guard.register_sqlite_function)
        # Contact changes are audited here: contacts must not import interactions.
        contact_changed.connect(
            receivers.audit_contact_change, dispatch_uid="audit_contact_change"
        )
        # The API's Integrator group, kept at exactly its permissions.
        from interactions_crm.api_permissions import sync_integrator_group

        post_migrate.connect(
            sync_integrator_group, sender=self, dispatch_uid="sync_integrator_group"
        )
        post_migrate.connect(
            receivers.ensure_default_rows,
            sender=self,
            dispatch_uid="ensure_default_rows",
        )
