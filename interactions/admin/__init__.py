"""Django admin of the interactions app, one module per concept (DESIGN.md §4.2).

The CRM administrator configures the master data, the templates and the
template setup, works the interaction log with its domain actions and runs
segments through their whole lifecycle here. Every write calls a service;
where a staff page has a form for the same purpose, the admin uses it.

* :mod:`~interactions.admin.masterdata` — interaction groups, campaigns,
  attachments, and the master-data service every code table is written
  through (contacts' too);
* :mod:`~interactions.admin.interaction_templates` — templates with their
  content, and the template setup page;
* :mod:`~interactions.admin.log` — log entries with their actions,
  :mod:`~interactions.admin.comments` their comment lines,
  :mod:`~interactions.admin.delete_canceled` the batch job's pages,
  :mod:`~interactions.admin.entry_forms` the forms only the admin has;
* :mod:`~interactions.admin.segments` — segments, their lines and saved
  criteria; :mod:`~interactions.admin.segment_actions` the criteria action
  and log pages; :mod:`~interactions.admin.logged_segments` logged segments;
* :mod:`~interactions.admin.consent` — a contact's e-mail opt-out, by staff,
* :mod:`~interactions.admin.privacy` — export and erase a person's data,
  actions added to contacts' ``ContactAdmin``.

Django's autodiscovery imports this package, which imports every module so
that each registers its models.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from interactions.admin import (
    comments,
    consent,  # noqa: F401 (contact actions)
    interaction_templates,
    log,
    logged_segments,
    masterdata,
    privacy,
    segments,
)
from interactions.admin import outbox as outbox_admin  # noqa: F401 (registers)
from interactions.admin import preferences as preferences_admin  # noqa: F401
from interactions.admin.log import InteractionLogEntryAdmin
from interactions_crm.platform.admin import (
    LookaheadPaginator,
    MasterDataAdmin,
    NoCountAdmin,
    copy_fields,
)

admin.site.site_header = _("Interactions CRM administration")
admin.site.site_title = _("Interactions CRM")
admin.site.index_title = _("Configuration and interaction log")

__all__ = [
    "InteractionLogEntryAdmin",
    "LookaheadPaginator",
    "MasterDataAdmin",
    "NoCountAdmin",
    "comments",
    "copy_fields",
    "interaction_templates",
    "log",
    "logged_segments",
    "masterdata",
    "privacy",
    "segments",
]
