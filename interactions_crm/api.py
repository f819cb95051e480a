"""The REST API's URLs: ``/api/v1/`` (namespace ``api``), schema and docs.

One router for both apps; resources use business keys in their URLs (contact
``no``, template ``code``, salesperson ``code``, segment ``no``, entry
number). ``schema/`` serves the OpenAPI 3 contract, ``docs/`` Swagger UI from
drf-spectacular-sidecar (no CDN).
"""

from typing import Any

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from contacts import api as contacts_api
from interactions import api as interactions_api
from interactions.api import outbox as outbox_api
from interactions.api import privacy as privacy_api
from interactions.api.masterdata import SalespersonStatisticsView
from interactions.api.template_content import TemplateContentViewSet
from interactions_crm.platform.api.contract import SCHEMA_GENERATION
from interactions_crm.platform.api.jobs import BackgroundJobViewSet
from interactions_crm.platform.api.schema import enumerate_keys

app_name = "api"


class Router(DefaultRouter):
    """DefaultRouter (browsable API root) without ``.json`` format suffixes."""

    include_format_suffixes = False


class NotFoundView(APIView):
    """Any other URL under /api/v1/: a JSON 404 like every API error."""

    permission_classes = [AllowAny]
    schema = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise NotFound()


class LiveSchemaView(SpectacularAPIView):
    """The served schema, with the codes the code filters accept today
    (``platform.api.schema.existing_keys``)."""

    schema = None  # not an operation of the API it describes

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        token = enumerate_keys.set(True)
        try:
            with SCHEMA_GENERATION:
                response: Response = super().get(request, *args, **kwargs)
        finally:
            enumerate_keys.reset(token)
        return response


router = Router()
router.register("contacts", contacts_api.ContactViewSet, basename="contact")
router.register(
    r"contacts/(?P<contact_no>[^/]+)/interactions",
    interactions_api.ContactInteractionViewSet,
    basename="contact-interaction",
)
router.register("salespeople", contacts_api.SalespersonViewSet, "salesperson")
router.register("campaigns", interactions_api.CampaignViewSet, "campaign")
router.register(
    "interaction-groups",
    interactions_api.InteractionGroupViewSet,
    basename="interaction-group",
)
router.register(
    "interaction-templates",
    interactions_api.InteractionTemplateViewSet,
    basename="interaction-template",
)
router.register(
    r"interaction-templates/(?P<template_code>[^/]+)/contents",
    TemplateContentViewSet,
    basename="interaction-template-content",
)
router.register(
    "interaction-template-setup",
    interactions_api.InteractionTemplateSetupViewSet,
    basename="interaction-template-setup",
)
router.register(
    "business-relations",
    contacts_api.BusinessRelationViewSet,
    basename="business-relation",
)
router.register(
    "job-responsibilities",
    contacts_api.JobResponsibilityViewSet,
    basename="job-responsibility",
)
router.register("industry-groups", contacts_api.IndustryGroupViewSet, "industry-group")
router.register("mailing-groups", contacts_api.MailingGroupViewSet, "mailing-group")
router.register("interactions", interactions_api.InteractionViewSet, "interaction")
router.register(
    "postponed-interactions",
    interactions_api.PostponedInteractionViewSet,
    basename="postponed-interaction",
)
router.register("segments", interactions_api.SegmentViewSet, "segment")
router.register(
    r"segments/(?P<segment_no>[^/]+)/lines",
    interactions_api.SegmentLineViewSet,
    basename="segment-line",
)
router.register(
    "logged-segments", interactions_api.LoggedSegmentViewSet, "logged-segment"
)
router.register("jobs", BackgroundJobViewSet, "job")
router.register("outbox", outbox_api.OutboxMessageViewSet, "outbox-message")

urlpatterns = [
    path(
        "document-events/",
        interactions_api.DocumentEventView.as_view(),
        name="document-event",
    ),
    path(
        "contacts/<str:contact_no>/personal-data/",
        privacy_api.PersonalDataView.as_view(),
        name="contact-personal-data",
    ),
    path(
        "contacts/<str:contact_no>/erase/",
        privacy_api.EraseView.as_view(),
        name="contact-erase",
    ),
    # Contacts' salesperson resource knows nothing of the log: its figures
    # are served from the interactions app.
    path(
        "salespeople/<str:code>/statistics/",
        SalespersonStatisticsView.as_view(),
        name="salesperson-statistics",
    ),
    path("outbox/bounces/", outbox_api.BounceView.as_view(), name="outbox-bounce"),
    path("schema/", LiveSchemaView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="docs",
    ),
    path("", include(router.urls)),
    # Also paths with control characters: "." would not match a newline.
    re_path(r"^[\s\S]*/\Z", NotFoundView.as_view()),
]
