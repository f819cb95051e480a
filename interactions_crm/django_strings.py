"""Django strings that Django's own Norwegian catalogues do not translate yet.

Never imported: ``makemessages`` extracts the markers below into
``locale/nb/LC_MESSAGES/django.po``, and the project catalogue (listed in
``LOCALE_PATHS``) takes precedence over Django's, so the form widgets and the
admin chrome show in Norwegian too. Drop a string once Django ships it in nb.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_STRINGS = (
    # django.db.models.fields.BLANK_CHOICE_LABEL (new in Django 6.0).
    gettext_noop("- Select an option -"),
    # django.tasks result statuses.
    gettext_noop("Ready"),
    gettext_noop("Running"),
    gettext_noop("Successful"),
    gettext_noop("Failed"),
    # The admin's layout, change list and change form.
    gettext_noop("Breadcrumbs"),
    gettext_noop("Sidebar"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Select all objects on this page for an action"),
    gettext_noop("Select this object for an action - {}"),
    gettext_noop("View selected %(model)s"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("Added:"),
    gettext_noop("Changed:"),
    gettext_noop("Deleted:"),
    gettext_noop("Error:"),
    ngettext_lazy(
        "Please correct the error below.", "Please correct the errors below.", 1
    ),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", 1),
)
