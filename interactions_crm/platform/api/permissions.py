"""Who may call what in the REST API, and the ``Integrator`` group.

Access is Django's model permissions (``view_*`` for reads too, unlike DRF's
``DjangoModelPermissions``) plus the custom ones of the domain: cancel,
evaluate, delete canceled entries and log segments. A view names what each of
its actions needs in ``required_permissions`` (action or HTTP method → list of
``app_label.codename``); anything else falls back to the model permission of
the request method on the view's queryset model.
"""

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.request import Request

INTEGRATOR_GROUP = "Integrator"

# What an ERP, web shop or mail gateway needs (DOMAIN §1): read contacts with
# their classification and keep them in step with its customers and vendors,
# read the master data it refers to, read the log, record interactions and
# document events, comment, and cancel an entry it recorded by mistake (a
# voided invoice). Not: deleting anything, evaluating, master data changes,
# segments — those belong to staff and the CRM administrator.
INTEGRATOR_PERMISSIONS = (
    "contacts.view_contact",
    "contacts.add_contact",
    "contacts.change_contact",
    "contacts.view_salesperson",
    "contacts.view_businessrelation",
    "contacts.view_jobresponsibility",
    "contacts.view_industrygroup",
    "contacts.view_mailinggroup",
    "interactions.view_interactiongroup",
    "interactions.view_interactiontemplate",
    "interactions.view_campaign",
    "interactions.view_documenttemplatesetup",
    "interactions.view_interactionlogentry",
    "interactions.add_interactionlogentry",
    "interactions.cancel_interactionlogentry",
    "interactions.view_entrycomment",
    "interactions.add_entrycomment",
)


class CrmPermissions(DjangoModelPermissions):
    """Authenticated, and holding the permissions the action needs.

    A method the view does not implement is let through (after authentication)
    so that the caller gets an honest 405 rather than a 403.
    """

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    @staticmethod
    def handler_exists(request: Request, view: Any) -> bool:
        method = (request.method or "").lower()
        if hasattr(view, "action_map"):
            return method in view.action_map
        return method in view.http_method_names and hasattr(view, method)

    @staticmethod
    def declared_permissions(request: Request, view: Any) -> list[str] | None:
        declared = getattr(view, "required_permissions", {})
        action = getattr(view, "action", None)
        if action and action in declared:
            return list(declared[action])
        if request.method in declared:
            return list(declared[request.method])
        return None

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if not self.handler_exists(request, view):
            return True
        if request.method == "OPTIONS":
            # Metadata only; DRF's metadata checks each method's permission
            # before it describes that method's input.
            return True
        declared = self.declared_permissions(request, view)
        if declared is not None:
            return user.has_perms(declared)
        return super().has_permission(request, view)


def sync_integrator_group(
    sender: Any = None,
    *,
    apps: Any = global_apps,
    using: str = DEFAULT_DB_ALIAS,
    **kwargs: Any,
) -> None:
    """Create the ``Integrator`` group with exactly :data:`INTEGRATOR_PERMISSIONS`.

    Connected to ``post_migrate`` of the interactions app. Permissions are
    created by ``post_migrate`` too, in app order, so create the ones of our
    apps first (idempotent) to not depend on the order of the receivers.
    """
    for label in ("contacts", "interactions"):
        create_permissions(
            global_apps.get_app_config(label), verbosity=0, using=using, apps=apps
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = Q(pk__in=[])
    for name in INTEGRATOR_PERMISSIONS:
        app_label, codename = name.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    # A partly migrated database (``migrate interactions zero``) lacks some;
    # the group gets the ones that exist and the rest on the next migrate.
    permissions = list(Permission.objects.using(using).filter(wanted))
    group, _created = Group.objects.using(using).get_or_create(name=INTEGRATOR_GROUP)
    group.permissions.set(permissions)
