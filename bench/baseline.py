"""Baselines and ceilings of the request cases, served next to the application.

* The API list baseline: a plain DRF ``ModelViewSet`` with page numbers over
  the same filters (``EntryFilterSet``) and the serializer the endpoints used
  before issue #12: full model instances with their references joined
  (``select_related``) through ``InteractionLogEntrySerializer``. Only the
  viewset, the pagination (``PageNumberPagination``: a ``COUNT(*)`` of the
  filtered rows plus ``OFFSET``) and the row building differ.
* The ceilings: a minimal DRF endpoint (the project's authentication,
  throttling and JSON rendering; it reads nothing) and a minimal staff page
  (login, session, the site's base template with an empty body). No page or
  endpoint can be cheaper than these in the same setup.

The benchmark routes them through this module as ``ROOT_URLCONF``
(``override_settings``, or ``bench.wsgi`` under gunicorn), so they are never
part of the application. The module serves the application's URLs too, so
everything can be timed in turns under the same settings.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from interactions.api.entries.serializers import (
    ENTRY_RELATED,
    InteractionLogEntrySerializer,
)
from interactions.filters import EntryFilterSet
from interactions.models import InteractionLogEntry
from interactions_crm import urls as application_urls

URL = "/baseline/interactions/"
MINIMAL_API = "/baseline/minimal-api/"
MINIMAL_PAGE = "/baseline/minimal-page/"


class FiftyPerPage(PageNumberPagination):
    page_size = 50


class PageNumberEntryViewSet(viewsets.ModelViewSet):
    serializer_class = InteractionLogEntrySerializer
    filterset_class = EntryFilterSet
    pagination_class = FiftyPerPage

    def get_queryset(self) -> QuerySet[InteractionLogEntry]:
        return (
            InteractionLogEntry.objects.visible()
            .select_related(*ENTRY_RELATED)
            .order_by("-date", "-entry_no")
        )


class MinimalApiView(APIView):
    """The API ceiling: token authentication, throttles, a JSON answer."""

    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"results": []})


_MINIMAL_TEMPLATE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<p>ok</p>{% endblock %}'
)


@login_required
def minimal_page(request: HttpRequest) -> HttpResponse:
    """The page ceiling: session, login, the site's base template."""
    return HttpResponse(_MINIMAL_TEMPLATE.render({}, request))


def _path(url: str, view: Any, name: str) -> Any:
    return path(url.strip("/") + "/", view, name=name)


urlpatterns = [
    _path(
        URL,
        PageNumberEntryViewSet.as_view({"get": "list"}),
        "baseline-interaction-list",
    ),
    _path(MINIMAL_API, MinimalApiView.as_view(), "baseline-minimal-api"),
    _path(MINIMAL_PAGE, minimal_page, "baseline-minimal-page"),
    *application_urls.urlpatterns,
]
