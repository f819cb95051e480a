"""The API list baseline: a plain DRF ``ModelViewSet`` with page numbers.

Same queryset, serializer and filters as ``/api/v1/interactions/``; only the
viewset and the pagination differ (``PageNumberPagination``: a ``COUNT(*)``
of the filtered rows plus ``OFFSET``). The benchmark routes it through this
module as a temporary ``ROOT_URLCONF`` (``override_settings``), so it is never
part of the application. The module serves the application's URLs too, so
both lists can be timed in turns under the same settings.
"""

from django.db.models import QuerySet
from django.urls import path
from rest_framework import viewsets
from rest_framework.pagination import PageNumberPagination

from interactions.api import entries
from interactions.api.entries.serializers import InteractionLogEntrySerializer
from interactions.filters import EntryFilterSet
from interactions.models import InteractionLogEntry
from interactions_crm import urls as application_urls

URL = "/baseline/interactions/"


class FiftyPerPage(PageNumberPagination):
    page_size = 50


class PageNumberEntryViewSet(viewsets.ModelViewSet):
    serializer_class = InteractionLogEntrySerializer
    filterset_class = EntryFilterSet
    pagination_class = FiftyPerPage

    def get_queryset(self) -> QuerySet[InteractionLogEntry]:
        return entries().order_by("-date", "-entry_no")


urlpatterns = [
    path(
        URL.strip("/") + "/",
        PageNumberEntryViewSet.as_view({"get": "list"}),
        name="baseline-interaction-list",
    ),
    *application_urls.urlpatterns,
]
