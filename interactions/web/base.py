"""What every staff page shares: access, the request type, messages, next URLs.

Each staff view checks one permission (:class:`StaffPermissionMixin`: 403 when
missing; ``LoginRequiredMiddleware`` sends anonymous users to the login page),
parses its input with a form, calls one service and redirects with a message
(post/redirect/get). State changes are POST-only. A service's refusal goes on
the form with :func:`interactions_crm.platform.forms.add_service_errors`, or —
when the answer is a redirect — into the messages with
:func:`show_validation_error`.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView, TemplateView

from contacts.views import StaffRequest
from interactions_crm.platform.keyset import InvalidCursor, KeysetPage

__all__ = [
    "StaffDetailView",
    "StaffPermissionMixin",
    "StaffRequest",
    "StaffTemplateView",
    "StaffView",
    "page_or_first",
    "safe_next",
    "show_form_errors",
    "show_validation_error",
]

M = TypeVar("M", bound=Model)

# The permissions the staff pages check (app_label.codename).
VIEW_ENTRIES = "interactions.view_interactionlogentry"
ADD_ENTRIES = "interactions.add_interactionlogentry"
CANCEL_ENTRIES = "interactions.cancel_interactionlogentry"
EVALUATE_ENTRIES = "interactions.evaluate_interactionlogentry"
ADD_COMMENTS = "interactions.add_entrycomment"
DELETE_CANCELED = "interactions.delete_canceled_interactionlogentry"
VIEW_SEGMENT = "interactions.view_segment"
ADD_SEGMENT = "interactions.add_segment"
CHANGE_SEGMENT = "interactions.change_segment"
DELETE_SEGMENT = "interactions.delete_segment"
LOG_SEGMENT = "interactions.log_segment"
VIEW_LOGGED = "interactions.view_loggedsegment"
CHANGE_LOGGED = "interactions.change_loggedsegment"
VIEW_CONTACT = "contacts.view_contact"


class StaffPermissionMixin(PermissionRequiredMixin):
    """403 (not a login redirect) for a signed-in user without the permission."""

    raise_exception = True


class StaffView(StaffPermissionMixin, View):
    """A staff page: ``permission_required`` checked, a :class:`StaffRequest`."""

    request: StaffRequest


class StaffTemplateView(StaffPermissionMixin, TemplateView):
    """A staff page rendered from a template and ``get_context_data``."""

    request: StaffRequest


class StaffDetailView(StaffPermissionMixin, DetailView[M]):
    """A staff page showing one object."""

    request: StaffRequest


def safe_next(request: HttpRequest, default: str) -> str:
    """The ``next`` URL of a form if it points back into this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def show_validation_error(request: HttpRequest, error: ValidationError) -> None:
    """A service's refusal as error messages on the next page (after a redirect)."""
    for message in error.messages:
        messages.error(request, str(message))


def show_form_errors(request: HttpRequest, form: BaseForm) -> None:
    """An invalid bulk-action form's errors as messages (the list shows them)."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


def page_or_first(
    read: Callable[..., KeysetPage], cursor: str | None, **kwargs: Any
) -> KeysetPage:
    """``read(cursor=cursor, **kwargs)``; a tampered cursor shows the first page."""
    try:
        return read(cursor=cursor, **kwargs)
    except InvalidCursor:
        return read(cursor=None, **kwargs)
