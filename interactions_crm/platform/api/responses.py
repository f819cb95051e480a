"""``201 Created`` answers: the new resource in the body, its URL in ``Location``.

Every creating operation answers through :func:`created`, so a client (and the
idempotency replay, which stores ``Location``) always learns where the new
resource lives. The schema documents the header on every 201
(:class:`~interactions_crm.platform.api.schema.CrmAutoSchema`).
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework import status
from rest_framework.response import Response

from interactions_crm.platform.api.schema import LOCATION_HEADER


def detail_location(view: Any, data: Any) -> str:
    """The absolute URL of the resource ``data`` on ``view``'s own detail route.

    The key comes from ``data[view.lookup_field]``; the URL's other arguments
    (a parent's key, as in ``segments/{segment_no}/lines/``) from the request.
    """
    lookup_field: str = view.lookup_field
    if not isinstance(data, dict) or lookup_field not in data:
        raise ImproperlyConfigured(
            f"{type(view).__name__}: the created resource has no "
            f"{lookup_field!r} to build its Location from; pass `location`."
        )
    kwarg = view.lookup_url_kwarg or lookup_field
    kwargs = {**view.kwargs, kwarg: data[lookup_field]}
    location: str = view.reverse_action("detail", kwargs=kwargs)
    return location


def created(view: Any, data: Any, *, location: str | None = None) -> Response:
    """A 201 with ``data`` and ``Location``: ``location``, else the view's detail URL.

    ``location`` may be a path; it is made absolute with the request.
    """
    if location is None:
        location = detail_location(view, data)
    else:
        location = view.request.build_absolute_uri(location)
    return Response(
        data, status=status.HTTP_201_CREATED, headers={LOCATION_HEADER: location}
    )
